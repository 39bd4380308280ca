-- search: the query language and display filters agree with SQL over doc; errors name the
-- problem and the column. Each check prints 1 when both sides agree (computed in this run).
.headers on
-- query language = the same fact computed from doc
SELECT (SELECT group_concat(id) FROM packets('http_1000_requests_gzipped__zeek.pcap.gz', 'http.request.method:get'))
     = (SELECT group_concat(id) FROM packets('http_1000_requests_gzipped__zeek.pcap.gz')
         WHERE field(doc, 'http.request.method') = 'GET') AS method,
       (SELECT count(*) FROM packets('http_1000_requests_gzipped__zeek.pcap.gz', 'http.host:*'))
     = (SELECT count(*) FROM packets('http_1000_requests_gzipped__zeek.pcap.gz') WHERE field(doc, 'http.host') IS NOT NULL) AS present,
       (SELECT count(*) FROM packets('http_1000_requests_gzipped__zeek.pcap.gz', 'pkt.length:>1000'))
     = (SELECT count(*) FROM packets('http_1000_requests_gzipped__zeek.pcap.gz') WHERE length > 1000) AS bigger,
       (SELECT count(*) FROM packets('http_1000_requests_gzipped__zeek.pcap.gz', 'pkt.length:[60 70]'))
     = (SELECT count(*) FROM packets('http_1000_requests_gzipped__zeek.pcap.gz') WHERE length BETWEEN 60 AND 70) AS range,
       (SELECT count(*) FROM packets('http_1000_requests_gzipped__zeek.pcap.gz', '-tcp:*'))
     = (SELECT count(*) FROM packets('http_1000_requests_gzipped__zeek.pcap.gz') WHERE field(doc, 'tcp') IS NULL) AS negation,
       (SELECT count(*) FROM packets('http_1000_requests_gzipped__zeek.pcap.gz', '*'))
     = (SELECT count(*) FROM packets('http_1000_requests_gzipped__zeek.pcap.gz')) AS everything;
-- CIDR, wildcards, several fields, OR; WHERE query = ... is the same as the argument
SELECT (SELECT count(*) FROM packets('http_1000_requests_gzipped__zeek.pcap.gz', 'ip.src:0.0.0.0/0'))
     = (SELECT count(*) FROM packets('http_1000_requests_gzipped__zeek.pcap.gz') WHERE field(doc, 'ip.src') IS NOT NULL) AS cidr,
       (SELECT count(*) FROM packets('http_1000_requests_gzipped__zeek.pcap.gz', 'http.request.uri:/*'))
     = (SELECT count(*) FROM packets('http_1000_requests_gzipped__zeek.pcap.gz') WHERE field(doc, 'http.request.uri') LIKE '/%') AS wildcard,
       (SELECT count(*) FROM packets('http_1000_requests_gzipped__zeek.pcap.gz', 'pkt.sport|pkt.dport:80'))
     = (SELECT count(*) FROM packets('http_1000_requests_gzipped__zeek.pcap.gz') WHERE sport = 80 OR dport = 80) AS fields,
       (SELECT count(*) FROM packets('http_1000_requests_gzipped__zeek.pcap.gz', 'http.request:* || http.response:*'))
     = (SELECT count(*) FROM packets('http_1000_requests_gzipped__zeek.pcap.gz') WHERE field(doc, 'http.request') IS NOT NULL OR field(doc, 'http.response') IS NOT NULL) AS "or",
       (SELECT count(*) FROM packets('http_1000_requests_gzipped__zeek.pcap.gz') WHERE query = 'pkt.service:http')
     = (SELECT count(*) FROM packets('http_1000_requests_gzipped__zeek.pcap.gz') WHERE service = 'HTTP') AS where_query;
