-- pushdown: xBestIndex hands id, flow and time constraints to the index (idxStr, see
-- extension/scan_plan.h) and the pushed-down answers equal the full-scan answers (`+col`
-- keeps SQLite from pushing a constraint down).
.headers on
-- WHERE id = 5 is a unique lookup ('=' in the plan): it must not scan
EXPLAIN QUERY PLAN SELECT * FROM packets('http_1000_requests_gzipped__zeek.pcap.gz') WHERE id = 5;
EXPLAIN QUERY PLAN SELECT * FROM packets('http_1000_requests_gzipped__zeek.pcap.gz') WHERE id > 10 AND id <= 20;
EXPLAIN QUERY PLAN SELECT * FROM packets('http_1000_requests_gzipped__zeek.pcap.gz') WHERE id >= 10 AND id < 20 ORDER BY id;
EXPLAIN QUERY PLAN SELECT * FROM packets('http_1000_requests_gzipped__zeek.pcap.gz') WHERE id BETWEEN 10 AND 20;
EXPLAIN QUERY PLAN SELECT * FROM packets('http_ipv6_4streams__pcpp.pcap') WHERE flow = 3;
EXPLAIN QUERY PLAN SELECT * FROM packets('http_1000_requests_gzipped__zeek.pcap.gz') WHERE time >= 1 AND time < 2;
EXPLAIN QUERY PLAN SELECT * FROM flows('http_1000_requests_gzipped__zeek.pcap.gz') WHERE id = 2;
EXPLAIN QUERY PLAN SELECT * FROM packets('http_1000_requests_gzipped__zeek.pcap.gz') WHERE +id = 5;
EXPLAIN QUERY PLAN SELECT * FROM packets('http_1000_requests_gzipped__zeek.pcap.gz');
-- rows that need only their id or docref read no statement over index.db (idxNum 2, kPlanIdsOnly)
EXPLAIN QUERY PLAN SELECT mapreduce(docref, 'function (d) { emit(d.service, 1); }', '_sum') FROM packets('http_get_simple__zeek.pcap');
EXPLAIN QUERY PLAN SELECT count(*) FROM flows('http_get_simple__zeek.pcap') WHERE id > 1;
-- a join: the capture argument comes from the outer table
EXPLAIN QUERY PLAN WITH c(f) AS MATERIALIZED (SELECT 'http_get_simple__zeek.pcap') SELECT count(*) FROM c, packets(c.f) AS p WHERE p.id = 3;

-- same answers as a scan
SELECT (SELECT group_concat(id || ':' || length || ':' || title, '|') FROM packets('http_1000_requests_gzipped__zeek.pcap.gz') WHERE id = 5)
     = (SELECT group_concat(id || ':' || length || ':' || title, '|') FROM packets('http_1000_requests_gzipped__zeek.pcap.gz') WHERE +id = 5) AS "id = 5",
       (SELECT count(*) FROM packets('http_1000_requests_gzipped__zeek.pcap.gz') WHERE id = 5) AS "rows for id = 5";
SELECT (SELECT group_concat(id) FROM packets('http_1000_requests_gzipped__zeek.pcap.gz') WHERE id > 10 AND id <= 20)
     = (SELECT group_concat(id) FROM packets('http_1000_requests_gzipped__zeek.pcap.gz') WHERE +id > 10 AND +id <= 20) AS "id range",
       (SELECT count(*) FROM packets('http_1000_requests_gzipped__zeek.pcap.gz') WHERE id > 10 AND id <= 20) AS "rows in (10, 20]";
SELECT (SELECT group_concat(id) FROM packets('http_1000_requests_gzipped__zeek.pcap.gz') WHERE id >= 10.5 AND id < 12.5)
     = '11,12' AS "REAL bounds round the right way";
SELECT (SELECT count(*) FROM packets('http_1000_requests_gzipped__zeek.pcap.gz') WHERE id = 0) AS "id = 0",
       (SELECT count(*) FROM packets('http_1000_requests_gzipped__zeek.pcap.gz') WHERE id = NULL) AS "id = NULL",
       (SELECT count(*) FROM packets('http_1000_requests_gzipped__zeek.pcap.gz') WHERE id = 'x') AS "id = 'x'",
       (SELECT count(*) FROM packets('http_1000_requests_gzipped__zeek.pcap.gz') WHERE id = 1e30) AS "id = 1e30",
       (SELECT count(*) FROM packets('http_1000_requests_gzipped__zeek.pcap.gz') WHERE id > 9223372036854775807) AS "id > max",
       (SELECT count(*) FROM packets('http_1000_requests_gzipped__zeek.pcap.gz') WHERE id > 20 AND id < 10) AS "empty range";
