-- dhcp_rogue_servers.sql — hunt: more than one DHCP server answering (OFFER or ACK) — a rogue
-- or misconfigured server handing out addresses, gateways and DNS servers.
--
-- Usage:
--   sqlite3 -header -cmd '.load ./build/xtractr' -cmd ".parameter set @capture day1.pcapng" < sql/dhcp_rogue_servers.sql
--   SELECT result FROM xtractr_nugget('dhcp_rogue_servers', 'evidence/');   -- a folder: all its captures
--
-- How it works: the search finds DHCP messages of type OFFER (2) or ACK (5)
-- (dhcp.option.dhcp); each server (the sender's address) with its answers, the addresses it
-- offered and the routers it announced — listed only when there are two servers or more.
WITH answers AS MATERIALIZED (
  SELECT id, src AS server, field(doc, 'dhcp.ip.your') AS offered, field(doc, 'dhcp.option.router') AS router
    FROM packets(@capture, 'dhcp.option.dhcp:(2 || 5)')
   WHERE field(doc, 'dhcp.option.dhcp') IN (2, 5))
SELECT server, count(*) AS answers, count(DISTINCT offered) AS clients, group_concat(DISTINCT router) AS routers,
       min(id) AS first_frame
  FROM answers
 WHERE (SELECT count(DISTINCT server) FROM answers) > 1
 GROUP BY server ORDER BY first_frame;
