-- field(doc, name) and fields(doc, name): the first value (typed) and every value (a JSON
-- array) of a member of any JSON object doc; NULL when absent and the name is a Wireshark field
-- or a packet/flow column (some doc could have it), an error with suggestions when it is not. Values of real captures are
-- checked against tshark by tests/corpus; here the function contract.
.headers on
.mode quote
SELECT field('{"a":1,"b":"x","c":[3,4],"d":1.5,"e":null,"f":true,"g":{"h":1},"i":[]}', k) AS field,
       typeof(field('{"a":1,"b":"x","c":[3,4],"d":1.5,"e":null,"f":true,"g":{"h":1},"i":[]}', k)) AS type,
       fields('{"a":1,"b":"x","c":[3,4],"d":1.5,"e":null,"f":true,"g":{"h":1},"i":[]}', k) AS fields
  FROM (SELECT 'a' AS k UNION ALL SELECT 'b' UNION ALL SELECT 'c' UNION ALL SELECT 'd' UNION ALL SELECT 'e'
        UNION ALL SELECT 'f' UNION ALL SELECT 'g' UNION ALL SELECT 'i' UNION ALL SELECT 'http.host' UNION ALL SELECT 'title');
-- escapes, unicode, big integers, dotted names, keys that are prefixes of others
SELECT field('{"s":"tab\tq\"uote\\ \u00e9 \ud83d\ude00"}', 's') AS unescaped,
       field('{"n":9223372036854775807,"m":-9223372036854775808}', 'n') AS big, field('{"n":9223372036854775807,"m":-9223372036854775808}', 'm') AS small,
       field('{"ip.src_host":"a","ip.src":"b"}', 'ip.src') AS dotted,
       field('{"x":{"ip.src":"nested"},"ip.src":"top"}', 'ip.src') AS "top level only",
       field('{ "sp" : [ "a" , "b" ] }', 'sp') AS spaces, fields('{ "sp" : [ "a" , "b" ] }', 'sp') AS "fields with spaces";
SELECT field(NULL, 'ip.src'), fields(NULL, 'ip.src'), field('{"ip.src":1}', NULL), field('not json', 'ip.src'), field('[1,2]', 'ip.src'), field('{"ip.src":', 'ip.src'), field('', 'ip.src');
-- fields() is JSON: json_each reads it
SELECT group_concat(value, '+') FROM json_each(fields('{"c":[3,4,5]}', 'c'));
.mode list
-- on real docs: field() is the first of fields(), integers are integers
SELECT count(*) AS "frames where field(doc,'tcp.port') is not the first of fields()"
  FROM packets('http_get_simple__zeek.pcap')
 WHERE field(doc, 'tcp.port') IS NOT json_extract(fields(doc, 'tcp.port'), '$[0]');
SELECT typeof(field(doc, 'tcp.port')), typeof(field(doc, 'ip.src')), typeof(field(doc, 'frame.time_epoch')),
       typeof(field(doc, 'http.host')), typeof(fields(doc, 'tcp.port')), json_array_length(fields(doc, 'tcp.port')),
       field(doc, 'frame.number') = id, field(doc, 'ip.src') = src, field(doc, 'tcp.srcport') = sport
  FROM packets('http_get_simple__zeek.pcap') WHERE id = 4;
SELECT count(*) AS "frames whose doc lacks frame.number" FROM packets('pcapng_11_interfaces__pcpp.pcapng') WHERE field(doc, 'frame.number') IS NULL;
-- flow docs hold the flow's columns
SELECT field(doc, 'packets') = packets, field(doc, 'community_id') = community_id FROM flows('http_get_simple__zeek.pcap');
-- a misspelt name is an error naming the fields it is nearest to (each statement fails on its own)
.bail off
SELECT field(doc, 'http.hots') FROM packets('http_get_simple__zeek.pcap');
SELECT fields(doc, 'tcp.prot') FROM packets('http_get_simple__zeek.pcap');
SELECT field(doc, 'qry.name') FROM packets('http_get_simple__zeek.pcap');
SELECT field(doc, 'comunity_id') FROM flows('http_get_simple__zeek.pcap');
SELECT field(NULL, 'no.such.field.at.all');
SELECT field('{"zz":1}', 'zz') AS "a key the doc has is never an error";
