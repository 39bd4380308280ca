-- tls_without_sni.sql — hunt: TLS ClientHellos that name no server (no SNI): malware, scripts
-- and tools that connect to bare IP addresses, where browsers always send the name.
--
-- Usage:
--   sqlite3 -header -cmd '.load ./build/xtractr' -cmd ".parameter set @capture day1.pcapng" < sql/tls_without_sni.sql
--   SELECT result FROM xtractr_nugget('tls_without_sni', 'day1.pcapng');
--
-- How it works: the search finds the frames with a ClientHello (tls.handshake.type 1); those
-- without a tls.handshake.extensions_server_name, one row each, with their flow's ports.
SELECT id AS frame, datetime(time, 'unixepoch') AS time, src AS client, dst AS server, dport AS port, flow
  FROM packets(@capture, 'tls.handshake.type:1')
 WHERE EXISTS (SELECT 1 FROM json_each(fields(doc, 'tls.handshake.type')) WHERE value = 1)
   AND fields(doc, 'tls.handshake.extensions_server_name') IS NULL
 ORDER BY id;
