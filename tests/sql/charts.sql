-- xtractr_chart: SQL rows as SVG (line, bar, stacked). Each mark of the SVG carries an aria-label
-- with its row's values ("time: 2011-03-18 19:06:07 UTC; service: HTTP; bytes: 1234"): every row
-- of the SQL answer must be found in the picture, and the picture must have no other marks.
-- Bad kinds, rows and options are errors that say what is wrong.
.headers on
-- README's examples, as printed (on a copy of examples/), and the mark README shows
.shell mkdir -p examples && cp "$TEST_DIR/../../examples/wikipedia_browse.pcap" examples/
CREATE TEMP TABLE readme(c);
INSERT INTO readme
SELECT xtractr_chart('bar', json_group_array(json_object('service', service, 'flows', n))) FROM (SELECT service, count(*) AS n FROM flows('examples/wikipedia_browse.pcap') GROUP BY 1 ORDER BY 2 DESC);
INSERT INTO readme
SELECT xtractr_chart('stacked', json_group_array(json_object('time', t, 'service', service, 'bytes', bytes)), '{"title": "bytes per second"}')
  FROM (SELECT CAST(time AS INTEGER) AS t, service, sum(length) AS bytes FROM packets('examples/wikipedia_browse.pcap') GROUP BY 1, 2);
SELECT count(*) AS charts, sum(c LIKE '<svg %</svg>') AS svgs,
       sum(instr(c, 'aria-label="time: 2011-03-18 19:06:08 UTC; service: HTTP; bytes: 9458"') > 0) AS "README's mark"
  FROM readme;
CREATE TEMP TABLE io AS
  SELECT CAST(time AS INTEGER) AS t, service, sum(length) AS bytes
    FROM packets('http_dns_wikipedia_browse__zeek.pcap') GROUP BY 1, 2;
CREATE TEMP TABLE by_service AS
  SELECT service, count(*) AS flows FROM flows('http_dns_wikipedia_browse__zeek.pcap') GROUP BY 1 ORDER BY 2 DESC, 1;
CREATE TEMP TABLE charts AS
  SELECT 'stacked' AS kind, (SELECT xtractr_chart('stacked', json_group_array(json_object('time', t, 'service', service, 'bytes', bytes)),
                                                  '{"title": "bytes per second"}') FROM io) AS svg
  UNION ALL
  SELECT 'line', (SELECT xtractr_chart('line', json_group_array(json_object('time', t, 'service', service, 'bytes', bytes))) FROM io)
  UNION ALL
  SELECT 'bar', (SELECT xtractr_chart('bar', json_group_array(json_object('service', service, 'flows', flows))) FROM by_service);
-- marks: aria-labels of the chart's rows (axes and legends have other words)
SELECT kind, svg LIKE '<svg %</svg>' AS svg, svg LIKE '%<title>%' OR svg LIKE '%bytes per second%' AS titled,
       (length(svg) - length(replace(svg, 'role="graphics-symbol" aria-roledescription="' ||
                                          CASE kind WHEN 'line' THEN 'point' ELSE 'bar' END || '"', '')))
         / length('role="graphics-symbol" aria-roledescription="' || CASE kind WHEN 'line' THEN 'point' ELSE 'bar' END || '"') AS marks,
       CASE kind WHEN 'bar' THEN (SELECT count(*) FROM by_service) ELSE (SELECT count(*) FROM io) END AS rows,
       CASE kind WHEN 'bar' THEN
         (SELECT count(*) FROM by_service WHERE instr(svg, 'aria-label="service: ' || service || '; flows: ' || flows || '"') = 0)
       ELSE
         (SELECT count(*) FROM io WHERE instr(svg, 'aria-label="time: ' || strftime('%Y-%m-%d %H:%M:%S', t, 'unixepoch') ||
                                                   ' UTC; service: ' || service || '; bytes: ' || bytes || '"') = 0)
       END AS "rows missing from the picture",
       svg LIKE '%role="graphics-symbol" aria-roledescription="legend"%' AS legend
  FROM charts;
-- the time axis is labelled in UTC (the capture is from 2011-03-18 19:06:07 to :13)
SELECT svg LIKE '%>19:06:08<%' AS "a tick at 19:06:08" FROM charts WHERE kind = 'stacked';
-- the libraries live in a context of their own: user JavaScript never sees them
SELECT js_create_function('vega_seen', 'function () { return typeof vega + " " + typeof structuredClone; }');
SELECT vega_seen() AS "user JavaScript sees vega, structuredClone";
-- no rows: an empty chart, not an error
SELECT xtractr_chart('line', '[]') LIKE '<svg %' AS "empty chart";
.bail off
SELECT xtractr_chart('pie', '[{"a": "x", "b": 1}]');
SELECT xtractr_chart('bar', 'not json');
SELECT xtractr_chart('bar', '[{"a": 1}]');
SELECT xtractr_chart('bar', '[{"a": "x", "b": "many"}]');
SELECT xtractr_chart('bar', '[{"time": 0, "s": "a", "b": 1}]');
SELECT xtractr_chart('bar', '[{"a": "x", "b": 1}]', '{"colour": "red"}');
SELECT xtractr_chart('bar', '[{"time": "yesterday", "b": 1}]');
SELECT xtractr_chart(NULL, '[]');
