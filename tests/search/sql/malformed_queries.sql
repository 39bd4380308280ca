-- Malformed queries are errors, not silent answers (issue 11, defect 11): an address with an
-- impossible CIDR prefix length matched nothing, a range bound nan matched every frame, and `**`
-- matched some frames. Well-formed neighbours keep their answers.
.bail off
.headers on
SELECT count(*) FROM packets('http_get_simple__zeek.pcap', 'ip.src:145.0.0.0/999');
SELECT count(*) FROM packets('http_get_simple__zeek.pcap', 'ip.src:141.142.0.0/33');
SELECT count(*) FROM packets('http_get_simple__zeek.pcap', 'ip.src:141.142.0.0/-1');
SELECT count(*) FROM packets('http_get_simple__zeek.pcap', 'ip.src:141.142.0.0/16.5');
SELECT count(*) FROM packets('http_ipv6_4streams__pcpp.pcap', 'ipv6.src:"2001:db8::/129"');
SELECT count(*) FROM packets('http_get_simple__zeek.pcap', 'pkt.length:[nan inf]');
SELECT count(*) FROM packets('http_get_simple__zeek.pcap', 'pkt.length:>nan');
SELECT count(*) FROM packets('http_get_simple__zeek.pcap', '**');
SELECT count(*) FROM packets('http_get_simple__zeek.pcap', 'http.host:**');
SELECT count(*) FROM flows('http_get_simple__zeek.pcap', 'flow.service:***');
-- well formed
SELECT count(*) AS "ip.src /16" FROM packets('http_get_simple__zeek.pcap', 'ip.src:141.142.0.0/16');
SELECT count(*) AS "ip.src /32" FROM packets('http_get_simple__zeek.pcap', 'ip.src:141.142.228.5/32');
SELECT count(*) AS "ip.src /0" FROM packets('http_get_simple__zeek.pcap', 'ip.src:0.0.0.0/0');
SELECT count(*) AS "[100 inf]" FROM packets('http_get_simple__zeek.pcap', 'pkt.length:[100 inf]');
SELECT count(*) AS "[100 *]" FROM packets('http_get_simple__zeek.pcap', 'pkt.length:[100 *]');
SELECT count(*) AS "*" FROM packets('http_get_simple__zeek.pcap', '*');
SELECT count(*) AS "http.host:*" FROM packets('http_get_simple__zeek.pcap', 'http.host:*');
SELECT count(*) AS "http.host:b*o*g" FROM packets('http_get_simple__zeek.pcap', 'http.host:b**o*g');
SELECT count(*) AS "uri with a slash" FROM packets('http_get_simple__zeek.pcap', 'http.request.uri:/download/CHANGES.bro-aux.txt');
