-- overview.sql — what a capture holds: services, packet sizes, MAC addresses, IPv4 and IPv6 hosts.
--
-- Usage:
--   sqlite3 -header -cmd '.load ./build/xtractr' -cmd ".parameter set @capture day1.pcapng" < sql/overview.sql
--   SELECT section, result FROM xtractr_nugget('overview', 'day1.pcapng');
--   (add -cmd '.mode box' for tables, -cmd '.mode csv' for CSV)
--
-- How it works: services from the flows table; sizes from the packets' length column, in the
-- buckets of `tshark -z plen,tree`; addresses from every eth/ip/ipv6 src and dst field of
-- every frame (tunnelled frames count once per layer, as in `tshark -z endpoints,ip`), one
-- pass over the docs per layer (the search keeps the IPv4 and IPv6 frames for theirs).

SELECT NULL AS "## services";
SELECT service, count(*) AS flows, sum(packets) AS packets, sum(bytes) AS bytes
  FROM flows(@capture) GROUP BY service ORDER BY bytes DESC, service;

SELECT NULL AS "## packet sizes";
SELECT CASE WHEN length < 20 THEN '0-19' WHEN length < 40 THEN '20-39' WHEN length < 80 THEN '40-79'
            WHEN length < 160 THEN '80-159' WHEN length < 320 THEN '160-319' WHEN length < 640 THEN '320-639'
            WHEN length < 1280 THEN '640-1279' WHEN length < 2560 THEN '1280-2559'
            WHEN length < 5120 THEN '2560-5119' ELSE '5120 and greater' END AS size,
       count(*) AS packets, sum(length) AS bytes
  FROM packets(@capture) GROUP BY 1 ORDER BY min(length);

SELECT NULL AS "## MAC addresses";
WITH frames AS MATERIALIZED (
  SELECT length, fields(doc, 'eth.src') AS sources, fields(doc, 'eth.dst') AS destinations
    FROM packets(@capture))
SELECT address, sum(sent) AS packets_sent, sum(sent * length) AS bytes_sent,
       sum(1 - sent) AS packets_received, sum((1 - sent) * length) AS bytes_received
  FROM (SELECT j.value AS address, 1 AS sent, length FROM frames, json_each(sources) j
        UNION ALL SELECT j.value, 0, length FROM frames, json_each(destinations) j)
 GROUP BY address ORDER BY sum(length) DESC, address;

SELECT NULL AS "## IPv4 hosts";
WITH frames AS MATERIALIZED (
  SELECT length, fields(doc, 'ip.src') AS sources, fields(doc, 'ip.dst') AS destinations
    FROM packets(@capture, 'ip.addr:*'))
SELECT address, sum(sent) AS packets_sent, sum(sent * length) AS bytes_sent,
       sum(1 - sent) AS packets_received, sum((1 - sent) * length) AS bytes_received
  FROM (SELECT j.value AS address, 1 AS sent, length FROM frames, json_each(sources) j
        UNION ALL SELECT j.value, 0, length FROM frames, json_each(destinations) j)
 GROUP BY address ORDER BY sum(length) DESC, address;

SELECT NULL AS "## IPv6 hosts";
WITH frames AS MATERIALIZED (
  SELECT length, fields(doc, 'ipv6.src') AS sources, fields(doc, 'ipv6.dst') AS destinations
    FROM packets(@capture, 'ipv6.addr:*'))
SELECT address, sum(sent) AS packets_sent, sum(sent * length) AS bytes_sent,
       sum(1 - sent) AS packets_received, sum((1 - sent) * length) AS bytes_received
  FROM (SELECT j.value AS address, 1 AS sent, length FROM frames, json_each(sources) j
        UNION ALL SELECT j.value, 0, length FROM frames, json_each(destinations) j)
 GROUP BY address ORDER BY sum(length) DESC, address;
