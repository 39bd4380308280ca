-- empty captures: a valid pcap or pcapng that holds a file header and no packets reads as 0
-- frames, as tshark reads it (issue 13): no rows from packets, flows, the catalogs and the
-- reports, xtractr_index() says 0 frames with a warning, and a collection that holds one
-- still works. A 0-byte file stays an error. The empty captures are made here by the real
-- tools (tshark, editcap, mergecap) from captures of tests/data; tshark's count is printed
-- beside ours.
.headers on
.bail off
.shell export WIRESHARK_CONFIG_DIR=/nonexistent; tshark -n -r pcapng_multi_interface__zeek.pcapng -Y 'frame.number==0' -w tshark_empty.pcapng 2>/dev/null
.shell export WIRESHARK_CONFIG_DIR=/nonexistent; tshark -n -r http_get_simple__zeek.pcap -Y 'frame.number==0' -F pcap -w tshark_empty.pcap 2>/dev/null
.shell editcap -F pcap -r icmp_5pings__zeek.pcap editcap_empty.pcap 0 && editcap -F pcapng -r icmp_5pings__zeek.pcap editcap_empty.pcapng 0
.shell mergecap -w mergecap_empty.pcapng tshark_empty.pcapng && : > zero_bytes.pcap
.shell for f in empty__zeek.pcap tshark_empty.pcap tshark_empty.pcapng editcap_empty.pcap editcap_empty.pcapng mergecap_empty.pcapng; do echo "tshark frames in $f: $(WIRESHARK_CONFIG_DIR=/nonexistent tshark -n -r $f 2>/dev/null | wc -l) ($(capinfos -t $f 2>/dev/null | sed -n 's/^File type: *//p'))"; done
CREATE TEMP TABLE empty(file TEXT);
INSERT INTO empty VALUES ('empty__zeek.pcap'), ('tshark_empty.pcap'), ('tshark_empty.pcapng'),
                         ('editcap_empty.pcap'), ('editcap_empty.pcapng'), ('mergecap_empty.pcapng');
SELECT file,
       (SELECT count(*) FROM packets(file)) AS packets,
       (SELECT count(*) FROM flows(file)) AS flows,
       (SELECT count(*) FROM packets(file, 'ip.src:10.0.0.0/8 OR udp')) AS "query rows",
       (SELECT count(*) FROM xtractr_fields(file)) AS fields,
       (SELECT count(*) FROM xtractr_terms(file, 'ip.src')) AS terms,
       (SELECT count(*) FROM xtractr_report(file, '* > count(''ip.src'')')) AS report,
       (SELECT count(*) FROM xtractr_objects(file)) AS objects
  FROM empty;
SELECT file, json_extract(x, '$.frames') AS frames, json_extract(x, '$.flows') AS flows,
       json_extract(x, '$.files[0].first_time') IS NULL AS "no first time",
       json_extract(x, '$.files[0].format') AS format, json_extract(x, '$.files[0].warnings') AS warnings
  FROM (SELECT file, xtractr_index(file) AS x FROM empty);
-- a folder where one capture is empty: the others' rows, reports and totals
.shell mkdir -p folder && cp tshark_empty.pcapng icmp_5pings__zeek.pcap folder/
SELECT count(*) = (SELECT count(*) FROM packets('icmp_5pings__zeek.pcap')) AS "folder rows = the non-empty capture's",
       count(DISTINCT pcap) AS files FROM packets('folder');
SELECT count(*) = (SELECT count(*) FROM flows('icmp_5pings__zeek.pcap')) AS "folder flows" FROM flows('folder');
SELECT (SELECT group_concat(key || '=' || value) FROM xtractr_report('folder', '* > count(''ip.src'')'))
     = (SELECT group_concat(key || '=' || value) FROM xtractr_report('icmp_5pings__zeek.pcap', '* > count(''ip.src'')')) AS "same report";
SELECT json_array_length(x, '$.files') AS files, json_extract(x, '$.frames') AS frames,
       replace(json_extract(x, '$.warnings[0]'), rtrim(json_extract(x, '$.warnings[0]'), replace(json_extract(x, '$.warnings[0]'), '/', '')), '') AS warning
  FROM (SELECT xtractr_index('folder') AS x);
.shell echo "tshark frames in folder/: $(for f in folder/*.pcap*; do WIRESHARK_CONFIG_DIR=/nonexistent tshark -n -r $f 2>/dev/null; done | wc -l)"
-- a saved report over the folder
.shell cp "$TEST_DIR/../../sql/top_talkers.sql" .
.parameter set @capture folder
.read top_talkers.sql
-- a 0-byte file is not a capture
SELECT count(*) FROM packets('zero_bytes.pcap');
SELECT xtractr_index('zero_bytes.pcap');
