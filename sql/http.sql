-- http.sql — HTTP: hosts, URIs by bandwidth, user agents, servers, content types, response times.
--
-- Usage:
--   sqlite3 -cmd '.load ./build/xtractr' -cmd ".parameter set @capture day1.pcapng" < sql/http.sql
--
-- How it works: the search (query 'http.request:* || http.response:*') finds the HTTP
-- message frames; one pass over their docs keeps the HTTP fields of every HTTP message frame in a
-- temporary table. Requests: http.host, http.user_agent (every value: pipelined requests in
-- one frame each count). Responses: http.server, http.content_type, http.response_for.uri
-- with http.content_length (bandwidth = declared body bytes), http.time (seconds from the
-- request, as Wireshark matches them).
.headers on

DROP TABLE IF EXISTS temp.http_messages;
CREATE TEMP TABLE http_messages AS
  SELECT id, src, dst, fields(doc, 'http.request') AS request, fields(doc, 'http.response') AS response,
         fields(doc, 'http.host') AS host, fields(doc, 'http.user_agent') AS user_agent,
         fields(doc, 'http.server') AS server, fields(doc, 'http.content_type') AS content_type,
         field(doc, 'http.response_for.uri') AS uri, field(doc, 'http.content_length') AS content_length,
         field(doc, 'http.time') AS response_time
    FROM packets(@capture, 'http.request:* || http.response:*')
   WHERE request IS NOT NULL OR response IS NOT NULL;

.print '## hosts'
SELECT j.value AS host, count(*) AS requests
  FROM http_messages, json_each(host) j WHERE request IS NOT NULL
 GROUP BY 1 ORDER BY requests DESC, host;

.print '## URIs by bandwidth'
SELECT uri, count(*) AS responses, coalesce(sum(content_length), 0) AS bytes
  FROM http_messages WHERE response IS NOT NULL AND uri IS NOT NULL
 GROUP BY uri ORDER BY bytes DESC, responses DESC, uri;

.print '## user agents'
SELECT j.value AS user_agent, count(*) AS requests
  FROM http_messages, json_each(user_agent) j WHERE request IS NOT NULL
 GROUP BY 1 ORDER BY requests DESC, user_agent;

.print '## servers'
SELECT j.value AS server, count(*) AS responses
  FROM http_messages, json_each(server) j WHERE response IS NOT NULL
 GROUP BY 1 ORDER BY responses DESC, server;

.print '## content types'
SELECT j.value AS content_type, count(*) AS responses
  FROM http_messages, json_each(content_type) j WHERE response IS NOT NULL
 GROUP BY 1 ORDER BY responses DESC, content_type;

.print '## response times'
SELECT src AS server, count(*) AS responses, round(avg(response_time), 6) AS avg_seconds,
       round(max(response_time), 6) AS max_seconds
  FROM http_messages WHERE response_time IS NOT NULL
 GROUP BY src ORDER BY avg_seconds DESC, server;

DROP TABLE temp.http_messages;
