-- env: XTRACTR_INDEX_DIR=/dev/null/indexes
-- XTRACTR_INDEX_DIR that cannot be created: a clear error naming it, and no fallback.
.bail off
SELECT count(*) FROM packets('http_get_simple__zeek.pcap');
SELECT xtractr_index('http_get_simple__zeek.pcap');
.shell ls | grep -c xtractr | sed 's/^/index files beside the captures: /'
