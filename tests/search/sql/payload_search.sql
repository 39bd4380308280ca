-- payload_search: the optional payload index (xtractr_config('payload_index', 1), index/payload_grams.h):
-- part of the index's identity (turning it on rebuilds the index, whose settings then name it),
-- `frame contains` answered the same with and without it (diff_payload.py checks against tshark),
-- stream:"..." finds a needle across two TCP segments that `frame contains` cannot, and refuses
-- wildcards.
.headers on
SELECT xtractr_config('payload_index') AS off_by_default;
CREATE TABLE without_index AS
  SELECT id FROM packets('smtp_invalid_transactions__zeek.pcap', NULL, 'frame contains "250 "');
SELECT json_extract(xtractr_index('smtp_invalid_transactions__zeek.pcap'), '$.files[0].settings') AS settings;
-- without the payload index, stream: reassembles every TCP/UDP flow: the same answer as below
SELECT id AS without_payload_index
  FROM flows('smtp_invalid_transactions__zeek.pcap', 'stream:"org>' || char(13, 10) || 'DATA"');
SELECT xtractr_config('payload_index', 1) AS payload_index;
SELECT json_extract(xtractr_index('smtp_invalid_transactions__zeek.pcap'), '$.files[0].settings') AS settings;
SELECT (SELECT group_concat(id) FROM packets('smtp_invalid_transactions__zeek.pcap', NULL, 'frame contains "250 "'))
     = (SELECT group_concat(id) FROM without_index) AS same_frames,
       (SELECT count(*) FROM without_index) AS frames;
-- "RCPT TO:<alice@example.org>\r\n" is one segment of the client's, "DATA\r\n" its next: no frame holds
-- both, the client's stream does
SELECT count(*) AS frames_holding_it
  FROM packets('smtp_invalid_transactions__zeek.pcap', NULL, 'frame contains "org>\r\nDATA"');
SELECT count(*) AS frames_holding_a_half
  FROM packets('smtp_invalid_transactions__zeek.pcap', NULL, 'frame contains "org>\r\n"');
SELECT id, service FROM flows('smtp_invalid_transactions__zeek.pcap', 'stream:"org>' || char(13, 10) || 'DATA"');
SELECT count(*) AS absent FROM flows('smtp_invalid_transactions__zeek.pcap', 'stream:"no such bytes in it"');
SELECT count(*) FROM flows('smtp_invalid_transactions__zeek.pcap', 'stream:250*');
