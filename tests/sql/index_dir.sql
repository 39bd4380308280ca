-- env: XTRACTR_INDEX_DIR=$WORK/indexes
-- XTRACTR_INDEX_DIR puts every index in one folder (created on demand), keyed by capture path;
-- nothing is written beside the captures. (index_dir_unwritable.sql: when it cannot be used.)
.headers on
SELECT count(*) > 0 AS "rows" FROM packets('http_get_simple__zeek.pcap');
SELECT substr(x, 1, length(x) - 25) || '-<hash>.xtractr' AS "index in XTRACTR_INDEX_DIR"
  FROM (SELECT json_extract(xtractr_index('http_get_simple__zeek.pcap'), '$.files[0].index') AS x);
.shell ls | grep -c xtractr | sed 's/^/index files beside the captures: /'
.shell ls "$WORK/indexes" | sed 's/-[0-9a-f]\{16\}\./-<hash>./; s/^/XTRACTR_INDEX_DIR holds: /'
-- two captures of the same name in different folders get different indexes
.shell mkdir -p other && cp icmp_5pings__zeek.pcap other/http_get_simple__zeek.pcap
SELECT (SELECT group_concat(title) FROM packets('other/http_get_simple__zeek.pcap')) = (SELECT group_concat(title) FROM packets('icmp_5pings__zeek.pcap')) AS "other/ is its own capture",
       (SELECT group_concat(title) FROM packets('http_get_simple__zeek.pcap')) != (SELECT group_concat(title) FROM packets('icmp_5pings__zeek.pcap')) AS "and ./ still itself";
