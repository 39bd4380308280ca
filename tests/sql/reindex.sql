-- reindex: an index is reused, in this process and in later ones, while its capture is
-- unchanged; a capture that changed is re-indexed; a half-written or foreign index is never
-- trusted. "index state" is the inode and mtime of <capture>.xtractr/index.db: a rebuild
-- writes a new file.
.headers on
.shell cp http_get_simple__zeek.pcap cap.pcap
SELECT count(*) = (SELECT count(*) FROM packets('http_get_simple__zeek.pcap')) AS "first query indexes cap.pcap" FROM packets('cap.pcap');
.shell stat -c '%i %Y' cap.pcap.xtractr/index.db > "$WORK/state1"
-- the same process again: no rebuild
SELECT count(*) > 0 AS "again" FROM packets('cap.pcap');
.shell stat -c '%i %Y' cap.pcap.xtractr/index.db | cmp -s - "$WORK/state1" && echo "same process: index reused" || echo "same process: index REBUILT"
-- another process: no rebuild either
.shell "$SQLITE3" -cmd ".load $XTRACTR_EXT" :memory: "SELECT 'other process rows match: ' || (count(*) = (SELECT count(*) FROM packets('http_get_simple__zeek.pcap'))) FROM packets('cap.pcap')"
.shell "$SQLITE3" -cmd ".load $XTRACTR_EXT" :memory: "SELECT count(*) > 0 FROM packets('cap.pcap') WHERE id = 3" >/dev/null; stat -c '%i %Y' cap.pcap.xtractr/index.db | cmp -s - "$WORK/state1" && echo "other process: index reused" || echo "other process: index REBUILT"

-- the capture's content changes (same file, new bytes): re-indexed on the next query
.shell cp dns_edns_opts__tcpdump.pcap cap.pcap
SELECT (SELECT group_concat(title, '|') FROM packets('cap.pcap')) = (SELECT group_concat(title, '|') FROM packets('dns_edns_opts__tcpdump.pcap')) AS "new content seen",
       (SELECT count(*) FROM flows('cap.pcap')) = (SELECT count(*) FROM flows('dns_edns_opts__tcpdump.pcap')) AS "new flows seen";
.shell stat -c '%i %Y' cap.pcap.xtractr/index.db | cmp -s - "$WORK/state1" && echo "after change: index NOT rebuilt" || echo "after change: index rebuilt"
.shell stat -c '%i %Y' cap.pcap.xtractr/index.db > "$WORK/state2"
-- only the modification time changes: re-indexed too (same rows)
.shell touch -d '2001-02-03 04:05:06' cap.pcap
SELECT (SELECT group_concat(title, '|') FROM packets('cap.pcap')) = (SELECT group_concat(title, '|') FROM packets('dns_edns_opts__tcpdump.pcap')) AS "same rows after touch";
.shell stat -c '%i %Y' cap.pcap.xtractr/index.db | cmp -s - "$WORK/state2" && echo "after touch: index NOT rebuilt" || echo "after touch: index rebuilt"
-- replaced by another file (new inode), seen by another process
.shell cp icmp_5pings__zeek.pcap cap.new && mv cap.new cap.pcap
.shell "$SQLITE3" -cmd ".load $XTRACTR_EXT" :memory: "SELECT 'other process sees the replacement: ' || ((SELECT group_concat(title, '|') FROM packets('cap.pcap')) = (SELECT group_concat(title, '|') FROM packets('icmp_5pings__zeek.pcap')))"
SELECT (SELECT group_concat(title, '|') FROM packets('cap.pcap')) = (SELECT group_concat(title, '|') FROM packets('icmp_5pings__zeek.pcap')) AS "this process sees it too";

-- a damaged index (a killed build, a foreign file) is not trusted: it is rebuilt
.shell cp http_get_simple__zeek.pcap cap2.pcap && mkdir -p cap2.pcap.xtractr && echo "garbage" > cap2.pcap.xtractr/index.db && mkdir -p cap2.pcap.xtractr.tmp-999999 && echo "half" > cap2.pcap.xtractr.tmp-999999/index.db
SELECT count(*) = (SELECT count(*) FROM packets('http_get_simple__zeek.pcap')) AS "garbage index replaced" FROM packets('cap2.pcap');
.shell ls -d cap2.pcap.xtractr* | sed 's/^/left: /'
-- an index of another capture copied over this one's is not trusted either
.shell cp http_get_simple__zeek.pcap cap3.pcap && rm -rf cap3.pcap.xtractr && cp -r cap.pcap.xtractr cap3.pcap.xtractr
SELECT count(*) = (SELECT count(*) FROM packets('http_get_simple__zeek.pcap')) AS "foreign index replaced" FROM packets('cap3.pcap');
-- xtractr_index() always rebuilds
.shell stat -c '%i %Y' cap3.pcap.xtractr/index.db > "$WORK/state3"
SELECT json_extract(xtractr_index('cap3.pcap'), '$.frames') = (SELECT count(*) FROM packets('http_get_simple__zeek.pcap')) AS "xtractr_index frames";
.shell stat -c '%i %Y' cap3.pcap.xtractr/index.db | cmp -s - "$WORK/state3" && echo "xtractr_index: NOT rebuilt" || echo "xtractr_index: rebuilt"
-- rewritten in place: same size, same modification time, same inode, other bytes — the next
-- process re-indexes it (the first 64 KiB are part of the stamp)
.shell cp http_get_simple__zeek.pcap cap3.pcap && touch -d '2001-02-03 04:05:06' cap3.pcap
.shell "$SQLITE3" -cmd ".load $XTRACTR_EXT" :memory: "SELECT count(*) FROM packets('cap3.pcap')" > /dev/null; stat -c '%i %Y' cap3.pcap.xtractr/index.db > "$WORK/state3"
.shell /usr/bin/python3 -c "p='cap3.pcap'; d=bytearray(open(p,'rb').read()); d[-1]^=0xff; f=open(p,'r+b'); f.write(d); f.close()" && touch -d '2001-02-03 04:05:06' cap3.pcap
.shell "$SQLITE3" -cmd ".load $XTRACTR_EXT" :memory: "SELECT count(*) FROM packets('cap3.pcap')" > /dev/null; stat -c '%i %Y' cap3.pcap.xtractr/index.db | cmp -s - "$WORK/state3" && echo "rewrite in place: index NOT rebuilt" || echo "rewrite in place: index rebuilt"