-- flows: flow.* terms test the flow, other terms any of its packets; packets(): flow.* selects packets
SELECT (SELECT group_concat(id) FROM flows('http_1000_requests_gzipped__zeek.pcap.gz', 'http.request.method:GET'))
     = (SELECT group_concat(DISTINCT flow) FROM (SELECT flow FROM packets('http_1000_requests_gzipped__zeek.pcap.gz')
         WHERE field(doc, 'http.request.method') = 'GET' ORDER BY flow)) AS lifted,
       (SELECT count(*) FROM flows('http_1000_requests_gzipped__zeek.pcap.gz', 'flow.service:http flow.smsgs:>0'))
     = (SELECT count(*) FROM flows('http_1000_requests_gzipped__zeek.pcap.gz') WHERE service = 'HTTP' AND smsgs > 0) AS flow_terms,
       (SELECT count(*) FROM packets('http_1000_requests_gzipped__zeek.pcap.gz', 'flow.service:HTTP'))
     = (SELECT count(*) FROM packets('http_1000_requests_gzipped__zeek.pcap.gz') WHERE flow IN
         (SELECT id FROM flows('http_1000_requests_gzipped__zeek.pcap.gz') WHERE service = 'HTTP')) AS flow_packets;
-- display filter and query together: both must hold
SELECT (SELECT count(*) FROM packets('http_1000_requests_gzipped__zeek.pcap.gz', 'pkt.dport:80', 'http.request'))
     = (SELECT count(*) FROM packets('http_1000_requests_gzipped__zeek.pcap.gz', NULL, 'http.request && tcp.dstport == 80')) AS both;
-- a collection: ids continue from file to file
SELECT count(*) > 0 AS collection FROM packets('*.pcap', 'icmp:*');
-- catalogs
SELECT name, type, description, packets = (SELECT count(*) FROM packets('http_get_simple__zeek.pcap') WHERE field(doc, 'http.host') IS NOT NULL) AS packets_ok
  FROM xtractr_fields('http_get_simple__zeek.pcap') WHERE name = 'http.host';
SELECT (SELECT sum(packets) FROM xtractr_terms('http_1000_requests_gzipped__zeek.pcap.gz', 'http.request.method'))
     = (SELECT count(*) FROM packets('http_1000_requests_gzipped__zeek.pcap.gz') WHERE field(doc, 'http.request.method') IS NOT NULL) AS terms_sum,
       (SELECT distinct_values FROM xtractr_fields('http_1000_requests_gzipped__zeek.pcap.gz') WHERE name = 'tcp.srcport')
     = (SELECT count(DISTINCT field(doc, 'tcp.srcport')) FROM packets('http_1000_requests_gzipped__zeek.pcap.gz')) AS distinct_ok;
-- errors: what and where (each statement fails on its own)
.bail off
SELECT count(*) FROM packets('http_get_simple__zeek.pcap', 'http.host:(a || b');
SELECT count(*) FROM packets('http_get_simple__zeek.pcap', 'a:1 ) b');
SELECT count(*) FROM packets('http_get_simple__zeek.pcap', 'pkt.length:[1 x]');
SELECT count(*) FROM packets('http_get_simple__zeek.pcap', 'no.such.field:1');
SELECT count(*) FROM flows('http_get_simple__zeek.pcap', 'flow.nothing:1');
SELECT count(*) FROM packets('http_get_simple__zeek.pcap', NULL, 'tcp.port = = 80');
SELECT count(*) FROM packets('http_get_simple__zeek.pcap', NULL, 'tcp contains "GET"');
SELECT count(*) FROM packets('http_get_simple__zeek.pcap', NULL, 'ip.src#2 == 1.2.3.4');
SELECT count(*) FROM xtractr_terms('http_get_simple__zeek.pcap');
SELECT count(*) AS "terms of a field no frame carries" FROM xtractr_terms('http_get_simple__zeek.pcap', 'dns.qry.name');
SELECT count(*) FROM xtractr_terms('http_get_simple__zeek.pcap', 'http.hots');
SELECT count(*) FROM xtractr_terms('http_get_simple__zeek.pcap', 'nothing.like.this');
