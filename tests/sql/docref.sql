-- docref: the hidden `docref` column of packets() and flows() (core/doc_ref.h) reads one member
-- of a doc without building the doc. Every answer over docref must be the answer over doc: each
-- check compares the two over every member of every doc of the .pcap files in tests/data (the
-- damaged ones aside; not the .gz one, 4,102 frames, nor the pcapngs, for time) — text,
-- numbers, repeated fields, byte fields sliced from the frame or from reassembled data — and
-- prints whether it compared at least 1,000 (the folder grows) and how many differ (0).
.headers on
-- field() and fields(): every member of every packet doc
SELECT count(*) >= 1000 AS "compared >= 1000",
       sum(field(p.docref, j.key) IS NOT field(p.doc, j.key)) AS "field() differs",
       sum(fields(p.docref, j.key) IS NOT fields(p.doc, j.key)) AS "fields() differs",
       sum(typeof(field(p.docref, j.key)) IS NOT typeof(field(p.doc, j.key))) AS "type differs"
  FROM packets('[a-z]*.pcap') AS p, json_each(p.doc) AS j;
-- the same over flows
SELECT count(*) >= 1000 AS "compared >= 1000",
       sum(field(f.docref, j.key) IS NOT field(f.doc, j.key)) AS "field() differs",
       sum(fields(f.docref, j.key) IS NOT fields(f.doc, j.key)) AS "fields() differs"
  FROM flows('[a-z]*.pcap') AS f, json_each(f.doc) AS j;
-- a member no doc has: NULL
SELECT count(*) AS frames, count(field(docref, 'smb2.cmd')) AS "with smb2.cmd"
  FROM packets('http_get_simple__zeek.pcap');
-- the GROUP BY docref is made for, beside the same over doc
SELECT (SELECT group_concat(k || '=' || n, ' ')
          FROM (SELECT field(docref, 'ip.src') AS k, count(*) AS n FROM packets('http_dns_wikipedia_browse__zeek.pcap')
                 GROUP BY 1 ORDER BY 1)) =
       (SELECT group_concat(k || '=' || n, ' ')
          FROM (SELECT field(doc, 'ip.src') AS k, count(*) AS n FROM packets('http_dns_wikipedia_browse__zeek.pcap')
                 GROUP BY 1 ORDER BY 1)) AS "GROUP BY field(docref) = GROUP BY field(doc)";
-- mapreduce() over docref: maps that read fields, columns, pkt.X names, each value, the
-- presence of a member, the whole doc — the same results as over doc
CREATE TEMP TABLE maps(map TEXT, reduce TEXT);
INSERT INTO maps VALUES
  ('function (d) { emit(d.service, 1); }', '_sum'),
  ('function (d) { emit(d[''ip.src''], d.length); }', '_stats'),
  ('function (d) { emit(d[''pkt.service''], d[''pkt.length'']); }', '_sum'),
  ('function (d) { d.values(''tcp.port'', function (p) { emit(p, 1); }); }', '_count'),
  ('function (d) { emit(''dns.qry.name'' in d, 1); }', '_sum'),
  ('function (d) { emit(Object.keys(d).length, 1); }', '_sum'),
  ('function (d) { emit(JSON.stringify(d.toJSON()).length, 1); }', '_sum'),
  ('function (d) { emit(d[''tcp.payload''], 1); }', '_sum'),
  ('function (d) { emit(d[''http.request.line''], 1); }', NULL);
SELECT count(*) AS maps,
       sum((SELECT mapreduce(docref, map, reduce) FROM packets('[a-z]*.pcap')) IS NOT
           (SELECT mapreduce(doc, map, reduce) FROM packets('[a-z]*.pcap'))) AS "mapreduce() differs",
       sum((SELECT length(mapreduce(docref, map, reduce)) FROM packets('[a-z]*.pcap')) > 2) AS "non-empty"
  FROM maps;
-- docref is NULL to everything else (and does not survive a sorter)
SELECT typeof(docref) AS "typeof(docref)" FROM packets('http_get_simple__zeek.pcap') LIMIT 1;
SELECT count(field(r, 'ip.src')) AS "through a sorter"
  FROM (SELECT docref AS r FROM packets('http_get_simple__zeek.pcap') ORDER BY time DESC LIMIT 3);
-- a blob shaped like a docref that no packets() made is an error, never another row's answer
-- (last: the shell stops at an error)
SELECT field(x'786472310000000000000000000000000000000000000000', 'ip.src');
