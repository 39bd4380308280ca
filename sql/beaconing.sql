-- beaconing.sql — hunt: host pairs whose connections start at regular intervals (malware calling
-- home, implants polling their controller, scripted tasks): ten connections or more, at least a
-- second apart on average, with low jitter.
--
-- Usage:
--   sqlite3 -header -cmd '.load ./build/xtractr' -cmd ".parameter set @capture day1.pcapng" < sql/beaconing.sql
--   SELECT result FROM xtractr_nugget('beaconing', 'day1.pcapng');
--
-- How it works: as RITA's beacon analysis, the TCP and UDP flows (connections) of each client and
-- server pair, any port, in order of their start times; the intervals between consecutive starts
-- give their mean and their jitter, the standard deviation as a share of the mean. A pair is a
-- beacon candidate when it made 10 connections or more, 1 second or more apart on average, with a
-- jitter of 0.2 or less (a human browsing is bursty: a jitter well above 1). Needs SQLite's math
-- functions (sqrt; the default since SQLite 3.35).
WITH starts AS MATERIALIZED (
    SELECT src, dst, dport, bytes, time, time - lag(time) OVER (PARTITION BY src, dst ORDER BY time, id) AS gap
      FROM flows(@capture) WHERE proto IN (6, 17)),
  pairs AS (
    SELECT src, dst, count(*) AS connections, avg(gap) AS mean,
           sqrt(max(avg(gap * gap) - avg(gap) * avg(gap), 0)) AS deviation, group_concat(DISTINCT dport) AS ports,
           sum(bytes) AS bytes, min(time) AS first, max(time) AS last
      FROM starts GROUP BY src, dst)
SELECT src AS client, dst AS server, ports, connections, round(mean, 3) AS interval, round(deviation / mean, 3) AS jitter,
       bytes, datetime(first, 'unixepoch') AS first_seen, datetime(last, 'unixepoch') AS last_seen
  FROM pairs
 WHERE connections >= 10 AND mean >= 1 AND deviation <= 0.2 * mean
 ORDER BY deviation / mean, connections DESC, client, server;
