-- xtractr_objects' note column. An HTTP body whose Content-Encoding Wireshark cannot decompress
-- is still listed, with its raw (compressed) bytes — size and sha256 describe those — and a note
-- saying why; tshark --export-objects drops it. Objects of normal captures have note NULL.
-- The captures are derived at test time from http_get_simple__zeek.pcap (its response re-encoded
-- as gzip, intact and with a corrupt deflate block) by tests/extract/make_gzip_body_capture.py
-- ($TEST_DIR is this folder, set by run_sql_test.sh).
.shell /usr/bin/python3 "$TEST_DIR/../make_gzip_body_capture.py" http_get_simple__zeek.pcap gzip_corrupt.pcap --corrupt
.shell /usr/bin/python3 "$TEST_DIR/../make_gzip_body_capture.py" http_get_simple__zeek.pcap gzip_intact.pcap
.headers on
SELECT flow, packet, protocol, filename, content_type, size, size = length(data) AS size_is_data,
       hex(substr(data, 1, 4)) AS magic, typeof(note), note, host
  FROM xtractr_objects('gzip_corrupt.pcap');
-- the same response, intact: Wireshark decompresses it (the original file's sha256), no note
SELECT packet, filename, content_type, size, substr(sha256, 1, 16) AS sha, hex(substr(data, 1, 4)) AS head,
       typeof(note)
  FROM xtractr_objects('gzip_intact.pcap');
-- normal captures: note is NULL everywhere
SELECT packet, filename, size, substr(sha256, 1, 16) AS sha, note FROM xtractr_objects('http_get_simple__zeek.pcap');
SELECT count(*) AS objects, count(note) AS notes FROM xtractr_objects('http_ipv6_4streams__pcpp.pcap');
-- the note row answers queries like any other
SELECT count(*) FROM xtractr_objects('gzip_corrupt.pcap', 'tcp.port:80') WHERE note LIKE 'gzip body could not%';
SELECT count(*) AS without_note FROM xtractr_objects('gzip_corrupt.pcap') WHERE note IS NULL;
