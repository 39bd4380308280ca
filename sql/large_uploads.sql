-- large_uploads.sql — hunt: connections whose client sent 100,000 bytes or more, and more than
-- it received: uploads, exfiltration, backups leaving the network.
--
-- Usage:
--   sqlite3 -header -cmd '.load ./build/xtractr' -cmd ".parameter set @capture day1.pcapng" < sql/large_uploads.sql
--   SELECT result FROM xtractr_nugget('large_uploads', 'day1.pcapng');
--
-- How it works: the bytes (frame lengths, as tshark -z conv counts them) of every flow, by
-- direction (dir 0: client to server), from the packets' columns only (no doc is read).
SELECT f.id AS flow, f.src AS client, f.dst AS server, f.dport AS port, f.service, d.sent, d.received,
       datetime(f.time, 'unixepoch') AS started
  FROM (SELECT flow, sum(CASE WHEN dir = 0 THEN length ELSE 0 END) AS sent,
               sum(CASE WHEN dir = 1 THEN length ELSE 0 END) AS received
          FROM packets(@capture) GROUP BY flow) d
  JOIN flows(@capture) f ON f.id = d.flow
 WHERE d.sent >= 100000 AND d.sent > d.received
 ORDER BY d.sent DESC, f.id;