-- ids alone (kPlanIdsOnly): the same rows, ids and docrefs as a scan, over several captures
SELECT (SELECT group_concat(id || ':' || field(docref, 'frame.number') || ':' || field(docref, 'length'))
          FROM packets('http_[gi]*.pcap') WHERE id > 3 AND id <= 60)
     = (SELECT group_concat(id || ':' || field(doc, 'frame.number') || ':' || length)
          FROM packets('http_[gi]*.pcap') WHERE id > 3 AND id <= 60) AS "packets: ids alone = scan",
       (SELECT count(*) FROM packets('http_[gi]*.pcap')) = (SELECT count(length) FROM packets('http_[gi]*.pcap')) AS "count(*)",
       (SELECT group_concat(id || ':' || field(docref, 'bytes')) FROM flows('http_[gi]*.pcap'))
     = (SELECT group_concat(id || ':' || bytes) FROM flows('http_[gi]*.pcap')) AS "flows: ids alone = scan";
-- http_ipv6_4streams__pcpp.pcap holds four TCP streams, so four flows
SELECT (SELECT group_concat(id) FROM packets('http_ipv6_4streams__pcpp.pcap') WHERE flow = 3)
     = (SELECT group_concat(id) FROM packets('http_ipv6_4streams__pcpp.pcap') WHERE +flow = 3) AS "flow = 3",
       (SELECT count(*) FROM packets('http_ipv6_4streams__pcpp.pcap') WHERE flow = 3) > 0 AS "flow 3 has frames",
       (SELECT count(*) FROM packets('http_ipv6_4streams__pcpp.pcap') WHERE flow = 3 AND flow = 4) AS "flow = 3 AND flow = 4",
       (SELECT count(*) FROM packets('http_ipv6_4streams__pcpp.pcap') WHERE flow = 99) AS "flow = 99";
-- time bounds: strict and inclusive, around a real frame time
SELECT (SELECT group_concat(id) FROM packets('http_1000_requests_gzipped__zeek.pcap.gz') WHERE time >= t AND time < t + 0.5)
     = (SELECT group_concat(id) FROM packets('http_1000_requests_gzipped__zeek.pcap.gz') WHERE +time >= t AND +time < t + 0.5) AS "time >= t and < t + 0.5",
       (SELECT group_concat(id) FROM packets('http_1000_requests_gzipped__zeek.pcap.gz') WHERE time > t AND time <= t + 0.5)
     = (SELECT group_concat(id) FROM packets('http_1000_requests_gzipped__zeek.pcap.gz') WHERE +time > t AND +time <= t + 0.5) AS "time > t and <= t + 0.5"
  FROM (SELECT time AS t FROM packets('http_1000_requests_gzipped__zeek.pcap.gz') WHERE id = 100);
-- around every 97th frame's time (time-sorted captures find the range by binary search over ids)
SELECT count(*) AS "time ranges", sum((SELECT group_concat(id) FROM packets('http_1000_requests_gzipped__zeek.pcap.gz') WHERE time >= t AND time <= t + 0.05)
                  IS NOT (SELECT group_concat(id) FROM packets('http_1000_requests_gzipped__zeek.pcap.gz') WHERE +time >= t AND +time <= t + 0.05)) AS "that differ"
  FROM (SELECT time AS t FROM packets('http_1000_requests_gzipped__zeek.pcap.gz') WHERE id % 97 = 1);
-- and in captures whose frames are not all in time order: a few out of order (listed in the
-- index, the binary search steps over them), and nine copies of a capture one after the other
-- (too many: a time index answers)
.shell mergecap -a -w copies.pcap http_dns_wikipedia_browse__zeek.pcap http_dns_wikipedia_browse__zeek.pcap http_dns_wikipedia_browse__zeek.pcap http_dns_wikipedia_browse__zeek.pcap http_dns_wikipedia_browse__zeek.pcap http_dns_wikipedia_browse__zeek.pcap http_dns_wikipedia_browse__zeek.pcap http_dns_wikipedia_browse__zeek.pcap http_dns_wikipedia_browse__zeek.pcap
SELECT c AS capture, json_extract(xtractr_index(c), '$.files[0].time_sorted') AS "time sorted",
       (SELECT count(*) FROM packets(c) WHERE (id - 1) % step = 0) AS "time ranges",
       (SELECT sum((SELECT group_concat(id) FROM packets(c) WHERE time >= t AND time <= t + 0.05)
                   IS NOT (SELECT group_concat(id) FROM packets(c) WHERE +time >= t AND +time <= t + 0.05))
          FROM (SELECT time AS t FROM packets(c) WHERE (id - 1) % step = 0)) AS "that differ"
  FROM (SELECT c, max(1, (SELECT count(*) FROM packets(c)) / 40) AS step
          FROM (SELECT 'pcapng_11_interfaces__pcpp.pcapng' AS c UNION ALL SELECT 'copies.pcap'));
SELECT (SELECT group_concat(id) FROM flows('http_ipv6_4streams__pcpp.pcap') WHERE id BETWEEN 2 AND 4) = '2,3,4' AS "flows by id",
       (SELECT group_concat(id) FROM flows('http_ipv6_4streams__pcpp.pcap') WHERE id = 4) = '4' AS "flow id = 4";
-- ORDER BY id is consumed and rows come in id order
SELECT group_concat(id) = (SELECT group_concat(id) FROM (SELECT id FROM packets('http_get_simple__zeek.pcap') ORDER BY +id))
       AS "ORDER BY id"
  FROM (SELECT id FROM packets('http_get_simple__zeek.pcap') ORDER BY id);
