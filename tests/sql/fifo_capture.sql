-- fifo_capture: a FIFO, socket or device named as a capture is an error naming it, at once —
-- never an open() that waits for a writer (issue 11, defect 6) — and no index lock is taken
-- or left. (`timeout` only turns the old hang into a visible failure.)
.bail off
.headers on
.shell mkfifo cap.fifo
.shell timeout 60 "$SQLITE3" -cmd ".load $XTRACTR_EXT" :memory: "SELECT count(*) FROM packets('cap.fifo')" > out.txt 2>&1; echo "another process: exit $?"; sed "s,$WORK,WORK,g" out.txt
SELECT count(*) FROM packets('cap.fifo');
SELECT xtractr_index('cap.fifo');
SELECT count(*) FROM packets('/dev/zero');
.shell ls -d cap.fifo* | sed 's/^/left: /'
-- a directory holding a FIFO: the FIFO is skipped, the captures are read
.shell mkdir -p mixed && mkfifo mixed/pipe.pcap && cp icmp_5pings__zeek.pcap mixed/
SELECT count(*) AS "frames of mixed/" FROM packets('mixed');
