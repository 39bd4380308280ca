-- tls_settings: TLS decryption (pcapng Decryption Secrets Blocks, a key log beside the capture
-- or set with xtractr_config), Decode As rules and preference overrides (xtractr_config, a
-- <capture>.xtractr-prefs file), the index identity they make (a change rebuilds, a moved key
-- log does not), extraction with them, the defaults restored after them, and their errors.
-- Every count is compared with tshark run here with the same settings (tshark_count.sh).
-- The README's examples of "TLS decryption, Decode As and preferences" are lines of this file.
.headers on
.shell cp tls/tls13_http2__xtractr.pcapng web.pcapng && cp tls/tls12_smtp2525_starttls__xtractr.pcapng mail.pcapng && cp tls/tls13_http2__xtractr.pcapng.keylog sslkeys.log && cp tls/tls12_smtp2525_starttls__xtractr.pcapng.keylog mail.keys

-- a pcapng with its secrets inside needs nothing (as tshark)
.shell sh "$TEST_DIR/tshark_count.sh" dsb.count tls/tls13_http2_dsb__xtractr.pcapng http2
SELECT count(*) FROM packets('tls/tls13_http2_dsb__xtractr.pcapng', NULL, 'http2');
SELECT count(*) = CAST(readfile('dsb.count') AS INT) AS "http2 frames = tshark's (pcapng secrets)" FROM packets('tls/tls13_http2_dsb__xtractr.pcapng', NULL, 'http2');

