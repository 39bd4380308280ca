-- statement_errors: a statement an extraction function runs on the user's connection never
-- turns an error into "no rows", and is finalized whatever happens (core/sqlite_handles.h).
-- The indexes are built and damaged by a second sqlite3 process: this one must not have them
-- in its cache yet.
.bail off
.shell "$SQLITE3" -cmd ".load $XTRACTR_EXT" :memory: "SELECT count(*) FROM packets('http_get_simple__zeek.pcap'); SELECT count(*) FROM packets('http_ipv6_4streams__pcpp.pcap')"
-- xtractr_dissect reads the frame's tcp.stream values; a damaged index holds a text there.
-- The error must not leave the statement unfinalized (the shell reports that at exit).
-- (damage_index.py rechecksum: damage the index's checksums cannot see, else it is rebuilt)
.shell "$SQLITE3" http_get_simple__zeek.pcap.xtractr/index.db "UPDATE dictionary SET name = 'tcp.stream' WHERE name = 'http.host'" && /usr/bin/python3 "$TEST_DIR/../../sql/damage_index.py" http_get_simple__zeek.pcap.xtractr rechecksum > /dev/null
SELECT xtractr_dissect('http_get_simple__zeek.pcap', 4) IS NOT NULL AS dissected;
-- xtractr_stream finds a flow's outer-layer frames through the search index: without one
-- that is an error, not a stream with fewer frames
.shell rm -r http_ipv6_4streams__pcpp.pcap.xtractr/search && mkdir -p http_ipv6_4streams__pcpp.pcap.xtractr/search/0 && touch http_ipv6_4streams__pcpp.pcap.xtractr/search/0/iamglass && echo "auto 0" > http_ipv6_4streams__pcpp.pcap.xtractr/search/XAPIANDB && /usr/bin/python3 "$TEST_DIR/../../sql/damage_index.py" http_ipv6_4streams__pcpp.pcap.xtractr rechecksum > /dev/null
SELECT count(*) AS segments FROM xtractr_stream('http_ipv6_4streams__pcpp.pcap', 1);
SELECT 'still usable' AS connection;
