-- interrupt: Ctrl-C in the sqlite3 shell (SIGINT -> sqlite3_interrupt) or Connection.interrupt()
-- in Python during a long index build stops it within a block of frames, with SQLITE_INTERRUPT
-- and a message naming the capture; the half-built index is removed, and the connection stays
-- usable.
.shell mergecap -a -w big.pcap $(for i in $(seq 20); do echo http_1000_requests_gzipped__zeek.pcap.gz; done) && capinfos -c -M big.pcap | sed -n 's/^Number of packets: *//p' | sed 's/^/frames in big.pcap: /'
.shell "$SQLITE3" -cmd ".load $XTRACTR_EXT" :memory: "SELECT count(*) FROM packets('big.pcap')" > "$WORK/build.out" 2>&1 & pid=$!; for i in $(seq 1200); do ls -d big.pcap.xtractr.tmp-* >/dev/null 2>&1 && break; sleep 0.05; done; sleep 0.5; kill -INT $pid; wait $pid; echo "sqlite3 exit status: $?"; sed s,$WORK,WORK,g "$WORK/build.out"
.shell ls | grep -c 'big.pcap.xtractr.tmp' | sed 's/^/temporary directories left: /'; ls | grep -c '^big.pcap.xtractr$' | sed 's/^/index directories: /'
.shell /usr/bin/python3 "$TEST_DIR/interrupt_same_connection.py" big.pcap http_get_simple__zeek.pcap
-- an uninterrupted query on the shell's own connection is unaffected
SELECT count(*) AS frames FROM packets('http_get_simple__zeek.pcap');
