-- cleartext_credentials.sql — hunt: user names and passwords sent in clear text (FTP, POP,
-- IMAP, SMTP, HTTP Basic/NTLM, Telnet, ...), as Wireshark's credentials tap finds them.
--
-- Usage:
--   sqlite3 -header -cmd '.load ./build/xtractr' -cmd ".parameter set @capture day1.pcapng" < sql/cleartext_credentials.sql
--   SELECT result FROM xtractr_nugget('cleartext_credentials', 'day1.pcapng');
--
-- How it works: xtractr_credentials() (tshark -z credentials), with each login's client and
-- server from its packet. logins.sql pairs the USER and PASS commands of more protocols.
SELECT c.packet AS frame, c.protocol, p.src AS client, p.dst AS server, c.username, c.password, c.info
  FROM xtractr_credentials(@capture) c LEFT JOIN packets(@capture) p ON p.id = c.packet
 ORDER BY c.packet;
