-- overview_html.sql — one self-contained HTML page about a capture, to open in a browser: its
-- span, services, top talkers, I/O over time (charts), DNS names, HTTP requests, TLS server names.
--
-- Usage (one statement with one parameter, @capture; its one row, one column is the page):
--   sqlite3 -cmd '.load ./build/xtractr' -cmd ".parameter set @capture day1.pcapng" -cmd '.once overview.html' \
--     :memory: '.read sql/overview_html.sql'
--   /usr/bin/python3 -c 'import sqlite3, sys; db = sqlite3.connect(":memory:"); db.enable_load_extension(True)
--     db.load_extension("./build/xtractr"); sql = open("sql/overview_html.sql").read()
--     open("overview.html", "w").write(db.execute(sql, {"capture": sys.argv[1]}).fetchone()[0])' day1.pcapng
--
-- How it works: plain SQL over packets(), flows() and xtractr_terms() (field values from the
-- search index: no doc is read); the charts are xtractr_chart() SVGs (Vega-Lite, rendered
-- inside xtractr), inlined, so the page needs no network and no script. The I/O chart's bucket
-- is the smallest of 1 s, 2 s, 5 s ... 1 day that gives at most 60 bars. Every table is a
-- header and rows as JSON arrays; one query at the end renders them all (escaping every cell),
-- so no value of the capture can inject markup.
WITH
  frames AS (SELECT time, length, src, dst, service FROM packets(@capture)),
  span AS (SELECT count(*) AS n, sum(length) AS bytes, min(time) AS first, max(time) AS last FROM frames),
  nice(s) AS (VALUES (1), (2), (5), (10), (15), (30), (60), (120), (300), (600), (900), (1800), (3600), (7200),
                     (21600), (43200), (86400)),
  bucket AS (SELECT coalesce(min(s), 86400) AS step FROM span, nice WHERE s * 60 >= span.last - span.first),
  services AS (
    SELECT service, count(*) AS flows, sum(packets) AS packets, sum(bytes) AS bytes
      FROM flows(@capture) GROUP BY service ORDER BY bytes DESC, service),
  talkers AS (
    SELECT address, sum(packets) AS packets, sum(sent) AS sent, sum(received) AS received,
           sum(sent) + sum(received) AS bytes
      FROM (SELECT src AS address, count(*) AS packets, sum(length) AS sent, 0 AS received FROM frames GROUP BY src
            UNION ALL
            SELECT dst, count(*), 0, sum(length) FROM frames GROUP BY dst)
     WHERE address IS NOT NULL AND address <> ''
     GROUP BY address ORDER BY bytes DESC, address LIMIT 10),
  io AS (
    SELECT CAST(time / step AS INTEGER) * step AS t, service, sum(length) AS bytes
      FROM frames, bucket GROUP BY 1, 2 ORDER BY 1, 2),
  dns AS (SELECT value AS name, packets FROM xtractr_terms(@capture, 'dns.qry.name') ORDER BY packets DESC, value LIMIT 20),
  http AS (
    SELECT field(doc, 'http.request.method') AS method, field(doc, 'http.host') AS host,
           field(doc, 'http.request.uri') AS uri, count(*) AS requests
      FROM packets(@capture, 'http.request:*') GROUP BY 1, 2, 3 ORDER BY requests DESC, host, uri LIMIT 20),
  tls AS (
    SELECT value AS server_name, packets FROM xtractr_terms(@capture, 'tls.handshake.extensions_server_name')
     ORDER BY packets DESC, value LIMIT 20),
  -- the sections in page order: a chart (SVG) and/or a table (header and rows as JSON arrays)
  sections(ord, title, chart, header, rows) AS (
    SELECT 1, 'Services',
           (SELECT xtractr_chart('bar', json_group_array(json_object('service', service, 'bytes', bytes)),
                                 '{"title": "bytes per service", "width": 480}') FROM services),
           json_array('service', 'flows', 'packets', 'bytes'),
           (SELECT json_group_array(json_array(service, flows, packets, bytes)) FROM services)
    UNION ALL
    SELECT 2, 'Top talkers',
           (SELECT xtractr_chart('stacked', json_group_array(json_object('address', address, 'direction', d, 'bytes', b)),
                                 '{"title": "bytes sent and received", "width": 480}')
              FROM (SELECT address, 'sent' AS d, sent AS b, bytes FROM talkers
                    UNION ALL SELECT address, 'received', received, bytes FROM talkers ORDER BY bytes DESC, address, d DESC)),
           json_array('address', 'packets', 'bytes sent', 'bytes received', 'bytes'),
           (SELECT json_group_array(json_array(address, packets, sent, received, bytes)) FROM talkers)
    UNION ALL
    SELECT 3, 'I/O over time',
           (SELECT xtractr_chart('stacked', json_group_array(json_object('time', t, 'service', service, 'bytes', bytes)),
                                 json_object('title', 'bytes per ' || step || ' s by service', 'step', step, 'width', 720))
              FROM io, bucket),
           NULL, NULL
    UNION ALL
    SELECT 4, 'DNS: names queried', NULL, json_array('name', 'packets'),
           (SELECT json_group_array(json_array(name, packets)) FROM dns)
    UNION ALL
    SELECT 5, 'HTTP: requests', NULL, json_array('method', 'host', 'URI', 'requests'),
           (SELECT json_group_array(json_array(method, host, uri, requests)) FROM http)
    UNION ALL
    SELECT 6, 'TLS: server names (SNI)', NULL, json_array('server name', 'packets'),
           (SELECT json_group_array(json_array(server_name, packets)) FROM tls)),
  -- every text the page shows from the capture (the capture's name, every cell), escaped here only
  texts(ord, r, c, tag, value, numeric) AS (
    SELECT 0, 0, 0, 'title', @capture, 0
    UNION ALL
    SELECT ord, -1, h.key, 'th', h.value, 0 FROM sections, json_each(sections.header) h
    UNION ALL
    SELECT ord, r.key, v.key, 'td', v.atom, v.type IN ('integer', 'real')
      FROM sections, json_each(sections.rows) r, json_each(r.value) v),
  cells(ord, r, c, tag, html) AS (
    SELECT ord, r, c, tag,
           CASE WHEN tag = 'title' THEN '' ELSE '<' || tag || CASE WHEN numeric THEN ' class="n"' ELSE '' END || '>' END ||
           replace(replace(replace(coalesce(value, ''), '&', '&amp;'), '<', '&lt;'), '>', '&gt;') ||
           CASE WHEN tag = 'title' THEN '' ELSE '</' || tag || '>' END
      FROM texts),
  table_rows(ord, r, html) AS (
    SELECT ord, r, '<tr>' || group_concat(html, '') || '</tr>'
      FROM (SELECT * FROM cells WHERE tag <> 'title' ORDER BY ord, r, c) GROUP BY ord, r),
  tables(ord, html) AS (
    SELECT ord, '<table>' || group_concat(html, '') || '</table>' FROM (SELECT * FROM table_rows ORDER BY ord, r) GROUP BY ord),
  title(html) AS (SELECT html FROM cells WHERE tag = 'title'),
  body(html) AS (
    SELECT group_concat('<section><h2>' || title || '</h2>' ||
                        coalesce('<figure>' || chart || '</figure>', '') ||
                        CASE WHEN header IS NULL THEN ''
                             WHEN json_array_length(rows) = 0 THEN '<p class="none">none in this capture</p>'
                             ELSE (SELECT html FROM tables WHERE tables.ord = sections.ord) END ||
                        '</section>', '')
      FROM (SELECT * FROM sections ORDER BY ord) sections)
SELECT '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>xtractr overview: ' || title.html ||
       '</title><style>' ||
       'body{font-family:sans-serif;margin:1.5em;color:#222}h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em}' ||
       'table{border-collapse:collapse;font-size:.9em}th,td{border:1px solid #ccc;padding:2px 8px;text-align:left}' ||
       'td.n{text-align:right}th{background:#f0f0f0}figure{margin:.5em 0}p.none{color:#777}</style></head><body>' ||
       '<h1>xtractr overview: ' || title.html || '</h1>' ||
       '<p id="summary">' || span.n || ' frames, ' || coalesce(span.bytes, 0) || ' bytes, from ' ||
       coalesce(strftime('%Y-%m-%d %H:%M:%S', span.first, 'unixepoch'), '-') || ' to ' ||
       coalesce(strftime('%Y-%m-%d %H:%M:%S', span.last, 'unixepoch'), '-') || ' UTC</p>' ||
       body.html || '</body></html>' AS html
  FROM span, title, body;
