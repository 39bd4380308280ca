-- icmp_tunnelling.sql — hunt: ICMP echo (ping) traffic between two hosts whose payloads are
-- larger than pings send, or change size from packet to packet: data carried in pings
-- (ptunnel, icmptunnel, hans, exfiltration) rather than a reachability test.
--
-- Usage:
--   sqlite3 -header -cmd '.load ./build/xtractr' -cmd ".parameter set @capture day1.pcapng" < sql/icmp_tunnelling.sql
--   SELECT result FROM xtractr_nugget('icmp_tunnelling', 'day1.pcapng');
--
-- How it works: the echo requests and replies (ICMP types 8 and 0, ICMPv6 128 and 129) of each
-- flow (one per host pair); a payload is the echo message after its 8-byte header, from the
-- innermost IP header's lengths (ip.len - ip.hdr_len - 8, ipv6.plen - 8). A ping sends one size,
-- 32 bytes (Windows), 56 (Linux, macOS) or 72 (Cisco), and the replies echo it; a host pair is
-- listed when a payload exceeds 100 bytes or its payloads have 3 sizes or more.
WITH echoes AS MATERIALIZED (
    SELECT id, flow, time,
           coalesce(field(docref, 'icmp.type'), field(docref, 'icmpv6.type')) AS type,
           CASE WHEN proto = 1 THEN fields(docref, 'ip.len') ->> '$[#-1]' - fields(docref, 'ip.hdr_len') ->> '$[#-1]' - 8
                ELSE fields(docref, 'ipv6.plen') ->> '$[#-1]' - 8 END AS payload
      FROM packets(@capture, 'icmp.type:8 OR icmp.type:0 OR icmpv6.type:128 OR icmpv6.type:129')
     WHERE proto IN (1, 58)),
  pairs AS (
    SELECT flow, sum(type IN (8, 128)) AS requests, sum(type IN (0, 129)) AS replies, count(DISTINCT payload) AS sizes,
           min(payload) AS smallest, max(payload) AS largest, sum(payload) AS payload_bytes, min(id) AS first_frame,
           min(time) AS first, max(time) AS last
      FROM echoes WHERE type IN (0, 8, 128, 129) GROUP BY flow)
SELECT f.src AS client, f.dst AS server, p.requests, p.replies, p.sizes, p.smallest, p.largest, p.payload_bytes,
       p.first_frame, datetime(p.first, 'unixepoch') AS first_seen, round(p.last - p.first, 3) AS seconds
  FROM pairs p JOIN flows(@capture) f ON f.id = p.flow
 WHERE p.largest > 100 OR p.sizes >= 3
 ORDER BY p.payload_bytes DESC, p.first_frame;
