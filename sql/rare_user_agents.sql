-- rare_user_agents.sql — hunt: HTTP user agents that one client host alone sent, in fewer than
-- 5% of the capture's requests: malware, scripts and tools among the browsers (least frequency
-- of occurrence, RITA's "rare signature").
--
-- Usage:
--   sqlite3 -header -cmd '.load ./build/xtractr' -cmd ".parameter set @capture day1.pcapng" < sql/rare_user_agents.sql
--   SELECT result FROM xtractr_nugget('rare_user_agents', 'day1.pcapng');
--
-- How it works: every http.user_agent of every HTTP request (a frame with several pipelined
-- requests counts each), with the client that sent it; a user agent is rare when one client
-- sent it and it makes up less than 5% of all the requests that carry a user agent (so the one
-- browser of a capture of one host is not). One row per rare user agent.
WITH requests AS MATERIALIZED (
    SELECT p.id, p.time, p.src AS client, p.dst AS server, j.value AS agent
      FROM packets(@capture, 'http.user_agent:*') p, json_each(fields(p.docref, 'http.user_agent')) j),
  agents AS (
    SELECT agent, count(DISTINCT client) AS clients, count(*) AS requests, min(client) AS client,
           count(DISTINCT server) AS servers, min(id) AS first_frame, min(time) AS first
      FROM requests GROUP BY agent)
SELECT agent AS user_agent, client, requests, round(100.0 * requests / (SELECT count(*) FROM requests), 2) AS percent,
       servers, first_frame, datetime(first, 'unixepoch') AS first_seen
  FROM agents
 WHERE clients = 1 AND requests * 20 < (SELECT count(*) FROM requests)
 ORDER BY requests, first_frame;
