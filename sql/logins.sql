-- logins.sql — clear-text logins: FTP, HTTP (Basic), POP, IMAP and SMTP (AUTH) user names
-- and passwords, in the order they were sent.
--
-- Usage:
--   sqlite3 -header -cmd '.load ./build/xtractr' -cmd ".parameter set @capture day1.pcapng" < sql/logins.sql
--   SELECT section, result FROM xtractr_nugget('logins', 'day1.pcapng');
--
-- How it works: the search finds the frames with credential fields Wireshark decodes. FTP and
-- POP send USER and PASS in separate commands: a PASS is paired with the last USER before it
-- in the same flow; SMTP AUTH LOGIN likewise (smtp.auth.username, then .password); IMAP
-- LOGIN and HTTP Basic (http.authbasic = "user:password") carry both at once.

SELECT NULL AS "## logins";
WITH login_messages AS MATERIALIZED (
  SELECT * FROM (
    SELECT id, flow, src, dst,
           upper(field(doc, 'ftp.request.command')) AS ftp_command, field(doc, 'ftp.request.arg') AS ftp_arg,
           upper(field(doc, 'pop.request.command')) AS pop_command, field(doc, 'pop.request.parameter') AS pop_arg,
           field(doc, 'imap.request.username') AS imap_user, field(doc, 'imap.request.password') AS imap_password,
           field(doc, 'smtp.auth.username') AS smtp_user, field(doc, 'smtp.auth.password') AS smtp_password,
           field(doc, 'http.authbasic') AS http_basic
      FROM packets(@capture, 'ftp.request.command:* || pop.request.command:* || imap.request.username:* || smtp.auth.username:* || smtp.auth.password:* || http.authbasic:*'))
   WHERE ftp_command IN ('USER', 'PASS') OR pop_command IN ('USER', 'PASS') OR imap_user IS NOT NULL
      OR smtp_user IS NOT NULL OR smtp_password IS NOT NULL OR http_basic IS NOT NULL)
SELECT protocol, client, server, user, password, frame FROM (
  SELECT 'FTP' AS protocol, p.src AS client, p.dst AS server,
         (SELECT u.ftp_arg FROM login_messages u WHERE u.flow = p.flow AND u.id < p.id AND u.ftp_command = 'USER'
           ORDER BY u.id DESC LIMIT 1) AS user, p.ftp_arg AS password, p.id AS frame
    FROM login_messages p WHERE p.ftp_command = 'PASS'
  UNION ALL
  SELECT 'POP', p.src, p.dst,
         (SELECT u.pop_arg FROM login_messages u WHERE u.flow = p.flow AND u.id < p.id AND u.pop_command = 'USER'
           ORDER BY u.id DESC LIMIT 1), p.pop_arg, p.id
    FROM login_messages p WHERE p.pop_command = 'PASS'
  UNION ALL
  SELECT 'IMAP', src, dst, imap_user, imap_password, id FROM login_messages WHERE imap_user IS NOT NULL
  UNION ALL
  SELECT 'SMTP', p.src, p.dst,
         coalesce(p.smtp_user, (SELECT u.smtp_user FROM login_messages u WHERE u.flow = p.flow AND u.id < p.id
                                  AND u.smtp_user IS NOT NULL ORDER BY u.id DESC LIMIT 1)), p.smtp_password, p.id
    FROM login_messages p WHERE p.smtp_password IS NOT NULL
  UNION ALL
  SELECT 'HTTP', src, dst, substr(http_basic, 1, instr(http_basic, ':') - 1),
         substr(http_basic, instr(http_basic, ':') + 1), id
    FROM login_messages WHERE http_basic IS NOT NULL
) ORDER BY frame;
