-- bad input: each gets a clear SQL error naming the file and the problem, or, for a truncated
-- or damaged capture, an index of every readable frame and a warning from xtractr_index().
-- (Frame counts are checked against tshark by tests/corpus.)
.headers on
.bail off
SELECT count(*) FROM packets('missing.pcap');
SELECT count(*) FROM flows('missing/dir/x.pcapng');
SELECT count(*) FROM packets('ATTRIBUTION.md');
.shell : > zero_bytes.pcap
SELECT count(*) FROM packets('zero_bytes.pcap');
-- (a capture without packets is no error: empty_captures.sql)
.shell mkdir -p emptydir nocaps && echo "hello, these are notes, not a capture" > nocaps/notes.txt
SELECT count(*) FROM packets('emptydir');
SELECT count(*) FROM packets('nocaps');
SELECT count(*) FROM packets('nomatch*.pcap');
SELECT count(*) FROM packets('');
SELECT count(*) FROM packets(NULL);
SELECT count(*) FROM packets;
SELECT count(*) FROM flows;
SELECT xtractr_index(NULL);
.shell head -c 100 http_get_simple__zeek.pcap > cut_in_header.pcap && head -c 10 http_get_simple__zeek.pcap > ten_bytes.pcap
SELECT count(*) FROM packets('ten_bytes.pcap');
-- truncated in the middle of a packet: the frames before it, and a warning
SELECT json_extract(x, '$.frames') > 0 AS "indexed frames", json_array_length(x, '$.warnings') AS warnings,
       json_extract(x, '$.files[0].warnings[0]') AS warning
  FROM (SELECT xtractr_index('CORRUPT_truncated_midpacket_dns__dpkt.pcap') AS x);
SELECT count(*) = json_extract(xtractr_index('CORRUPT_truncated_midpacket_dns__dpkt.pcap'), '$.frames') AS "rows = indexed frames" FROM packets('CORRUPT_truncated_midpacket_dns__dpkt.pcap');
-- damaged (an impossible record length): the frames before it, and a warning
SELECT json_extract(x, '$.frames') > 0 AS "indexed frames", json_extract(x, '$.warnings[0]') AS warning
  FROM (SELECT xtractr_index('CORRUPT_damaged_fuzz__suricata.pcap') AS x);
SELECT count(*) > 0 AS "rows" FROM packets('CORRUPT_damaged_fuzz__suricata.pcap');
-- a capture cut inside its first record: no frame can be read
SELECT count(*) FROM packets('cut_in_header.pcap');
-- a capture whose first packet is cut short on the wire (snaplen) is fine: no warning
SELECT json_array_length(xtractr_index('trunc_ip_header__zeek.pcap'), '$.warnings') AS "warnings for a short packet";
-- a damaged zstd-compressed capture whose frame wiretap decompresses to its end while opening
-- it (fuzz_capture: tests/fuzz/corpus/capture/regress-zstd-frame-end): asking wiretap for the
-- compression then aborted the indexer ("assertion not reached"); it reads what tshark reads
.shell /usr/bin/python3 -c "import sys; sys.stdout.buffer.write(bytes.fromhex('28b52ffdd44dc44d002ac3b2a102000400002052525200'))" > zstd_frame_end.pcap.zst
.shell echo "tshark frames in zstd_frame_end.pcap.zst: $(WIRESHARK_CONFIG_DIR=/nonexistent tshark -n -r zstd_frame_end.pcap.zst 2>/dev/null | wc -l)"
SELECT count(*) AS "frames in zstd_frame_end.pcap.zst" FROM packets('zstd_frame_end.pcap.zst');
-- in a collection, files that cannot be read are skipped
.shell mkdir -p mixed && cp ATTRIBUTION.md empty__zeek.pcap ten_bytes.pcap CORRUPT_damaged_fuzz__suricata.pcap icmp_5pings__zeek.pcap mixed/
SELECT count(DISTINCT pcap) AS "readable files in mixed/" FROM packets('mixed');
SELECT json_array_length(xtractr_index('mixed'), '$.warnings') AS "warnings for mixed/";
-- the connection still works after all that
SELECT count(*) > 0 AS "still fine" FROM packets('http_get_simple__zeek.pcap');
