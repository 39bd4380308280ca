-- extraction functions in use, on tests/data (the values themselves are checked against tshark
-- by the diff_*.py tests; this pins the shapes: columns, types, ids, JSON paths).
.headers on
SELECT seq, dir, packet, typeof(data), length(data), gap, substr(CAST(data AS TEXT), 1, 14) AS head
  FROM xtractr_stream('http_get_simple__zeek.pcap', 1);
SELECT flow, packet, protocol, filename, content_type, size, substr(sha256, 1, 16) AS sha, note, host
  FROM xtractr_objects('http_get_simple__zeek.pcap');
SELECT count(*), sum(size) FROM xtractr_objects('http_1000_requests_gzipped__zeek.pcap.gz');
SELECT count(*) FROM xtractr_objects('http_get_simple__zeek.pcap', '');
SELECT json_extract(xtractr_dissect('http_get_simple__zeek.pcap', 4), '$._source.layers.http."http.host"') AS host,
       json_extract(xtractr_dissect('http_get_simple__zeek.pcap', 9), '$._source.layers.tcp."tcp.stream"') AS stream,
       json_type(xtractr_dissect('http_get_simple__zeek.pcap', 9), '$._source.layers."tcp.segments"."tcp.segment"') AS segments;
SELECT f.id, count(s.seq), sum(length(s.data))
  FROM flows('http_ipv6_4streams__pcpp.pcap') f, xtractr_stream('http_ipv6_4streams__pcpp.pcap', f.id) s GROUP BY f.id;
SELECT xtractr_write_flows('flow1.pcapng', 'http_get_simple__zeek.pcap', id) FROM flows('http_get_simple__zeek.pcap');
SELECT count(*), min(id), max(id) FROM packets('flow1.pcapng');
SELECT xtractr_write_pcap('odd.pcap', 'pcapng_multi_interface__zeek.pcapng', id)
  FROM packets('pcapng_multi_interface__zeek.pcapng') WHERE id % 2 = 1;
SELECT count(*) FROM packets('odd.pcap');
-- the query argument narrows the flows (search language, extension/search)
SELECT count(*) FROM xtractr_objects('http_get_simple__zeek.pcap', 'tcp.port:80');
SELECT count(*) FROM xtractr_objects('http_get_simple__zeek.pcap', 'dns');
