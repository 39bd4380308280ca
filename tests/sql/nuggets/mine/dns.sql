-- dns.sql — my own DNS: names asked,
-- by count.
--
-- (not part of the description)
SELECT j.value AS name, count(*) AS n
  FROM packets(@capture, 'dns.flags.response:0') p, json_each(fields(p.doc, 'dns.qry.name')) j
 GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 2;
