-- tls_sni.sql — TLS server names (SNI) asked for in ClientHellos, with the servers asked.
--
-- Usage:
--   sqlite3 -header -cmd '.load ./build/xtractr' -cmd ".parameter set @capture day1.pcapng" < sql/tls_sni.sql
--   SELECT section, result FROM xtractr_nugget('tls_sni', 'day1.pcapng');
--
-- How it works: the search finds the frames with a server name; every
-- tls.handshake.extensions_server_name value of each (one per ClientHello), with the frame's destination as the server.

SELECT NULL AS "## TLS server names";
SELECT j.value AS server_name, count(*) AS client_hellos, count(DISTINCT p.dst) AS servers,
       count(DISTINCT p.src) AS clients
  FROM packets(@capture, 'tls.handshake.extensions_server_name:*') p,
       json_each(fields(p.doc, 'tls.handshake.extensions_server_name')) j
 GROUP BY 1 ORDER BY client_hellos DESC, server_name;
