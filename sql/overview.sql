-- overview.sql — what a capture holds: services, packet sizes, MAC addresses, IPv4 and IPv6 hosts.
--
-- Usage:
--   sqlite3 -cmd '.load ./build/xtractr' -cmd ".parameter set @capture day1.pcapng" < sql/overview.sql
--   (add -cmd '.mode box' for tables, -cmd '.mode csv' for CSV)
--
-- How it works: services from the flows table; sizes from the packets' length column, in the
-- buckets of `tshark -z plen,tree`; addresses from every eth/ip/ipv6 src and dst field of
-- every frame (tunnelled frames count once per layer, as in `tshark -z endpoints,ip`),
-- collected in one pass over the docs into a temporary table.
.headers on

.print '## services'
SELECT service, count(*) AS flows, sum(packets) AS packets, sum(bytes) AS bytes
  FROM flows(@capture) GROUP BY service ORDER BY bytes DESC, service;

.print '## packet sizes'
SELECT CASE WHEN length < 20 THEN '0-19' WHEN length < 40 THEN '20-39' WHEN length < 80 THEN '40-79'
            WHEN length < 160 THEN '80-159' WHEN length < 320 THEN '160-319' WHEN length < 640 THEN '320-639'
            WHEN length < 1280 THEN '640-1279' WHEN length < 2560 THEN '1280-2559'
            WHEN length < 5120 THEN '2560-5119' ELSE '5120 and greater' END AS size,
       count(*) AS packets, sum(length) AS bytes
  FROM packets(@capture) GROUP BY 1 ORDER BY min(length);

DROP VIEW IF EXISTS temp.overview_hosts;
DROP TABLE IF EXISTS temp.overview_addresses;
CREATE TEMP TABLE overview_addresses AS
  SELECT length, fields(doc, 'eth.src') AS eth_src, fields(doc, 'eth.dst') AS eth_dst,
         fields(doc, 'ip.src') AS ip_src, fields(doc, 'ip.dst') AS ip_dst,
         fields(doc, 'ipv6.src') AS ipv6_src, fields(doc, 'ipv6.dst') AS ipv6_dst
    FROM packets(@capture);
-- The three address sections are one query: per layer (eth, ip, ipv6) and address, what it sent
-- and received; each section picks its layer.
CREATE TEMP VIEW overview_hosts AS
  SELECT layer, address, sum(sent) AS packets_sent, sum(sent * length) AS bytes_sent,
         sum(received) AS packets_received, sum(received * length) AS bytes_received, sum(length) AS bytes
    FROM (SELECT 'eth' AS layer, j.value AS address, 1 AS sent, 0 AS received, length
            FROM overview_addresses, json_each(eth_src) j
          UNION ALL SELECT 'eth', j.value, 0, 1, length FROM overview_addresses, json_each(eth_dst) j
          UNION ALL SELECT 'ip', j.value, 1, 0, length FROM overview_addresses, json_each(ip_src) j
          UNION ALL SELECT 'ip', j.value, 0, 1, length FROM overview_addresses, json_each(ip_dst) j
          UNION ALL SELECT 'ipv6', j.value, 1, 0, length FROM overview_addresses, json_each(ipv6_src) j
          UNION ALL SELECT 'ipv6', j.value, 0, 1, length FROM overview_addresses, json_each(ipv6_dst) j)
   GROUP BY layer, address;

.print '## MAC addresses'
SELECT address, packets_sent, bytes_sent, packets_received, bytes_received
  FROM overview_hosts WHERE layer = 'eth' ORDER BY bytes DESC, address;

.print '## IPv4 hosts'
SELECT address, packets_sent, bytes_sent, packets_received, bytes_received
  FROM overview_hosts WHERE layer = 'ip' ORDER BY bytes DESC, address;

.print '## IPv6 hosts'
SELECT address, packets_sent, bytes_sent, packets_received, bytes_received
  FROM overview_hosts WHERE layer = 'ipv6' ORDER BY bytes DESC, address;

DROP VIEW temp.overview_hosts;
DROP TABLE temp.overview_addresses;
