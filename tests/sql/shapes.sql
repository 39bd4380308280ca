-- shapes: the columns of packets and flows, the types of their values, and the shape of the
-- JSON that doc, xtractr_index() and xtractr_version() return. Values tshark can produce are
-- checked against tshark by tests/corpus; here only names, types and relations.
.headers on
SELECT name, type, hidden FROM pragma_table_xinfo('packets');
SELECT name, type, hidden FROM pragma_table_xinfo('flows');

-- every column of every row has the type its schema says (NULL only where allowed)
SELECT typeof(id), typeof(pcap), typeof(offset), typeof(length), typeof(caplen), typeof(time),
       typeof(flow), typeof(dir), typeof(src), typeof(dst), typeof(sport), typeof(dport),
       typeof(proto), typeof(service), typeof(title), typeof(doc), count(*) > 0 AS "rows"
  FROM packets('http_get_simple__zeek.pcap') GROUP BY 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16;
SELECT typeof(id), typeof(pcap), typeof(src), typeof(dst), typeof(sport), typeof(dport),
       typeof(proto), typeof(service), typeof(title), typeof(packets), typeof(bytes),
       typeof(cmsgs), typeof(smsgs), typeof(first), typeof(last), typeof(time),
       typeof(duration), typeof(community_id), typeof(doc)
  FROM flows('http_get_simple__zeek.pcap') GROUP BY 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19;
-- non-IP frames (sll2__zeek.pcap holds ARP) have no ports and no proto
SELECT count(*) > 0 AS "non-IP rows with NULL proto and ports",
       count(*) = count(CASE WHEN json_extract(doc, '$.ip') IS NULL AND json_extract(doc, '$.ipv6') IS NULL THEN 1 END) AS "all are non-IP"
  FROM packets('sll2__zeek.pcap') WHERE proto IS NULL AND sport IS NULL AND dport IS NULL;

-- ids are frame numbers: 1..n without gaps; pcap is the absolute path
SELECT min(id) = 1 AND max(id) = count(*) AND count(DISTINCT id) = count(*) AS "ids are 1..n",
       min(pcap) = max(pcap) AND min(pcap) LIKE '/%http_get_simple__zeek.pcap' AS "pcap is absolute"
  FROM packets('http_get_simple__zeek.pcap');
-- the doc repeats every column, and holds fields
SELECT count(*) AS "docs disagreeing with their columns"
  FROM packets('http_get_simple__zeek.pcap')
 WHERE json_valid(doc) = 0
    OR json_extract(doc, '$.id') IS NOT id OR json_extract(doc, '$.pcap') IS NOT pcap
    OR json_extract(doc, '$.offset') IS NOT offset OR json_extract(doc, '$.length') IS NOT length
    OR json_extract(doc, '$.caplen') IS NOT caplen OR json_extract(doc, '$.time') IS NOT time
    OR json_extract(doc, '$.flow') IS NOT flow OR json_extract(doc, '$.dir') IS NOT dir
    OR json_extract(doc, '$.src') IS NOT src OR json_extract(doc, '$.dst') IS NOT dst
    OR json_extract(doc, '$.sport') IS NOT sport OR json_extract(doc, '$.dport') IS NOT dport
    OR json_extract(doc, '$.proto') IS NOT proto OR json_extract(doc, '$.service') IS NOT service
    OR json_extract(doc, '$.title') IS NOT title
    OR json_extract(doc, '$."frame.number"') IS NOT id
    OR json_extract(doc, '$."frame.len"') IS NOT length;
SELECT count(*) AS "flow docs disagreeing with their columns"
  FROM flows('http_get_simple__zeek.pcap')
 WHERE json_valid(doc) = 0 OR json_extract(doc, '$.id') IS NOT id OR json_extract(doc, '$.pcap') IS NOT pcap
    OR json_extract(doc, '$.packets') IS NOT packets OR json_extract(doc, '$.bytes') IS NOT bytes
    OR json_extract(doc, '$.first') IS NOT first OR json_extract(doc, '$.last') IS NOT last
    OR json_extract(doc, '$.community_id') IS NOT community_id;
-- flows agree with their packets
SELECT count(*) AS "flows whose packets/bytes/first/last disagree with packets"
  FROM flows('http_get_simple__zeek.pcap') AS f
 WHERE f.packets IS NOT (SELECT count(*) FROM packets('http_get_simple__zeek.pcap') p WHERE p.flow = f.id)
    OR f.bytes IS NOT (SELECT sum(length) FROM packets('http_get_simple__zeek.pcap') p WHERE p.flow = f.id)
    OR f.first IS NOT (SELECT min(id) FROM packets('http_get_simple__zeek.pcap') p WHERE p.flow = f.id)
    OR f.last IS NOT (SELECT max(id) FROM packets('http_get_simple__zeek.pcap') p WHERE p.flow = f.id);
SELECT community_id LIKE '1:%=' AND length(community_id) = 30 AS "community id looks like 1:<base64 sha1>"
  FROM flows('http_get_simple__zeek.pcap');

-- xtractr_index(): one object per file, then totals
SELECT key, type FROM json_each(xtractr_index('http_get_simple__zeek.pcap'));
SELECT key, type FROM json_each(xtractr_index('http_get_simple__zeek.pcap'), '$.files[0]');
SELECT json_extract(x, '$.frames') = (SELECT count(*) FROM packets('http_get_simple__zeek.pcap')) AS "frames",
       json_extract(x, '$.flows') = (SELECT count(*) FROM flows('http_get_simple__zeek.pcap')) AS "flows",
       json_extract(x, '$.bytes') = (SELECT sum(length) FROM packets('http_get_simple__zeek.pcap')) AS "bytes",
       json_extract(x, '$.files[0].first_time') = (SELECT min(time) FROM packets('http_get_simple__zeek.pcap')) AS "first_time",
       json_extract(x, '$.files[0].last_time') = (SELECT max(time) FROM packets('http_get_simple__zeek.pcap')) AS "last_time",
       json_extract(x, '$.files[0].index') LIKE '%/http_get_simple__zeek.pcap.xtractr' AS "index beside the capture",
       json_extract(x, '$.files[0].format'), json_extract(x, '$.files[0].link_types')
  FROM (SELECT xtractr_index('http_get_simple__zeek.pcap') AS x);
SELECT json_extract(xtractr_index('pcapng_zstd_compressed__pcpp.pcapng.zst'), '$.files[0].compression') AS compression,
       json_extract(xtractr_index('http_1000_requests_gzipped__zeek.pcap.gz'), '$.files[0].compression') AS gzip,
       json_extract(xtractr_index('pcapng_11_interfaces__pcpp.pcapng'), '$.files[0].link_types') AS link_types;

-- xtractr_version(): every component named, each a version string
SELECT key, type, value GLOB '[0-9]*.[0-9]*' AS "looks like a version" FROM json_each(xtractr_version());
