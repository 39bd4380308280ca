-- payload_search: the optional payload index (xtractr_config('payload_index', 1), index/payload_grams.h):
-- part of the index's identity (turning it on rebuilds the index, whose settings then name it),
-- `frame contains` answered the same with and without it (diff_payload.py checks against tshark),
-- stream:"..." finds a needle across two TCP segments that `frame contains` cannot, and refuses
-- wildcards; bare words search stream bytes too, in any case, only with the payload index
-- (diff_payload.py checks them against tshark's follow).
.headers on
SELECT xtractr_config('payload_index') AS off_by_default;
-- without the payload index a bare word is the words of string fields only: "Sommer" is in a
-- string field of the HTTP response's last frame, and in the bytes of several of its segments
CREATE TABLE words_without_index AS
  SELECT id FROM packets('http_get_simple__zeek.pcap', 'sommer');
SELECT group_concat(id) AS fields_only FROM words_without_index;
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
-- with it: also the frames whose TCP stream carries the word (any case, a whole word), a superset
SELECT group_concat(id) AS with_stream_bytes FROM packets('http_get_simple__zeek.pcap', 'sommer');
SELECT (SELECT group_concat(id) FROM packets('http_get_simple__zeek.pcap', 'SoMMeR'))
     = (SELECT group_concat(id) FROM packets('http_get_simple__zeek.pcap', 'sommer')) AS any_case,
       (SELECT count(*) FROM words_without_index
         WHERE id NOT IN (SELECT id FROM packets('http_get_simple__zeek.pcap', 'sommer'))) AS lost;
-- stream: compares bytes as written; a bare word inside a longer word is not that word
SELECT count(*) AS stream_lower_case FROM flows('http_get_simple__zeek.pcap', 'stream:"sommer"');
SELECT count(*) AS stream_as_written FROM flows('http_get_simple__zeek.pcap', 'stream:"Sommer"');
SELECT count(*) AS inside_a_word FROM packets('http_get_simple__zeek.pcap', 'ommer');
SELECT id FROM flows('http_get_simple__zeek.pcap', 'sommer');
SELECT count(*) FROM flows('smtp_invalid_transactions__zeek.pcap', 'stream:250*');
