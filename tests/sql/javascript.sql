-- javascript: the JavaScript functions and tables from whichever host runs this file — the
-- sqlite3 shell, and Node through better-sqlite3 ("node sql:javascript"), where V8
-- (xtractr-v8.so, opened on the first JavaScript call, udf/js_module.h) must not clash with
-- the running Node. Each answer is printed beside the same question asked in plain SQL.
.headers on
SELECT json_extract(xtractr_version(), '$.v8') GLOB '[0-9]*.[0-9]*' AS "V8 version known";
-- mapreduce(): packets per service
SELECT (SELECT group_concat(key || '=' || value, ' ')
          FROM (SELECT key, value FROM json_each((SELECT mapreduce(doc, 'function (p) { emit(p.service, 1); }', '_sum')
                                                    FROM packets('http_get_simple__zeek.pcap')))
                 ORDER BY key)) AS mapreduce,
       (SELECT group_concat(service || '=' || n, ' ')
          FROM (SELECT service, count(*) AS n FROM packets('http_get_simple__zeek.pcap') GROUP BY service ORDER BY service))
         AS "GROUP BY";
-- xtractr_report(): frames per ip.src
SELECT (SELECT group_concat(key || '=' || value, ' ')
          FROM (SELECT key, value FROM xtractr_report('http_get_simple__zeek.pcap', 'count(''ip.src'')') ORDER BY key))
         AS xtractr_report,
       (SELECT group_concat(k || '=' || n, ' ')
          FROM (SELECT field(doc, 'ip.src') AS k, count(*) AS n FROM packets('http_get_simple__zeek.pcap')
                 WHERE k IS NOT NULL GROUP BY k ORDER BY k)) AS "GROUP BY";
-- xtractr_mapreduce(): bytes per service
SELECT (SELECT group_concat(key || '=' || value, ' ')
          FROM (SELECT key, value FROM xtractr_mapreduce('dns_edns_opts__tcpdump.pcap', '',
                                                         'function (p) { emit(p.service, p.length); }', '_sum')
                 ORDER BY key)) AS xtractr_mapreduce,
       (SELECT group_concat(service || '=' || b, ' ')
          FROM (SELECT service, sum(length) AS b FROM packets('dns_edns_opts__tcpdump.pcap') GROUP BY service
                 ORDER BY service)) AS "GROUP BY";
-- a report over flows: bytes per HTTP client
SELECT (SELECT group_concat(key || '=' || value, ' ')
          FROM (SELECT key, value FROM xtractr_report('http_get_simple__zeek.pcap',
                                                      'flow.service:HTTP > sum(''flow.src'', ''flow.bytes'')')
                 ORDER BY key)) AS xtractr_report,
       (SELECT group_concat(src || '=' || b, ' ')
          FROM (SELECT src, sum(bytes) AS b FROM flows('http_get_simple__zeek.pcap') WHERE service = 'HTTP' GROUP BY src
                 ORDER BY src)) AS "GROUP BY";
-- js_create_function(): values cross both ways with their types
SELECT js_create_function('half', 'function (x) { return x / 2; }') AS created;
SELECT half(3) AS "half(3)", typeof(half(3)) AS type, half(4) AS "half(4)", typeof(half(4)) AS type,
       typeof(half('x')) AS "NaN is";
SELECT sum(half(length)) AS "sum(half(length))", sum(length) / 2.0 AS "sum(length) / 2.0"
  FROM packets('http_get_simple__zeek.pcap');
-- js_create_aggregate()
SELECT js_create_aggregate('js_total', 'function (s, x) { return (s || 0) + x; }', 'function (s) { return s; }') AS created;
SELECT js_total(length) AS "JavaScript total", sum(length) AS "SQL sum" FROM packets('http_get_simple__zeek.pcap');
-- js_config()
SELECT js_config('timeout_ms') AS "default timeout_ms", js_config('timeout_ms', 2000) AS "set", js_config('timeout_ms') AS "read back";
-- errors are SQL errors, and the connection keeps working
.bail off
SELECT js_create_function('broken', 'function (x) { return x +; }');
SELECT js_create_function('thrower', 'function () { throw new Error("no luck"); }');
SELECT thrower();
SELECT half(10) AS "still works";
