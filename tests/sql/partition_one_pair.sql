-- partition_one_pair: a capture big enough to be partitioned (>= 16 MiB) whose frames are all
-- between one address pair is indexed in one pass (index/partitioned_build.h): the pre-pass
-- finds more than 90 % of its cost in one partition, whose worker would take as long as one
-- pass while the others read the whole capture for nothing. The same frames spread over two
-- pairs are partitioned. (make_copies.py: one HTTP conversation of a Zeek trace, repeated
-- 2,700 times a second apart; with PAIRS 2, every other copy between two other addresses.)
.shell /usr/bin/python3 "$TEST_DIR/make_copies.py" http_get_simple__zeek.pcap one_pair.pcap 1 && /usr/bin/python3 "$TEST_DIR/make_copies.py" http_get_simple__zeek.pcap two_pairs.pcap 2
SELECT xtractr_config('workers', 2);
SELECT xtractr_index('one_pair.pcap') ->> '$.files[0].frames' AS frames,
       xtractr_index('one_pair.pcap') ->> '$.files[0].partitions' AS partitions;
SELECT xtractr_index('two_pairs.pcap') ->> '$.files[0].frames' AS frames,
       xtractr_index('two_pairs.pcap') ->> '$.files[0].partitions' AS partitions;
SELECT count(DISTINCT min(ip_src, ip_dst) || max(ip_src, ip_dst)) AS pairs FROM (SELECT field(doc, 'ip.src') AS ip_src, field(doc, 'ip.dst') AS ip_dst FROM packets('two_pairs.pcap') WHERE id <= 28);
