-- js_isolation: nothing one statement's JavaScript does to its globals or to the built-in
-- prototypes reaches a later statement on the connection (each statement runs in a fresh V8
-- context, udf/js_engine.h), and js_create_function / js_create_aggregate cannot shadow an SQL
-- function (count, sum, json_extract, xtractr's own ...) unless asked to with 'replace'.
.bail off
.headers on
-- a map that replaces emit(): the next statement's emit() is the driver's again
SELECT mapreduce(1, 'function () { globalThis.emit = function () {}; emit(1, 1); }', '_count') AS "replaced emit";
SELECT mapreduce(1, 'function (d) { emit(d, 1); }', '_count') AS "next statement";
-- Object.prototype.toJSON
SELECT mapreduce(1, 'function () { Object.prototype.toJSON = function () { return "poisoned"; }; emit(1, {a: 1}); }')
  AS "replaced toJSON";
SELECT mapreduce(1, 'function () { emit(1, {a: 1}); }') AS "next statement";
-- Array.prototype.push
SELECT mapreduce(1, 'function () { Array.prototype.push = function () { return 0; }; emit(1, 1); }') AS "replaced push";
SELECT mapreduce(1, 'function (d) { emit(d, 2); }') AS "next statement";
-- a user function's globals live as long as its statement
SELECT js_create_function('counter', 'function () { globalThis.n = (globalThis.n || 0) + 1; return n; }') AS created;
SELECT counter() AS first, counter() AS second FROM (SELECT 1 UNION ALL SELECT 2);
SELECT counter() AS "next statement";
-- a table's JavaScript too
SELECT key, value FROM xtractr_mapreduce('icmp_5pings__zeek.pcap', '',
  'function (p) { String.prototype.toUpperCase = function () { return "poisoned"; }; emit("x", 1); }', '_count');
SELECT mapreduce(1, 'function () { emit("ok".toUpperCase(), 1); }', '_count') AS "next statement";
-- SQL's own functions cannot be shadowed by accident
SELECT js_create_function('count', 'function () { return 42; }');
SELECT js_create_function('JSON_EXTRACT', 'function () { return 42; }');
SELECT js_create_aggregate('sum', 'function (s, x) { return 42; }', 'function (s) { return s; }');
SELECT js_create_function('field', 'function () { return 42; }');
SELECT count(*) AS "count(*)", sum(x) AS "sum(x)", json_extract('{"a":1}', '$.a') AS json_extract
  FROM (SELECT 1 AS x UNION ALL SELECT 2);
-- ... only when asked to
SELECT js_create_function('upper', 'function (s) { return "js:" + s; }', 'replace') AS replaced;
SELECT upper('a') AS "upper('a')";
SELECT js_create_function('lower', 'function (s) { return s; }', 'yes');
-- a JavaScript function of this connection can be given a new source without 'replace'
SELECT js_create_function('counter', 'function () { return -1; }') AS "new source";
SELECT counter() AS counter;
