-- port_scans.sql — hosts that opened TCP connections that never carried data: port scans,
-- host sweeps, refused or unanswered connection attempts.
--
-- Usage:
--   sqlite3 -header -cmd '.load ./build/xtractr' -cmd ".parameter set @capture day1.pcapng" < sql/port_scans.sql
--   SELECT section, result FROM xtractr_nugget('port_scans', 'day1.pcapng');
--
-- How it works: a TCP flow with no application message either way (cmsgs = smsgs = 0) is an
-- attempt; attempts are grouped by the host that made them: how many, to how many ports and
-- hosts, over what time. A scanner shows many ports (or many hosts), few answers.

SELECT NULL AS "## port scans";
SELECT src AS scanner, count(*) AS attempts, count(DISTINCT dport) AS ports, count(DISTINCT dst) AS hosts,
       sum(packets) AS packets, datetime(min(time), 'unixepoch') AS first_seen,
       round(max(time + duration) - min(time), 3) AS seconds
  FROM flows(@capture) WHERE proto = 6 AND cmsgs = 0 AND smsgs = 0
 GROUP BY src ORDER BY ports DESC, hosts DESC, attempts DESC, scanner LIMIT 50;
