-- Nuggets: xtractr_nuggets lists the built-in ones (sql/*.sql, embedded) and the user's
-- (XTRACTR_NUGGETS folders, then ~/.config/xtractr/nuggets; the first of a name wins);
-- xtractr_nugget(name | path, capture) runs one on this connection. What the built-in ones find
-- is checked against tshark by tests/reports (check_saved_reports.py, check_nuggets.py).
-- env: XTRACTR_NUGGETS=$WORK/mine:$WORK/none
.headers on
.bail off
.shell cp -r "$TEST_DIR/nuggets/mine" "$WORK/mine" && mkdir -p "$WORK/.config/xtractr" && cp -r "$TEST_DIR/nuggets/config" "$WORK/.config/xtractr/nuggets"
SELECT count(*) >= 8 AS "built-in nuggets", count(DISTINCT name) = count(*) AS "one row per name"
  FROM xtractr_nuggets WHERE source LIKE 'built-in sql/%.sql';
SELECT name, description, replace(source, '/', '|') LIKE '%|mine|dns.sql' AS mine FROM xtractr_nuggets
 WHERE name IN ('dns', 'hosts_seen', 'port_scans', 'overview') ORDER BY name;
-- by name ('-' and '_' alike), by path; sections; values as JSON
SELECT section, result FROM xtractr_nugget('hosts-seen', 'http_dns_wikipedia_browse__zeek.pcap');
SELECT section, result FROM xtractr_nugget('dns', 'http_dns_wikipedia_browse__zeek.pcap');
SELECT count(*) AS "rows of a nugget file by path", min(section) FROM xtractr_nugget('./../.config/xtractr/nuggets/hosts_seen.sql', 'http_dns_wikipedia_browse__zeek.pcap');
SELECT result ->> 'scanner' AS scanner, result ->> 'ports' AS ports FROM xtractr_nugget('port_scans', 'http_dns_wikipedia_browse__zeek.pcap');
-- the same rows as the report's own statement, run here
SELECT count(*) AS "overview services rows" FROM xtractr_nugget('overview', 'http_get_simple__zeek.pcap') WHERE section = 'services';
SELECT count(DISTINCT service) FROM flows('http_get_simple__zeek.pcap');
-- errors name the nugget and the capture
SELECT * FROM xtractr_nugget('no_such_nugget', 'http_get_simple__zeek.pcap');
SELECT * FROM xtractr_nugget('scans', 'http_get_simple__zeek.pcap');
SELECT * FROM xtractr_nugget('bad_column', 'http_get_simple__zeek.pcap');
SELECT * FROM xtractr_nugget('two_parameters', 'http_get_simple__zeek.pcap');
SELECT * FROM xtractr_nugget('temp_table', 'http_get_simple__zeek.pcap');
SELECT * FROM xtractr_nugget('syntax_error', 'http_get_simple__zeek.pcap');
SELECT * FROM xtractr_nugget('dns', 'no such capture.pcap');
SELECT * FROM xtractr_nugget('./missing.sql', 'http_get_simple__zeek.pcap');
SELECT * FROM xtractr_nugget('dns');
SELECT count(*) AS "after the errors" FROM xtractr_nugget('port-scans', 'http_get_simple__zeek.pcap');
