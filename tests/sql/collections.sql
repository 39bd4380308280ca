-- collections: a directory or a glob names several files, read as one collection in file
-- name order; ids and flow ids continue from one file to the next; `pcap` tells the file.
.headers on
.shell mkdir -p coll && cp http_get_simple__zeek.pcap dns_edns_opts__tcpdump.pcap icmp_5pings__zeek.pcap pcapng_multi_interface__zeek.pcapng empty__zeek.pcap coll/ && echo "not a capture" > coll/README.txt
-- the readable captures, in name order (README.txt is skipped; the empty capture has no rows)
SELECT replace(pcap, rtrim(pcap, replace(pcap, '/', '')), '') AS file, count(*) > 0 AS "has rows",
       max(id) - min(id) + 1 = count(*) AS "ids contiguous"
  FROM packets('coll') GROUP BY pcap ORDER BY min(id);
-- each file's rows are exactly that file's own rows, shifted by the frames of the files before it
SELECT file,
       n = (SELECT count(*) FROM packets(file)) AS "same count",
       lo = 1 + coalesce((SELECT sum(n2) FROM (SELECT pcap AS p2, count(*) AS n2 FROM packets('coll') GROUP BY pcap) WHERE p2 < file), 0) AS "id continues",
       titles = (SELECT group_concat(title, '|') FROM (SELECT title FROM packets(file) ORDER BY id)) AS "same titles"
  FROM (SELECT pcap AS file, count(*) AS n, min(id) AS lo,
               (SELECT group_concat(title, '|') FROM (SELECT title FROM packets('coll') AS q WHERE q.pcap = p.pcap ORDER BY id)) AS titles
          FROM packets('coll') AS p GROUP BY pcap)
 ORDER BY file;
SELECT min(id) = 1 AND max(id) = count(*) AND count(DISTINCT id) = count(*) AS "collection ids are 1..n" FROM packets('coll');
-- flows: ids continue too, and first/last/flow refer to collection-wide packet ids
SELECT min(id) = 1 AND max(id) = count(*) AS "flow ids are 1..n",
       count(*) = (SELECT count(*) FROM flows('coll/http_get_simple__zeek.pcap')) + (SELECT count(*) FROM flows('coll/dns_edns_opts__tcpdump.pcap'))
                + (SELECT count(*) FROM flows('coll/icmp_5pings__zeek.pcap')) + (SELECT count(*) FROM flows('coll/pcapng_multi_interface__zeek.pcapng')) AS "flow count is the sum"
  FROM flows('coll');
SELECT count(*) AS "flows whose packets disagree"
  FROM flows('coll') AS f
 WHERE f.packets IS NOT (SELECT count(*) FROM packets('coll') p WHERE p.flow = f.id AND p.pcap = f.pcap)
    OR f.first IS NOT (SELECT min(id) FROM packets('coll') p WHERE p.flow = f.id)
    OR f.last IS NOT (SELECT max(id) FROM packets('coll') p WHERE p.flow = f.id);
-- pushdown across files: an id in the third file, and a flow of the second
SELECT (SELECT pcap LIKE '%/icmp_5pings__zeek.pcap' FROM packets('coll') WHERE id = x.lo) AS "id lookup finds the file",
       (SELECT title FROM packets('coll') WHERE id = x.lo) = (SELECT title FROM packets('coll/icmp_5pings__zeek.pcap') WHERE id = 1) AS "and its frame 1"
  FROM (SELECT min(id) AS lo FROM packets('coll') WHERE pcap LIKE '%/icmp_5pings__zeek.pcap') AS x;
SELECT (SELECT group_concat(id) FROM packets('coll') WHERE flow = f.id) = (SELECT group_concat(id) FROM packets('coll') WHERE +flow = f.id) AS "flow lookup"
  FROM (SELECT max(id) AS id FROM flows('coll') WHERE pcap LIKE '%/dns_edns_opts__tcpdump.pcap') AS f;
-- a glob: only what matches
SELECT count(DISTINCT pcap) AS files, count(*) = (SELECT count(*) FROM packets('coll/http_get_simple__zeek.pcap')) + (SELECT count(*) FROM packets('coll/icmp_5pings__zeek.pcap')) + (SELECT count(*) FROM packets('coll/dns_edns_opts__tcpdump.pcap')) AS "rows"
  FROM packets('coll/*.pcap');
SELECT count(DISTINCT pcap) AS files FROM packets('coll/*_zeek.pcap*');
-- xtractr_index() of a directory reports each file and the totals
SELECT json_array_length(x, '$.files') AS files,
       json_extract(x, '$.frames') = (SELECT count(*) FROM packets('coll')) AS "frames total",
       json_extract(x, '$.flows') = (SELECT count(*) FROM flows('coll')) AS "flows total"
  FROM (SELECT xtractr_index('coll') AS x);
-- index directories beside the captures are never read as captures, and no lock file stays
.shell ls coll | sed 's/^/listing: /'
SELECT count(DISTINCT pcap) AS "files after indexing" FROM packets('coll');
-- a search whose rows need only their id (count(*), SELECT id, rowid) reads no row of index.db:
-- the same ids, continued from file to file, as when a column is read
SELECT (SELECT group_concat(id) FROM packets('coll', 'ip:*')) = (SELECT group_concat(id) FROM (SELECT id, src FROM packets('coll', 'ip:*'))) AS "ids alone",
       (SELECT count(*) FROM packets('coll', NULL, 'icmp || dns')) = (SELECT count(src) FROM packets('coll', NULL, 'icmp || dns')) AS "count alone",
       (SELECT group_concat(rowid) FROM packets('coll', 'ip:*') WHERE id > 20) = (SELECT group_concat(id) FROM (SELECT id, src FROM packets('coll', 'ip:*') WHERE id > 20)) AS "rowid alone",
       (SELECT group_concat(id) FROM flows('coll', 'ip:*')) = (SELECT group_concat(id) FROM (SELECT id, src FROM flows('coll', 'ip:*'))) AS "flow ids alone",
       (SELECT count(*) FROM packets('coll', 'ip:*')) AS "ip frames";
