-- IMF objects (issue 13): tshark --export-objects imf writes one file per mail message, named
-- after its Subject; a message without a subject becomes ".eml" — a hidden file, which `ls`
-- and shell globs skip — and later ones "(1).eml", "(2).eml" ... So tshark writes exactly as
-- many files as xtractr_objects lists IMF rows; counting them with plain `ls` misses one
-- (16 for pop3_session, whose 17 messages ORACLE.tsv's export_objects_imf_count also counts
-- as 16). tshark's files are counted here both ways, beside ours.
.headers on
.shell export WIRESHARK_CONFIG_DIR=/nonexistent; for f in pop3_crafted_list_retr__zeek.pcap smtp_invalid_transactions__zeek.pcap; do rm -rf eo; tshark -n -r $f -q --export-objects imf,eo >/dev/null 2>&1; echo "$f: tshark wrote $(ls -A eo | wc -l) files (ls shows $(ls eo | wc -l)), named .eml: $(test -f eo/.eml && echo yes || echo no), named like (1).eml: $(ls eo | grep -c '^(')"; done
SELECT 'pop3_crafted_list_retr__zeek.pcap' AS capture, count(*) AS imf_objects, sum(filename = '.eml') AS without_subject
  FROM xtractr_objects('pop3_crafted_list_retr__zeek.pcap') WHERE protocol = 'IMF';
SELECT 'smtp_invalid_transactions__zeek.pcap' AS capture, count(*) AS imf_objects,
       sum(filename = '.eml') AS without_subject
  FROM xtractr_objects('smtp_invalid_transactions__zeek.pcap') WHERE protocol = 'IMF';
