-- debug_log: XTRACTR_DEBUG=1 writes the time of each phase of loading xtractr and opening a
-- capture to stderr (core/debug_log.h): load, identity check, leftover check, lock wait, build,
-- checksums, index open, V8 load and init, the connection's isolate and each statement's
-- context; a query waiting for another process's build names that process. Times and pids
-- vary, so they are shown as N and P here.
.shell cp http_get_simple__zeek.pcap debug.pcap
-- a build, a cached open, JavaScript
.shell XTRACTR_DEBUG=1 "$SQLITE3" -cmd ".load $XTRACTR_EXT" :memory: "SELECT count(*) FROM packets('debug.pcap'); SELECT count(*) FROM packets('debug.pcap'); SELECT mapreduce(1, 'function (d) { emit(d, 1); }', '_count')" 2>&1 | sed -E "s,$WORK,WORK,g; s/[0-9]+(\.[0-9])? ms/N ms/; s/pid [0-9]+/pid P/g; s/tmp-[0-9]+/tmp-P/; s,[^ ]*/xtractr-v8.so,BUILD/xtractr-v8.so,"
-- another process: the index is opened and checked once
.shell XTRACTR_DEBUG=1 "$SQLITE3" -cmd ".load $XTRACTR_EXT" :memory: "SELECT count(*) FROM packets('debug.pcap')" 2>&1 | sed -E "s,$WORK,WORK,g; s/[0-9]+(\.[0-9])? ms/N ms/; s/pid [0-9]+/pid P/g"
-- without XTRACTR_DEBUG, nothing
.shell "$SQLITE3" -cmd ".load $XTRACTR_EXT" :memory: "SELECT count(*) FROM packets('debug.pcap')" 2>&1 | sed 's/^/without: /'
-- a query waiting for another process's build (an indexer made 4 s slower) says whose
.shell cp http_get_simple__zeek.pcap wait.pcap
.shell SLOW_INDEXER_SECONDS=4 XTRACTR_INDEXER="$TEST_DIR/slow_indexer.sh" "$SQLITE3" -cmd ".load $XTRACTR_EXT" :memory: "SELECT count(*) FROM packets('wait.pcap')" > builder.out 2>&1 & for i in $(seq 200); do [ -s wait.pcap.xtractr.lock ] && break; sleep 0.05; done; XTRACTR_DEBUG=1 "$SQLITE3" -cmd ".load $XTRACTR_EXT" :memory: "SELECT count(*) FROM packets('wait.pcap')" 2>&1 | grep -v 'still waiting' | sed -E "s,$WORK,WORK,g; s/[0-9]+(\.[0-9])? ms/N ms/; s/pid [0-9]+/pid P/g; s/tmp-[0-9]+/tmp-P/"; wait; cat builder.out
