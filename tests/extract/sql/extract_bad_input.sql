-- extraction functions on bad input: ids that do not exist give no rows / NULL / 0 frames,
-- bad captures and paths give one clear error naming the file, nothing is left half-written.
.headers on
.bail off
SELECT count(*) FROM xtractr_stream('http_get_simple__zeek.pcap', 999999);
SELECT count(*) FROM xtractr_stream('http_get_simple__zeek.pcap', NULL);
SELECT count(*) FROM xtractr_stream('http_get_simple__zeek.pcap', 'x');
SELECT count(*) FROM xtractr_stream('http_get_simple__zeek.pcap');
SELECT count(*) FROM xtractr_stream('missing.pcap', 1);
SELECT count(*) FROM xtractr_stream('ATTRIBUTION.md', 1);
SELECT count(*) FROM xtractr_stream('empty__zeek.pcap', 1);
SELECT count(*) FROM xtractr_stream('icmp_5pings__zeek.pcap', 1);
SELECT xtractr_dissect('http_get_simple__zeek.pcap', 0) IS NULL;
SELECT xtractr_dissect('http_get_simple__zeek.pcap', 999999) IS NULL;
SELECT xtractr_dissect('http_get_simple__zeek.pcap', NULL) IS NULL;
SELECT xtractr_dissect('missing.pcap', 1);
SELECT count(*) FROM xtractr_objects('missing.pcap');
SELECT count(*) FROM xtractr_objects('icmp_5pings__zeek.pcap');
SELECT count(*) FROM xtractr_credentials('CORRUPT_damaged_fuzz__suricata.pcap');
SELECT xtractr_write_pcap('none.pcap', 'http_get_simple__zeek.pcap', id) FROM packets('http_get_simple__zeek.pcap') WHERE id > 999;
SELECT xtractr_write_pcap('bad-ids.pcap', 'http_get_simple__zeek.pcap', 999999);
SELECT xtractr_write_pcap('x.pcap', 'missing.pcap', 1);
SELECT xtractr_write_pcap('/nonexistent/dir/x.pcap', 'http_get_simple__zeek.pcap', 1);
SELECT xtractr_write_pcap('notes.txt', 'http_get_simple__zeek.pcap', 1);
SELECT xtractr_write_pcap(NULL, 'http_get_simple__zeek.pcap', 1);
SELECT xtractr_write_pcap('a.pcap', 'http_get_simple__zeek.pcap', 1, 'please');
SELECT xtractr_write_pcap('one.pcapng', 'http_get_simple__zeek.pcap', 1);
SELECT xtractr_write_pcap('one.pcapng', 'http_get_simple__zeek.pcap', 2);
SELECT xtractr_write_pcap('one.pcapng', 'http_get_simple__zeek.pcap', id, 'overwrite') FROM packets('http_get_simple__zeek.pcap');
SELECT xtractr_write_pcap('mixed.pcap', 'pcapng_11_interfaces__pcpp.pcapng', id) FROM packets('pcapng_11_interfaces__pcpp.pcapng');
SELECT xtractr_write_flows('flows.pcap', 'http_get_simple__zeek.pcap', 999);
-- every argument is its own row's: a NULL or unknown id among good ones, a path or option that
-- changes between rows are errors, and nothing is written; rows of two captures make one file
SELECT xtractr_write_pcap('some-unknown.pcap', 'icmp_5pings__zeek.pcap', id) FROM (SELECT 1 AS id UNION ALL SELECT 2 UNION ALL SELECT 999);
SELECT xtractr_write_pcap('null-id.pcap', 'icmp_5pings__zeek.pcap', id) FROM (SELECT 1 AS id UNION ALL SELECT NULL);
SELECT xtractr_write_flows('null-flow.pcap', 'icmp_5pings__zeek.pcap', NULL);
SELECT xtractr_write_pcap('text-id.pcap', 'icmp_5pings__zeek.pcap', 'first');
SELECT xtractr_write_pcap(p, 'icmp_5pings__zeek.pcap', 1) FROM (SELECT 'path1.pcap' AS p UNION ALL SELECT 'path2.pcap');
SELECT xtractr_write_pcap('option.pcap', 'icmp_5pings__zeek.pcap', 1, o) FROM (SELECT NULL AS o UNION ALL SELECT 'overwrite');
SELECT xtractr_write_pcap('null-capture.pcap', c, 1) FROM (SELECT 'icmp_5pings__zeek.pcap' AS c UNION ALL SELECT NULL);
SELECT xtractr_write_pcap('two.pcapng', c, id) FROM (SELECT 'icmp_5pings__zeek.pcap' AS c, 1 AS id UNION ALL SELECT 'http_get_simple__zeek.pcap', 2);
SELECT id, title FROM packets('two.pcapng');
SELECT xtractr_write_flows('per-' || c || '.pcapng', c, id) AS frames FROM (SELECT 'icmp_5pings__zeek.pcap' AS c UNION ALL SELECT 'http_get_simple__zeek.pcap'), flows(c) GROUP BY c ORDER BY c;
CREATE VIEW carve AS SELECT xtractr_write_pcap('view.pcap', 'http_get_simple__zeek.pcap', 1);
SELECT * FROM carve;
CREATE TABLE t(x);
CREATE TRIGGER carve_on_insert AFTER INSERT ON t BEGIN SELECT xtractr_write_flows('trigger.pcap', 'http_get_simple__zeek.pcap', 1); END;
INSERT INTO t VALUES (1);
.shell for f in none.pcap bad-ids.pcap x.pcap notes.txt a.pcap one.pcapng mixed.pcap flows.pcap some-unknown.pcap null-id.pcap null-flow.pcap text-id.pcap path1.pcap path2.pcap option.pcap null-capture.pcap two.pcapng view.pcap trigger.pcap; do [ -e $f ] && echo "$f: written" || echo "$f: absent"; done
.shell ls | grep -c -- '-tmp\|\.tmp-' || true
