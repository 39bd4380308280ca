-- dns_tunnelling.sql — hunt: DNS used as a data channel (iodine, dnscat2, dns2tcp, exfiltration
-- by lookups): a client's queries below one domain with long, high-entropy names, many unique
-- names, or NULL/TXT records.
--
-- Usage:
--   sqlite3 -header -cmd '.load ./build/xtractr' -cmd ".parameter set @capture day1.pcapng" < sql/dns_tunnelling.sql
--   SELECT result FROM xtractr_nugget('dns_tunnelling', 'day1.pcapng');
--
-- How it works: every question of every DNS query (mDNS and LLMNR, ports 5353 and 5355, left
-- out), its name lower-cased and split into its domain (the last two labels) and the
-- subdomain before it; per client and domain: the queries, the unique names, the longest name,
-- the highest Shannon entropy (bits per character) of a subdomain, and the NULL (type 10) and TXT
-- (16) queries. Listed when a name is 52 characters or longer with a subdomain entropy of 3.5 or
-- more (encoded data), or 100 unique names or more, or 10 NULL/TXT queries or more. Needs SQLite's
-- math functions (log2; the default since SQLite 3.35).
WITH RECURSIVE
  questions AS MATERIALIZED (
    SELECT p.id, p.time, p.src AS client, lower(n.value) AS name, fields(p.docref, 'dns.qry.type') ->> ('$[' || n.key || ']') AS type
      FROM packets(@capture, 'dns.flags.response:0') p, json_each(fields(p.docref, 'dns.qry.name')) n
     WHERE field(p.docref, 'dns.flags.response') = 0 AND p.dport NOT IN (5353, 5355)),
  -- the domain: what follows the second-to-last dot (rtrim of every character but '.' cuts a label)
  named AS MATERIALIZED (
    SELECT *, substr(name, length(cut) + 1) AS domain, substr(name, 1, max(length(cut) - 1, 0)) AS subdomain
      FROM (SELECT *, rtrim(rtrim(rtrim(name, replace(name, '.', '')), '.'), replace(name, '.', '')) AS cut FROM questions)),
  -- each unique subdomain's characters, one row per position
  chars(subdomain, i, c) AS (
    SELECT subdomain, 1, substr(subdomain, 1, 1) FROM (SELECT DISTINCT subdomain FROM named) WHERE subdomain <> ''
    UNION ALL SELECT subdomain, i + 1, substr(subdomain, i + 1, 1) FROM chars WHERE i < length(subdomain)),
  entropy AS (
    SELECT subdomain, -sum(1.0 * n / total * log2(1.0 * n / total)) AS bits
      FROM (SELECT subdomain, c, count(*) AS n, length(subdomain) AS total FROM chars GROUP BY subdomain, c)
     GROUP BY subdomain),
  domains AS (
    SELECT client, domain, count(*) AS queries, count(DISTINCT name) AS names, max(length(name)) AS longest,
           max(CASE WHEN length(name) >= 52 THEN e.bits END) AS long_name_entropy, max(e.bits) AS max_entropy,
           sum(type IN (10, 16)) AS null_txt, min(id) AS first_frame, min(time) AS first, max(time) AS last,
           (SELECT name FROM named x WHERE x.client = named.client AND x.domain = named.domain ORDER BY length(name) DESC, id LIMIT 1) AS example
      FROM named LEFT JOIN entropy e USING (subdomain)
     GROUP BY client, domain)
SELECT client, domain, queries, names, longest, round(max_entropy, 3) AS max_entropy, null_txt, example, first_frame,
       datetime(first, 'unixepoch') AS first_seen, round(last - first, 3) AS seconds
  FROM domains
 WHERE long_name_entropy >= 3.5 OR names >= 100 OR null_txt >= 10
 ORDER BY queries DESC, client, domain;
