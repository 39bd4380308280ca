-- capture_identity: an index answers only for the capture as it is now. A rewrite in place
-- beyond the first 64 KiB with the modification time put back (`touch -r`), or a copy of
-- another capture of the same size over it (same inode, same mtime), is seen by a new process
-- and by this one — whose cache used to compare only size, mtime and inode (issue 11,
-- defect 5). The answer after each edit must equal the one from a fresh copy of the new bytes.
.headers on
.shell mergecap -F pcap -a -w base.pcap http_dns_wikipedia_browse__zeek.pcap http_dns_wikipedia_browse__zeek.pcap http_dns_wikipedia_browse__zeek.pcap http_dns_wikipedia_browse__zeek.pcap http_dns_wikipedia_browse__zeek.pcap http_dns_wikipedia_browse__zeek.pcap
.shell test $(stat -c %s base.pcap) -gt 131072 && echo base.pcap is over 128 KiB: yes
.shell cp base.pcap cap.pcap && touch -r base.pcap cap.pcap && cp base.pcap edited.pcap
.shell /usr/bin/python3 "$TEST_DIR/rewrite_frame.py" edited.pcap 0.8 | sed 's/^/frame rewritten (at 80% of the file): /'
-- the fresh copy differs from the original (else this test proves nothing)
SELECT (SELECT group_concat(src || '>' || dst, ',') FROM packets('edited.pcap')) <> (SELECT group_concat(src || '>' || dst, ',') FROM packets('base.pcap')) AS "the edit changes the answer";
-- index cap.pcap in this process (cached) and note its state
SELECT count(*) AS "frames of cap.pcap" FROM packets('cap.pcap');

-- 1. rewrite in place beyond 64 KiB, mtime put back
.shell /usr/bin/python3 "$TEST_DIR/rewrite_frame.py" cap.pcap 0.8 > /dev/null && touch -r base.pcap cap.pcap
.shell stat -c '%s %Y' cap.pcap base.pcap | uniq | wc -l | sed 's/^/distinct size and mtime of cap.pcap and base.pcap: /'
.shell "$SQLITE3" -cmd ".load $XTRACTR_EXT" :memory: "SELECT 'new process sees the rewrite: ' || ((SELECT group_concat(src || '>' || dst, ',') FROM packets('cap.pcap')) = (SELECT group_concat(src || '>' || dst, ',') FROM packets('edited.pcap')))"
SELECT (SELECT group_concat(src || '>' || dst, ',') FROM packets('cap.pcap')) = (SELECT group_concat(src || '>' || dst, ',') FROM packets('edited.pcap')) AS "this process sees the rewrite";

-- 2. another capture of the same size copied over it (cp keeps the inode), mtime put back
.shell cp base.pcap cap.pcap && touch -r base.pcap cap.pcap
SELECT (SELECT group_concat(src || '>' || dst, ',') FROM packets('cap.pcap')) = (SELECT group_concat(src || '>' || dst, ',') FROM packets('base.pcap')) AS "this process sees the copy";
.shell inode=$(stat -c %i cap.pcap); cp edited.pcap cap.pcap && touch -r base.pcap cap.pcap && test $(stat -c %i cap.pcap) = $inode && echo same inode after cp: yes
.shell "$SQLITE3" -cmd ".load $XTRACTR_EXT" :memory: "SELECT 'new process sees the copy: ' || ((SELECT group_concat(src || '>' || dst, ',') FROM packets('cap.pcap')) = (SELECT group_concat(src || '>' || dst, ',') FROM packets('edited.pcap')))"
SELECT (SELECT group_concat(src || '>' || dst, ',') FROM packets('cap.pcap')) = (SELECT group_concat(src || '>' || dst, ',') FROM packets('edited.pcap')) AS "this process sees the second copy";
-- an unchanged capture is not re-indexed: the same process and a new one reuse the index
.shell stat -c '%i %Y' cap.pcap.xtractr/index.db > "$WORK/state"
SELECT count(*) > 0 AS "again" FROM packets('cap.pcap');
.shell "$SQLITE3" -cmd ".load $XTRACTR_EXT" :memory: "SELECT count(*) FROM packets('cap.pcap')" > /dev/null; stat -c '%i %Y' cap.pcap.xtractr/index.db | cmp -s - "$WORK/state" && echo "unchanged: index reused" || echo "unchanged: index REBUILT"
