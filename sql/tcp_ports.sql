-- tcp_ports.sql — TCP destination (server) ports: connections, servers, clients, traffic.
--
-- Usage:
--   sqlite3 -cmd '.load ./build/xtractr' -cmd ".parameter set @capture day1.pcapng" < sql/tcp_ports.sql
--
-- How it works: one TCP flow is one connection (tcp.stream); its client is the side that
-- opened it (the SYN), so dport is the server's port.
.headers on

.print '## TCP destination ports'
SELECT dport AS port, count(*) AS connections, count(DISTINCT dst) AS servers, count(DISTINCT src) AS clients,
       sum(packets) AS packets, sum(bytes) AS bytes
  FROM flows(@capture) WHERE proto = 6
 GROUP BY dport ORDER BY connections DESC, port;
