-- xtractr_objects on TFTP transfers (issue 11, defect 1): the tftp (and dicom) export-object taps
-- hand over payloads that libwireshark frees itself; freeing them with the entry aborted the host
-- (free(): invalid pointer). The capture, a read and a write request, is written at test time by
-- tests/extract/make_tftp_capture.py; the query runs in a child sqlite3, whose exit status is
-- printed, so a crash fails this test without taking the shell running it down. The same files
-- tshark --export-objects tftp,DIR writes (extract-diff:objects-tftp checks them against tshark).
.shell /usr/bin/python3 "$TEST_DIR/../make_tftp_capture.py" tftp_transfers.pcap
.shell "$SQLITE3" -header -cmd ".load $XTRACTR_EXT" :memory: "SELECT flow, packet, protocol, filename, size, sha256, typeof(note) FROM xtractr_objects('tftp_transfers.pcap')" 2>&1; echo "exit $?"
