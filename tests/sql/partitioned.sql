-- partitioned: xtractr_config() sets how this process's builds run (index/build_settings.h), and
-- a partitioned build reports its workers and partitions (index/partitioned_build.h). Its
-- answers equal one pass's: the tshark-partitioned-* differential tests check every field.
-- env: XTRACTR_PARTITIONS=4
SELECT xtractr_config('workers', 3);
SELECT xtractr_config('workers');
SELECT xtractr_index('http_dns_wikipedia_browse__zeek.pcap') ->> '$.files[0].workers' AS workers,
       xtractr_index('http_dns_wikipedia_browse__zeek.pcap') ->> '$.files[0].partitions' AS partitions;
SELECT count(*), count(DISTINCT flow) FROM packets('http_dns_wikipedia_browse__zeek.pcap');
-- the same tunnelled conversations, and one SMB2 session, in two outer address pairs
-- (tests/data/make_rounds.py): the pre-pass keeps the linked pairs in one partition
-- (index/partition_map.h), so the captures are partitioned (4) rather than indexed in one pass (1)
SELECT xtractr_index('vxlan_rounds__zeek.pcap') ->> '$.files[0].partitions' AS partitions;
SELECT xtractr_index('smb2_rounds__zeek.pcap') ->> '$.files[0].partitions' AS partitions;
-- back to the default (the usable cores, or XTRACTR_WORKERS)
SELECT xtractr_config('workers', NULL) >= 1;
SELECT xtractr_config('partition_bytes', 1048576);
SELECT xtractr_config('partition_bytes', NULL);
-- errors
.bail off
SELECT xtractr_config('threads');
SELECT xtractr_config('workers', -2);
SELECT xtractr_config('workers', 'many');
SELECT xtractr_config(NULL);
