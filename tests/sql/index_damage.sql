-- index_damage: damage to any part of an index — flipped bytes in a Xapian table (which made
-- xtractr_terms() crash the shell or answer wrong counts), in a field block, a malformed
-- index.db page, a truncated or missing search/ folder — is found before the index is used,
-- and the index is rebuilt once, with a warning in SQLite's log (`.log stdout`) and in the
-- rebuilt index's warnings; a rebuild that fails is an error naming the capture (issue 11,
-- defects 3 and 4). Every answer must equal the one from an intact index of the same bytes.
.headers on
.bail off
.log stdout
.shell cp http_dns_wikipedia_browse__zeek.pcap cap.pcap && cp http_dns_wikipedia_browse__zeek.pcap ref.pcap
.shell cp "$TEST_DIR/index_damage.answer" answer.sql
.read answer.sql
SELECT (SELECT value || '=' || packets FROM xtractr_terms('ref.pcap', 'udp.srcport') LIMIT 1) AS "top udp.srcport";
.shell cp -r cap.pcap.xtractr intact.xtractr
.shell bash "$TEST_DIR/index_damage.sh" postlist block page truncate missing
-- the warning is one of the rebuilt index's warnings too
.shell rm -rf cap.pcap.xtractr && cp -r intact.xtractr cap.pcap.xtractr && /usr/bin/python3 "$TEST_DIR/damage_index.py" cap.pcap.xtractr block > /dev/null
.shell "$SQLITE3" -cmd ".load $XTRACTR_EXT" :memory: "SELECT count(*) FROM packets('cap.pcap')" > /dev/null 2>&1; "$SQLITE3" -readonly -noheader cap.pcap.xtractr/index.db "SELECT 'meta warnings: ' || value FROM meta WHERE key = 'warnings'"

-- this process verified cap.pcap's index when it first used it; damaged afterwards, it is
-- verified again (its files changed) and rebuilt; the next statement finds it intact
SELECT count(*) AS "frames of cap.pcap (verified)" FROM packets('cap.pcap');
.shell /usr/bin/python3 "$TEST_DIR/damage_index.py" cap.pcap.xtractr postlist
.read answer.sql
.read answer.sql

-- the rebuild fails (the indexer crashes): an error naming the capture and the damage
.shell rm -rf cap.pcap.xtractr && cp -r intact.xtractr cap.pcap.xtractr && /usr/bin/python3 "$TEST_DIR/damage_index.py" cap.pcap.xtractr page
.shell XTRACTR_TEST_CRASH_AT_FRAME=3 "$SQLITE3" -cmd ".load $XTRACTR_EXT" :memory: "SELECT count(*) FROM packets('cap.pcap')" 2>&1 | sed "s,$WORK,WORK,g"
.shell ls -d cap.pcap.xtractr* | sed 's/^/left: /'
-- and the next query, whose indexer works, rebuilds it
.shell "$SQLITE3" -cmd ".load $XTRACTR_EXT" -cmd ".log stdout" -cmd ".headers on" :memory: < answer.sql 2>&1 | sed "s,$WORK,WORK,g"
