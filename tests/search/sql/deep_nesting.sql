-- deep_nesting: deeply nested queries and display filters never crash the host (issue 11,
-- defect 2). Each case runs in a child sqlite3 shell (deep_nesting.py prints its exit status).
.shell /usr/bin/python3 "$TEST_DIR/deep_nesting.py" http_get_simple__zeek.pcap
