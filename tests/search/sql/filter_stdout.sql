-- A display filter never writes to the host's stdout (issue 11, defect 10): libwireshark's
-- filter scanner echoed a backslash ending the text of a quoted string or character (at the end
-- of the filter, or before a newline) into the shell's output. The errors stay libwireshark's;
-- a backslash before a newline inside a string still reads as libwireshark reads it (dropped).
.bail off
.headers on
SELECT count(*) FROM packets('http_get_simple__zeek.pcap', NULL, '"\');
SELECT count(*) FROM packets('http_get_simple__zeek.pcap', NULL, 'r"\');
SELECT count(*) FROM packets('http_get_simple__zeek.pcap', NULL, '''\');
SELECT count(*) FROM packets('http_get_simple__zeek.pcap', NULL, 'frame[1:2] == "\');
SELECT count(*) FROM packets('http_get_simple__zeek.pcap', NULL, 'frame contains ''a''"\');
SELECT count(*) AS "string with backslash-newline" FROM packets('http_get_simple__zeek.pcap', NULL, 'frame contains "\' || char(10) || '" && frame');
SELECT count(*) AS "host bro.org, newline" FROM packets('http_get_simple__zeek.pcap', NULL, 'http.host == "bro.org\' || char(10) || '"');
-- backslashes that are escapes, or outside quotes, are left to libwireshark as they are
SELECT count(*) AS "escaped quote" FROM packets('http_get_simple__zeek.pcap', NULL, 'http.host == "bro\".org" || frame.number == 1');
SELECT count(*) FROM packets('http_get_simple__zeek.pcap', NULL, 'frame \' || char(10));
SELECT count(*) FROM packets('http_get_simple__zeek.pcap', NULL, 'frame["\');
SELECT count(*) AS "still fine" FROM packets('http_get_simple__zeek.pcap', NULL, 'http.host == "bro.org"');
