-- indexer_faults: indexing runs in an xtractr-indexer process (index/build_process.h). A crash,
-- kill -9 or out-of-memory of the indexer is an SQL error naming the capture (and the frame);
-- nothing half-written is kept and the next query rebuilds; the host's progress handler stops
-- a build; queries on other captures never wait for a build; two captures index at once; four
-- threads on one capture share one build. (One pass here, whatever the cores:
-- indexer_faults_partitioned.sql runs the same with workers.)
.shell mergecap -a -w big.pcap $(for i in $(seq 20); do echo http_1000_requests_gzipped__zeek.pcap.gz; done) && cp big.pcap big2.pcap && capinfos -c -M big.pcap | sed -n 's/^Number of packets: *//p' | sed 's/^/frames in big.pcap: /'
.shell XTRACTR_WORKERS=1 XTRACTR_INDEXER_PATH="$(dirname "$XTRACTR_EXT")/xtractr-indexer" /usr/bin/python3 "$TEST_DIR/indexer_faults.py" big.pcap big2.pcap http_get_simple__zeek.pcap
