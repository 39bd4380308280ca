-- top_talkers.sql — the 20 IP hosts (IPv4 and IPv6) that sent and received the most bytes.
--
-- Usage:
--   sqlite3 -header -cmd '.load ./build/xtractr' -cmd ".parameter set @capture day1.pcapng" < sql/top_talkers.sql
--   SELECT section, result FROM xtractr_nugget('top_talkers', 'day1.pcapng');
--
-- How it works: every ip/ipv6 src and dst field of every frame, counted as
-- `tshark -z endpoints,ip` (and endpoints,ipv6) counts them: bytes are frame lengths, and a
-- tunnelled frame counts for each of its IP layers. One pass over the docs.

SELECT NULL AS "## top talkers";
WITH talkers AS MATERIALIZED (
  SELECT length, fields(doc, 'ip.src') AS s4, fields(doc, 'ip.dst') AS d4,
         fields(doc, 'ipv6.src') AS s6, fields(doc, 'ipv6.dst') AS d6
    FROM packets(@capture) WHERE s4 IS NOT NULL OR s6 IS NOT NULL)
SELECT address, count(*) AS packets, sum(length) AS bytes,
       sum(sent * length) AS bytes_sent, sum((1 - sent) * length) AS bytes_received
  FROM (SELECT j.value AS address, 1 AS sent, length FROM talkers, json_each(s4) j
        UNION ALL SELECT j.value, 1, length FROM talkers, json_each(s6) j
        UNION ALL SELECT j.value, 0, length FROM talkers, json_each(d4) j
        UNION ALL SELECT j.value, 0, length FROM talkers, json_each(d6) j)
 GROUP BY address ORDER BY bytes DESC, address LIMIT 20;
