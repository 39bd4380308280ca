-- docref_batches: mapreduce() hands rows whose doc is a docref to the map in batches (one call
-- into V8 per 512 rows, udf/js_functions.cc), and a member's first read in a batch reads it for
-- the rest of the batch's docs of that block (udf/doc_object.h). The map must see the same docs
-- and values in the same order as over doc (a map without reduce lists each key's values in the
-- order they came): rows in id order (one cursor stepped along each capture's table), in reverse
-- order (each row sought), docrefs mixed with JSON docs (a JSON doc feeds the batch before it);
-- members read by some docs only (the first read mid-batch), several members of docs whose
-- batch spans two blocks, an array value the map changes (never shared with the next doc); a
-- docref no packets() made, inside a batch, fails only its own doc's reads; and an error the
-- map throws past the first batch is the statement's error.
.headers on
-- the comparisons below run ~20 map/reduce jobs in one statement (one time budget): room for a
-- loaded machine
SELECT js_config('timeout_ms', 600000) AS timeout_ms;
CREATE TEMP VIEW rows AS
  SELECT id, doc, docref FROM packets('[a-z]*.pcap')
  UNION ALL SELECT id, doc, docref FROM packets('http_1000_requests_gzipped__zeek.pcap.gz');
SELECT count(*) > 2048 AS "more than four batches", count(DISTINCT typeof(docref)) AS "docref types" FROM rows;
CREATE TEMP TABLE maps(map TEXT, reduce TEXT);
INSERT INTO maps VALUES
  ('function (d) { emit(d.service, d.id); }', NULL),
  ('function (d) { emit(d[''ip.src''], d.length); }', NULL),
  ('function (d) { d.values(''tcp.port'', function (p) { emit(p, d.id); }); }', '_stats'),
  ('function (d) { if (d.id % 7 === 3) emit(d[''ip.dst''], d[''frame.len'']); }', NULL),
  ('function (d) { emit(d[''ip.src''] + '' > '' + d[''ip.dst''], d[''frame.len''] + d.length); }', NULL),
  ('function (d) { var p = d[''tcp.port'']; if (p && p.push) p.push(0); emit(JSON.stringify(d[''tcp.port'']), 1); }',
   '_sum');
SELECT count(*) AS maps,
       sum((SELECT mapreduce(docref, map, reduce) FROM rows) IS NOT (SELECT mapreduce(doc, map, reduce) FROM rows))
         AS "in order: differs",
       sum((SELECT mapreduce(r, map, reduce) FROM (SELECT docref AS r FROM rows ORDER BY id DESC)) IS NOT
           (SELECT mapreduce(r, map, reduce) FROM (SELECT doc AS r FROM rows ORDER BY id DESC)))
         AS "reverse order: differs",
       sum((SELECT mapreduce(CASE WHEN id % 300 = 0 THEN doc ELSE docref END, map, reduce) FROM rows) IS NOT
           (SELECT mapreduce(doc, map, reduce) FROM rows)) AS "mixed: differs",
       sum((SELECT length(mapreduce(docref, map, reduce)) FROM rows) > 1000) AS "long answers"
  FROM maps;
SELECT mapreduce(CASE WHEN id = 700 THEN x'786472310000000000000000000000000000000000000000' ELSE docref END,
                 'function (d) { try { emit(d[''ip.src''] === undefined ? ''no ip.src'' : ''ip.src'', 1); }
                                 catch (e) { emit(e.message, 1); } }', '_sum') AS "a forged docref among real ones"
  FROM rows;
-- (last: the shell stops at an error)
SELECT mapreduce(docref, '(function () { var n = 0; return function (d) {
         if (++n === 700) throw new Error("stop at the 700th doc"); emit(d.id, 1); }; })()', '_sum')
  FROM rows;
