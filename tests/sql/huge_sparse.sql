-- huge_sparse: a 2 GiB sparse pcap — ~134 M legal zero-length records — no longer grows the
-- indexer's memory without bound (issue 11, defect 13): the indexer has a memory ceiling
-- (index/memory_limit.h; XTRACTR_INDEXER_MEMORY_MB lowers it here so the test ends soon) and
-- reaching it is an error naming the capture and the frame, with nothing kept. A build killed
-- with its host (kill -9) leaves its `.tmp-PID` folder, which the next open of that capture
-- removes — also when the capture's index is valid and nothing is built.
-- env: XTRACTR_INDEXER_MEMORY_MB=450
.bail off
.headers on
.shell /usr/bin/python3 -c "import struct; f = open('sparse.pcap', 'wb'); f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1)); f.truncate(2 << 30)"
.shell echo sparse.pcap: $(stat -c %s sparse.pcap) bytes, $(du -k sparse.pcap | cut -f1) KiB on disk
-- (where the allocation fails — a frame, zstd, Xapian — and so the frame varies from run to run)
.shell "$SQLITE3" -cmd ".load $XTRACTR_EXT" :memory: "SELECT count(*) FROM packets('sparse.pcap')" > oom.out 2>&1; echo host: exit $?; sed s,$WORK,WORK,g oom.out | grep -Eq "indexing 'WORK/data/sparse.pcap' (.*at frame [0-9]+.*memory|.*memory at frame [0-9]+).*; nothing was kept" && echo error: indexing sparse.pcap ran out of memory at frame N, nothing was kept || sed s,$WORK,WORK,g oom.out
.shell echo left: $(ls -d sparse.pcap.xtractr* 2>/dev/null)
-- without a ceiling the build runs (for hours): Ctrl-C stops it, nothing is left
.shell XTRACTR_INDEXER_MEMORY_MB=0 "$SQLITE3" -cmd ".load $XTRACTR_EXT" :memory: "SELECT count(*) FROM packets('sparse.pcap')" > int.out 2>&1 & pid=$!; for i in $(seq 1200); do ls -d sparse.pcap.xtractr.tmp-$pid > /dev/null 2>&1 && break; sleep 0.05; done; sleep 1; kill -INT $pid; wait $pid; echo interrupted host: exit $?; sed s,$WORK,WORK,g int.out
.shell echo left: $(ls -d sparse.pcap.xtractr* 2>/dev/null)
-- kill -9 of a host while it builds: its temporary folder stays behind (the indexer dies too)
.shell XTRACTR_INDEXER_MEMORY_MB=0 "$SQLITE3" -cmd ".load $XTRACTR_EXT" :memory: "SELECT count(*) FROM packets('sparse.pcap')" > /dev/null 2>&1 & pid=$!; for i in $(seq 1200); do ls -d sparse.pcap.xtractr.tmp-$pid > /dev/null 2>&1 && break; sleep 0.05; done; sleep 0.5; kill -9 $pid; wait $pid; echo host killed: $?
.shell sleep 0.5; ls -d sparse.pcap.xtractr.tmp-* | sed 's/-[0-9]*$/-PID/; s/^/left after kill -9: /'
-- the next open of the capture removes it (the index here is valid: nothing is rebuilt);
-- a folder whose process is alive is another build in progress: kept
.shell cp icmp_5pings__zeek.pcap cap.pcap && "$SQLITE3" -cmd ".load $XTRACTR_EXT" :memory: "SELECT count(*) FROM packets('cap.pcap')" > /dev/null
.shell sh -c 'echo $$' > dead.pid && mkdir -p cap.pcap.xtractr.tmp-$(cat dead.pid)/search cap.pcap.xtractr.tmp-$(cat dead.pid)-old && mkdir cap.pcap.xtractr.tmp-1
.shell ls -d cap.pcap.xtractr* | sed "s/-$(cat dead.pid)/-DEADPID/; s/^/before: /"
SELECT count(*) AS "frames of cap.pcap" FROM packets('cap.pcap');
.shell ls -d cap.pcap.xtractr* | sed 's/^/after: /'
