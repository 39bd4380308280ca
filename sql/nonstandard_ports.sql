-- nonstandard_ports.sql — hunt: well-known services on ports other than their usual ones (HTTP
-- on 5000, SSH on 443, DNS on 8053 ...): tunnels, backdoors, shadow IT, C2 blending in.
--
-- Usage:
--   sqlite3 -header -cmd '.load ./build/xtractr' -cmd ".parameter set @capture day1.pcapng" < sql/nonstandard_ports.sql
--   SELECT result FROM xtractr_nugget('nonstandard_ports', 'day1.pcapng');
--
-- How it works: each flow's service (the application protocol libwireshark found in it)
-- against the ports that service is registered on; one row per service and server port not
-- among them, with its flows, clients, servers and bytes.
WITH usual(service, port) AS (VALUES
    ('HTTP', 80), ('HTTP', 8080), ('HTTP', 8000), ('HTTP', 8008), ('HTTP', 8888), ('HTTP', 3128), ('HTTP', 3132),
    ('TLS', 443), ('TLS', 465), ('TLS', 636), ('TLS', 853), ('TLS', 989), ('TLS', 990), ('TLS', 992), ('TLS', 993),
    ('TLS', 994), ('TLS', 995), ('TLS', 8443), ('SSH', 22), ('FTP', 21), ('SMTP', 25), ('SMTP', 587),
    ('POP', 110), ('IMAP', 143), ('DNS', 53), ('TELNET', 23), ('SMB', 445), ('SMB', 139), ('SMB2', 445),
    ('SMB2', 139), ('RDP', 3389))
SELECT f.service, f.dport AS port, count(*) AS flows, count(DISTINCT f.src) AS clients,
       count(DISTINCT f.dst) AS servers, sum(f.bytes) AS bytes, min(f.id) AS first_flow
  FROM flows(@capture) f
 WHERE f.service IN (SELECT service FROM usual) AND f.dport IS NOT NULL
   AND f.dport NOT IN (SELECT port FROM usual u WHERE u.service = f.service)
 GROUP BY f.service, f.dport ORDER BY first_flow;
