-- long_connections.sql — hunt: TCP and UDP connections that lasted 10 minutes or more: command
-- and control sessions, tunnels, remote shells, transfers that stay open (the first threshold of
-- Zeek's long-connections policy; RITA's "long connections").
--
-- Usage:
--   sqlite3 -header -cmd '.load ./build/xtractr' -cmd ".parameter set @capture day1.pcapng" < sql/long_connections.sql
--   SELECT result FROM xtractr_nugget('long_connections', 'day1.pcapng');
--
-- How it works: every TCP or UDP flow (a tcp.stream or udp.stream) whose duration, from its
-- first to its last packet, is 600 seconds or more; longest first, from the flows' columns only.
SELECT id AS flow, src AS client, dst AS server, dport AS port, CASE proto WHEN 6 THEN 'TCP' ELSE 'UDP' END AS transport,
       service, round(duration, 3) AS seconds, packets, bytes, first AS first_frame, last AS last_frame,
       datetime(time, 'unixepoch') AS started
  FROM flows(@capture)
 WHERE proto IN (6, 17) AND duration >= 600
 ORDER BY duration DESC, id;
