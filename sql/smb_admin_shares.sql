-- smb_admin_shares.sql — hunt: SMB tree connects to administrative shares (names ending in $:
-- C$, ADMIN$, IPC$), the way remote administration, PsExec and lateral movement reach a host.
--
-- Usage:
--   sqlite3 -header -cmd '.load ./build/xtractr' -cmd ".parameter set @capture day1.pcapng" < sql/smb_admin_shares.sql
--   SELECT result FROM xtractr_nugget('smb_admin_shares', 'day1.pcapng');
--
-- How it works: a display filter (answered from the index, exact as tshark's) finds the SMB2
-- Tree Connect requests (smb2.cmd 3) and the SMB1 Tree Connect AndX requests (smb.cmd 0x75);
-- the requests for a share path ending in '$' count, by client, server and share.
SELECT client, server, share, count(DISTINCT frame) AS connects, min(frame) AS first_frame
  FROM (SELECT p.id AS frame, p.src AS client, p.dst AS server, j.value AS share
          FROM packets(@capture, NULL, '(smb2.cmd == 3 && smb2.flags.response == 0) || (smb.cmd == 0x75 && smb.flags.response == 0)') p,
               json_each(coalesce(fields(p.doc, 'smb2.tree'), fields(p.doc, 'smb.path'))) j)
 WHERE share LIKE '%$'
 GROUP BY client, server, share ORDER BY first_frame;
