-- dns.sql — DNS: top queried names, queries that got no answer, NXDOMAIN answers.
--
-- Usage:
--   sqlite3 -header -cmd '.load ./build/xtractr' -cmd ".parameter set @capture day1.pcapng" < sql/dns.sql
--   SELECT section, result FROM xtractr_nugget('dns', 'day1.pcapng');
--
-- How it works: the search finds the DNS messages each section needs (queries,
-- 'dns.flags.response:0'; NXDOMAIN answers, 'dns.flags.rcode:3'; every message, 'dns.id:*',
-- for the unanswered ones). A query is answered when a response with the same dns.id comes
-- back later in the same flow, as Wireshark matches them; a query repeating the dns.id of an
-- earlier one in its flow is a retransmission and is not counted again; multicast DNS (port
-- 5353) has no replies to pair and is left out. NXDOMAIN: responses with dns.flags.rcode 3,
-- by the name asked.

SELECT NULL AS "## top queries";
SELECT j.value AS name, count(*) AS queries
  FROM packets(@capture, 'dns.flags.response:0') p, json_each(fields(p.doc, 'dns.qry.name')) j
 WHERE field(p.doc, 'dns.flags.response') = 0
 GROUP BY 1 ORDER BY queries DESC, name;

SELECT NULL AS "## unanswered queries";
WITH dns_messages AS MATERIALIZED (
  SELECT id, flow, dport, field(doc, 'dns.id') AS dns_id, field(doc, 'dns.flags.response') AS response,
         fields(doc, 'dns.qry.name') AS names
    FROM packets(@capture, 'dns.id:*') WHERE dns_id IS NOT NULL)
SELECT j.value AS name, count(*) AS queries
  FROM dns_messages q, json_each(q.names) j
 WHERE q.response = 0 AND q.dport IS NOT 5353
   AND NOT EXISTS (SELECT 1 FROM dns_messages r WHERE r.flow = q.flow AND r.dns_id = q.dns_id AND r.response = 1 AND r.id > q.id)
   AND NOT EXISTS (SELECT 1 FROM dns_messages e WHERE e.flow = q.flow AND e.dns_id = q.dns_id AND e.response = 0 AND e.id < q.id)
 GROUP BY 1 ORDER BY queries DESC, name;

SELECT NULL AS "## NXDOMAIN";
SELECT j.value AS name, count(*) AS responses
  FROM packets(@capture, 'dns.flags.rcode:3') p, json_each(fields(p.doc, 'dns.qry.name')) j
 WHERE field(p.doc, 'dns.flags.response') = 1 AND field(p.doc, 'dns.flags.rcode') = 3
 GROUP BY 1 ORDER BY responses DESC, name;
