-- concurrent builders: processes asking for the same new capture at once all succeed, see the
-- same complete index, and leave no temporary directories behind (the build happens once,
-- under a lock, into a temporary directory renamed into place). The lock file exists only
-- while a build runs: its holder removes it, and a waiter then locks the path anew.
-- Times are summed as integer microseconds: SQLite versions sum and spell REALs differently
-- (total() is compensated since 3.43), and Node's better-sqlite3 ("node sql:concurrent") is
-- not the shell's SQLite.
.headers on
.shell cp http_1000_requests_gzipped__zeek.pcap.gz race.pcap.gz
.shell for i in 1 2 3; do "$SQLITE3" -cmd ".load $XTRACTR_EXT" :memory: "SELECT count(*), sum(length), sum(CAST(time * 1000000 AS INTEGER)), count(DISTINCT flow), max(title) FROM packets('race.pcap.gz')" > "$WORK/race$i.out" 2>&1 & done; wait; for i in 2 3; do cmp -s "$WORK/race1.out" "$WORK/race$i.out" && echo "process $i saw what process 1 saw" || echo "process $i DIFFERS"; done; grep -c -i error "$WORK/race1.out" | sed 's/^/errors: /'
SELECT count(*) || '|' || sum(length) || '|' || sum(CAST(time * 1000000 AS INTEGER)) || '|' || count(DISTINCT flow) || '|' || max(title) = (SELECT rtrim(CAST(readfile('../race1.out') AS TEXT), char(10))) AS "= this process" FROM packets('race.pcap.gz');
.shell ls | grep -c 'race.pcap.gz.xtractr.tmp' | sed 's/^/temporary directories left: /'
-- a rebuild (xtractr_index) while other processes read the index
.shell "$SQLITE3" -cmd ".load $XTRACTR_EXT" :memory: "SELECT json_extract(xtractr_index('race.pcap.gz'), '\$.frames') > 0" > "$WORK/rebuild.out" 2>&1 & for i in 4 5; do "$SQLITE3" -cmd ".load $XTRACTR_EXT" :memory: "SELECT count(*), sum(length), sum(CAST(time * 1000000 AS INTEGER)), count(DISTINCT flow), max(title) FROM packets('race.pcap.gz')" > "$WORK/race$i.out" 2>&1 & done; wait; cat "$WORK/rebuild.out" | sed 's/^/rebuild: /'; for i in 4 5; do cmp -s "$WORK/race1.out" "$WORK/race$i.out" && echo "reader $i saw a complete index" || echo "reader $i DIFFERS"; done
.shell ls | grep -c 'race.pcap.gz.xtractr.tmp' | sed 's/^/temporary directories left: /'
-- six rebuilds, started 0.5 s apart, take the lock one after the other: a wrapper around the
-- indexer (slow_indexer.sh, run under the lock) logs when each build starts and ends and makes
-- each last at least 0.5 s, so later processes arrive after a holder removed the lock file; two
-- builds at once would break the log's start/end alternation (and could collide renaming).
.shell cp http_get_simple__zeek.pcap six.pcap; for i in 1 2 3 4 5 6; do XTRACTR_INDEXER="$TEST_DIR/slow_indexer.sh" "$SQLITE3" -cmd ".load $XTRACTR_EXT" :memory: "SELECT json_extract(xtractr_index('six.pcap'), '\$.frames')" > "$WORK/six$i.out" 2>&1 & sleep 0.5; done; wait; for i in 1 2 3 4 5 6; do cat "$WORK/six$i.out"; done | sort | uniq -c | sed 's/^ */rebuilds answering: /'
.shell paste -s -d, "$WORK/builds.log" | sed 's/^/builds: /'
.shell ls | grep -c 'six.pcap.xtractr.tmp' | sed 's/^/temporary directories left: /'; ls | grep -c 'lock$' | sed 's/^/lock files left: /'
SELECT count(*) AS "six.pcap frames" FROM packets('six.pcap');
