-- http.sql — HTTP: hosts, URIs by bandwidth, user agents, servers, content types, response times.
--
-- Usage:
--   sqlite3 -header -cmd '.load ./build/xtractr' -cmd ".parameter set @capture day1.pcapng" < sql/http.sql
--   SELECT section, result FROM xtractr_nugget('http', 'day1.pcapng');
--
-- How it works: the search finds the HTTP message frames each section needs ('http.request:*'
-- or 'http.response:*'). Requests: http.host, http.user_agent (every value: pipelined
-- requests in one frame each count). Responses: http.server, http.content_type,
-- http.response_for.uri with http.content_length (bandwidth = declared body bytes),
-- http.time (seconds from the request, as Wireshark matches them).

SELECT NULL AS "## hosts";
SELECT j.value AS host, count(*) AS requests
  FROM packets(@capture, 'http.request:*') p, json_each(fields(p.doc, 'http.host')) j
 WHERE fields(p.doc, 'http.request') IS NOT NULL
 GROUP BY 1 ORDER BY requests DESC, host;

SELECT NULL AS "## URIs by bandwidth";
SELECT uri, count(*) AS responses, coalesce(sum(content_length), 0) AS bytes
  FROM (SELECT field(doc, 'http.response_for.uri') AS uri, field(doc, 'http.content_length') AS content_length
          FROM packets(@capture, 'http.response:*') WHERE fields(doc, 'http.response') IS NOT NULL)
 WHERE uri IS NOT NULL
 GROUP BY uri ORDER BY bytes DESC, responses DESC, uri;

SELECT NULL AS "## user agents";
SELECT j.value AS user_agent, count(*) AS requests
  FROM packets(@capture, 'http.request:*') p, json_each(fields(p.doc, 'http.user_agent')) j
 WHERE fields(p.doc, 'http.request') IS NOT NULL
 GROUP BY 1 ORDER BY requests DESC, user_agent;

SELECT NULL AS "## servers";
SELECT j.value AS server, count(*) AS responses
  FROM packets(@capture, 'http.response:*') p, json_each(fields(p.doc, 'http.server')) j
 WHERE fields(p.doc, 'http.response') IS NOT NULL
 GROUP BY 1 ORDER BY responses DESC, server;

SELECT NULL AS "## content types";
SELECT j.value AS content_type, count(*) AS responses
  FROM packets(@capture, 'http.response:*') p, json_each(fields(p.doc, 'http.content_type')) j
 WHERE fields(p.doc, 'http.response') IS NOT NULL
 GROUP BY 1 ORDER BY responses DESC, content_type;

SELECT NULL AS "## response times";
SELECT src AS server, count(*) AS responses, round(avg(response_time), 6) AS avg_seconds,
       round(max(response_time), 6) AS max_seconds
  FROM (SELECT src, field(doc, 'http.time') AS response_time FROM packets(@capture, 'http.time:*'))
 WHERE response_time IS NOT NULL
 GROUP BY src ORDER BY avg_seconds DESC, server;
