-- unanswered_dns.sql — hunt: DNS queries that never got an answer (dead resolvers, blocked or
-- exfiltrating lookups, typos): one row per query, with its client and server.
--
-- Usage:
--   sqlite3 -header -cmd '.load ./build/xtractr' -cmd ".parameter set @capture day1.pcapng" < sql/unanswered_dns.sql
--   SELECT result FROM xtractr_nugget('unanswered_dns', 'day1.pcapng');
--
-- How it works: as dns.sql's "unanswered queries", query by query: a query is answered when a
-- response with its dns.id comes back later in its flow (Wireshark's dns.response_in); a
-- repeat of an earlier query's dns.id in the flow is a retransmission; mDNS (5353) is left out.
WITH dns_messages AS MATERIALIZED (
  SELECT id, time, flow, src, dst, dport, field(doc, 'dns.id') AS dns_id, field(doc, 'dns.flags.response') AS response,
         fields(doc, 'dns.qry.name') AS names
    FROM packets(@capture, 'dns.id:*') WHERE dns_id IS NOT NULL)
SELECT q.id AS frame, datetime(q.time, 'unixepoch') AS time, q.src AS client, q.dst AS server, j.value AS name
  FROM dns_messages q, json_each(q.names) j
 WHERE q.response = 0 AND q.dport IS NOT 5353
   AND NOT EXISTS (SELECT 1 FROM dns_messages r WHERE r.flow = q.flow AND r.dns_id = q.dns_id AND r.response = 1 AND r.id > q.id)
   AND NOT EXISTS (SELECT 1 FROM dns_messages e WHERE e.flow = q.flow AND e.dns_id = q.dns_id AND e.response = 0 AND e.id < q.id)
 ORDER BY q.id, j.key;
