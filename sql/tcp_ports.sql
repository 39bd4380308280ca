-- tcp_ports.sql — TCP destination (server) ports: connections, servers, clients, traffic.
--
-- Usage:
--   sqlite3 -header -cmd '.load ./build/xtractr' -cmd ".parameter set @capture day1.pcapng" < sql/tcp_ports.sql
--   SELECT section, result FROM xtractr_nugget('tcp_ports', 'day1.pcapng');
--
-- How it works: one TCP flow is one connection (tcp.stream); its client is the side that
-- opened it (the SYN), so dport is the server's port.

SELECT NULL AS "## TCP destination ports";
SELECT dport AS port, count(*) AS connections, count(DISTINCT dst) AS servers, count(DISTINCT src) AS clients,
       sum(packets) AS packets, sum(bytes) AS bytes
  FROM flows(@capture) WHERE proto = 6
 GROUP BY dport ORDER BY connections DESC, port;