-- a key log beside the capture (<capture>.keylog) is picked up: decrypted HTTP, its objects
.shell sh "$TEST_DIR/tshark_count.sh" chunked.count tls/tls12_http11_objects__xtractr.pcapng http -o tls.keylog_file:tls/tls12_http11_objects__xtractr.pcapng.keylog
SELECT count(*) = CAST(readfile('chunked.count') AS INT) AS "http frames = tshark's (key log beside)" FROM packets('tls/tls12_http11_objects__xtractr.pcapng', NULL, 'http');
SELECT id, title FROM packets('tls/tls12_http11_objects__xtractr.pcapng', 'http.request.method:GET');
SELECT protocol, filename, size, sha256 FROM xtractr_objects('tls/tls12_http11_objects__xtractr.pcapng');
.shell mkdir -p objects && WIRESHARK_CONFIG_DIR=/nonexistent tshark -n -r tls/tls12_http11_objects__xtractr.pcapng -o tls.keylog_file:tls/tls12_http11_objects__xtractr.pcapng.keylog --export-objects http,objects -q 2>/dev/null; sha256sum objects/* | cut -c1-64
-- the decrypted bytes of a flow (layer 'tls'), byte for byte tshark -z follow,tls,raw (extract-diff:streams-tls compares every flow)
SELECT seq, dir, packet, length(data), CAST(substr(data, 1, instr(data, x'0d0a') - 1) AS TEXT) AS "first line" FROM xtractr_stream('tls/tls12_http11_objects__xtractr.pcapng', 1, 'tls');
.shell WIRESHARK_CONFIG_DIR=/nonexistent tshark -n -r tls/tls12_http11_objects__xtractr.pcapng -o tls.keylog_file:tls/tls12_http11_objects__xtractr.pcapng.keylog -q -z follow,tls,raw,0 2>/dev/null | grep -m1 -E '^[0-9a-f]+$' | tr -dc 0-9a-f > get.hex
SELECT lower(hex(data)) = CAST(readfile('get.hex') AS TEXT) AS "the request's bytes = tshark's" FROM xtractr_stream('tls/tls12_http11_objects__xtractr.pcapng', 1, 'tls') WHERE seq = 1;
SELECT count(*) AS "without a key log: no plaintext" FROM xtractr_stream('web.pcapng', 1, 'tls');
-- the hunt for bad certificates names the session's self-signed one (its CN a UTF8String beyond ASCII), as tshark's x509 fields
SELECT result ->> 'frame' AS frame, result ->> 'subject_cn' AS subject, result ->> 'issuer_cn' AS issuer, result ->> 'self_signed' AS self_signed FROM xtractr_nugget('tls-bad-certificates', 'tls/tls12_http11_objects__xtractr.pcapng');
.shell WIRESHARK_CONFIG_DIR=/nonexistent tshark -n -r tls/tls12_http11_objects__xtractr.pcapng -Y tls.handshake.certificate -T fields -e frame.number -e x509sat.uTF8String 2>/dev/null

-- a key log for every capture of this process: the index is rebuilt with it, then reused
.shell sh "$TEST_DIR/tshark_count.sh" h2-none.count web.pcapng http2
.shell sh "$TEST_DIR/tshark_count.sh" h2-keys.count web.pcapng http2 -o tls.keylog_file:sslkeys.log
SELECT count(*) = CAST(readfile('h2-none.count') AS INT) AS "no key log: http2 frames = tshark's" FROM packets('web.pcapng', NULL, 'http2');
.shell stat -c '%i %Y' web.pcapng.xtractr/index.db > state1
SELECT xtractr_config('tls_keylog', 'sslkeys.log');
SELECT count(*) FROM packets('web.pcapng', NULL, 'http2');
SELECT count(*) = CAST(readfile('h2-keys.count') AS INT) AS "with the key log: http2 frames = tshark's" FROM packets('web.pcapng', NULL, 'http2');
SELECT value, packets FROM xtractr_terms('web.pcapng', 'http2.header.value') WHERE value IN ('GET', '200', 'www.xtractr.test') ORDER BY value;
.shell stat -c '%i %Y' web.pcapng.xtractr/index.db | cmp -s - state1 && echo "key log added: index NOT rebuilt" || echo "key log added: index rebuilt"
.shell stat -c '%i %Y' web.pcapng.xtractr/index.db > state2
.shell "$SQLITE3" -cmd ".load $XTRACTR_EXT" :memory: "SELECT xtractr_config('tls_keylog', 'sslkeys.log') IS NOT NULL; SELECT 'another process, same key log: ' || count(*) FROM packets('web.pcapng', NULL, 'http2')" | tail -1
.shell stat -c '%i %Y' web.pcapng.xtractr/index.db | cmp -s - state2 && echo "same key log: index reused" || echo "same key log: index REBUILT"
-- the key log moves (same content): no rebuild; its content changes: rebuilt
.shell mv sslkeys.log moved.log
SELECT xtractr_config('tls_keylog', 'moved.log');
SELECT count(*) = CAST(readfile('h2-keys.count') AS INT) AS "moved key log: same frames" FROM packets('web.pcapng', NULL, 'http2');
.shell stat -c '%i %Y' web.pcapng.xtractr/index.db | cmp -s - state2 && echo "moved key log: index reused" || echo "moved key log: index REBUILT"
.shell sed -E 's/ [0-9A-Fa-f]{8}([0-9A-Fa-f]*)$/ 00000000\1/' moved.log > wrong.tmp && cat wrong.tmp > moved.log
.shell sh "$TEST_DIR/tshark_count.sh" h2-wrong.count web.pcapng http2 -o tls.keylog_file:moved.log
SELECT count(*) = CAST(readfile('h2-wrong.count') AS INT) AS "changed key log: http2 frames = tshark's" FROM packets('web.pcapng', NULL, 'http2');
.shell stat -c '%i %Y' web.pcapng.xtractr/index.db | cmp -s - state2 && echo "changed key log: index NOT rebuilt" || echo "changed key log: index rebuilt"
SELECT xtractr_config('tls_keylog', NULL) IS NULL AS "key log unset";
SELECT count(*) = CAST(readfile('h2-none.count') AS INT) AS "unset: http2 frames = tshark's" FROM packets('web.pcapng', NULL, 'http2');

-- Decode As (tshark -d) for every capture of this process: SMTP on port 2525
.shell sh "$TEST_DIR/tshark_count.sh" mail-none.count mail.pcapng smtp
.shell sh "$TEST_DIR/tshark_count.sh" mail-d.count mail.pcapng smtp -d tcp.port==2525,smtp
SELECT count(*) = CAST(readfile('mail-none.count') AS INT) AS "default: smtp frames = tshark's" FROM packets('mail.pcapng', NULL, 'smtp');
SELECT xtractr_config('decode_as', 'tcp.port==2525,smtp');
SELECT count(*) FROM packets('mail.pcapng', NULL, 'smtp');
SELECT count(*) = CAST(readfile('mail-d.count') AS INT) AS "decode as: smtp frames = tshark's" FROM packets('mail.pcapng', NULL, 'smtp');
SELECT service, count(*) FROM flows('mail.pcapng') GROUP BY 1;
.shell WIRESHARK_CONFIG_DIR=/nonexistent tshark -n -r mail.pcapng -d tcp.port==2525,smtp -Y frame.number==4 -T fields -e frame.protocols 2>/dev/null
SELECT json_extract(xtractr_dissect('mail.pcapng', 4), '$._source.layers.frame."frame.protocols"') AS "dissected again, with the rule";
-- and back to the defaults: the index and the re-dissection in this process
SELECT xtractr_config('decode_as', NULL) IS NULL AS "decode as unset";
SELECT count(*) = CAST(readfile('mail-none.count') AS INT) AS "unset: smtp frames = tshark's" FROM packets('mail.pcapng', NULL, 'smtp');
SELECT json_extract(xtractr_dissect('mail.pcapng', 4), '$._source.layers.frame."frame.protocols"') AS "dissected again, defaults";

-- a preference (tshark -o)
.shell WIRESHARK_CONFIG_DIR=/nonexistent tshark -n -r mail.pcapng -o tcp.relative_sequence_numbers:FALSE -Y frame.number==4 -T fields -e tcp.seq 2>/dev/null
SELECT xtractr_config('prefs', 'tcp.relative_sequence_numbers:FALSE');
SELECT field(doc, 'tcp.seq') AS "tcp.seq, absolute" FROM packets('mail.pcapng') WHERE id = 4;
SELECT json_extract(xtractr_dissect('mail.pcapng', 4), '$._source.layers.tcp."tcp.seq"') AS "dissected again, absolute";
SELECT xtractr_config('prefs', NULL) IS NULL AS "prefs unset";
SELECT field(doc, 'tcp.seq') AS "tcp.seq, relative" FROM packets('mail.pcapng') WHERE id = 4;
SELECT json_extract(xtractr_dissect('mail.pcapng', 4), '$._source.layers.tcp."tcp.seq"') AS "dissected again, relative";

-- tshark's options in a file beside the capture (<capture>.xtractr-prefs), a key log named there
.shell (echo '# tshark options for mail.pcapng'; echo '-d tcp.port==2525,smtp'; echo '-o tls.keylog_file:mail.keys') > mail.pcapng.xtractr-prefs
.shell sh "$TEST_DIR/tshark_count.sh" mail-file.count mail.pcapng smtp -d tcp.port==2525,smtp -o tls.keylog_file:mail.keys
SELECT count(*) FROM packets('mail.pcapng', NULL, 'smtp');
SELECT count(*) = CAST(readfile('mail-file.count') AS INT) AS "settings file: smtp frames = tshark's" FROM packets('mail.pcapng', NULL, 'smtp');
SELECT id, title FROM packets('mail.pcapng', NULL, 'smtp.req.command == "EHLO"');
SELECT value AS "settings xtractr_index() reports" FROM json_each(xtractr_index('mail.pcapng'), '$.files[0].settings');

-- errors name the setting and the problem
.bail off
SELECT xtractr_config('decode_as', 'tcp.port=2525,smtp');
SELECT xtractr_config('prefs', 'relative_sequence_numbers');
SELECT xtractr_config('tls_keylog', 'missing.log');
SELECT xtractr_config('no_such_setting');
SELECT count(*) FROM xtractr_stream('web.pcapng', 1, 'ssl');
SELECT xtractr_config('decode_as', 'tcp.prot==2525,smtp');
SELECT count(*) FROM packets('tls/tls13_http2__xtractr.pcapng');
SELECT xtractr_config('decode_as', 'tcp.port==2525,no_such_protocol');
SELECT count(*) FROM packets('tls/tls13_http2__xtractr.pcapng');
SELECT xtractr_config('decode_as', NULL) IS NULL;
SELECT xtractr_config('prefs', 'tcp.no_such_preference:1');
SELECT count(*) FROM packets('tls/tls13_http2__xtractr.pcapng');
SELECT xtractr_config('prefs', NULL) IS NULL;
.shell (echo '-d tcp.port==2525,smtp'; echo '--decode-as tcp.port==25,smtp') > mail.pcapng.xtractr-prefs
SELECT count(*) FROM packets('mail.pcapng');
