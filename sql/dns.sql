-- dns.sql — DNS: top queried names, queries that got no answer, NXDOMAIN answers.
--
-- Usage:
--   sqlite3 -cmd '.load ./build/xtractr' -cmd ".parameter set @capture day1.pcapng" < sql/dns.sql
--
-- How it works: the search (query 'dns.id:*') finds every DNS message; their docs are kept
-- in a temporary table. A query is answered when a
-- response with the same dns.id comes back later in the same flow, as Wireshark matches
-- them; a query repeating the dns.id of an earlier one in its flow is a retransmission and
-- is not counted again; multicast DNS (port 5353) has no replies to pair and is left out.
-- NXDOMAIN: responses with dns.flags.rcode 3, by the name asked.
.headers on

DROP TABLE IF EXISTS temp.dns_messages;
CREATE TEMP TABLE dns_messages AS
  SELECT id, flow, src, dst, dport, field(doc, 'dns.id') AS dns_id, field(doc, 'dns.flags.response') AS response,
         field(doc, 'dns.flags.rcode') AS rcode, fields(doc, 'dns.qry.name') AS names
    FROM packets(@capture, 'dns.id:*') WHERE dns_id IS NOT NULL;

.print '## top queries'
SELECT j.value AS name, count(*) AS queries
  FROM dns_messages, json_each(names) j WHERE response = 0
 GROUP BY 1 ORDER BY queries DESC, name;

.print '## unanswered queries'
SELECT j.value AS name, count(*) AS queries
  FROM dns_messages q, json_each(q.names) j
 WHERE q.response = 0 AND q.dport IS NOT 5353
   AND NOT EXISTS (SELECT 1 FROM dns_messages r WHERE r.flow = q.flow AND r.dns_id = q.dns_id AND r.response = 1 AND r.id > q.id)
   AND NOT EXISTS (SELECT 1 FROM dns_messages e WHERE e.flow = q.flow AND e.dns_id = q.dns_id AND e.response = 0 AND e.id < q.id)
 GROUP BY 1 ORDER BY queries DESC, name;

.print '## NXDOMAIN'
SELECT j.value AS name, count(*) AS responses
  FROM dns_messages, json_each(names) j WHERE response = 1 AND rcode = 3
 GROUP BY 1 ORDER BY responses DESC, name;

DROP TABLE temp.dns_messages;
