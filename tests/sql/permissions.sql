-- as-nobody
-- permissions: an unreadable capture is a clear error; a capture in a folder we cannot write
-- is indexed in the per-user cache ($XDG_CACHE_HOME/xtractr, here WORK/cache/xtractr).
-- Runs as user nobody when the suite runs as root (root ignores file permissions).
.headers on
.bail off
.shell cp http_get_simple__zeek.pcap secret.pcap && chmod 000 secret.pcap
SELECT count(*) FROM packets('secret.pcap');
SELECT xtractr_index('secret.pcap');
-- a read-only evidence folder
.shell mkdir -p evidence && cp http_get_simple__zeek.pcap icmp_5pings__zeek.pcap evidence/ && chmod 555 evidence
SELECT count(*) = (SELECT count(*) FROM packets('http_get_simple__zeek.pcap')) AS "indexed anyway" FROM packets('evidence/http_get_simple__zeek.pcap');
SELECT replace(json_extract(xtractr_index('evidence/http_get_simple__zeek.pcap'), '$.files[0].index'),
               substr(json_extract(xtractr_index('evidence/http_get_simple__zeek.pcap'), '$.files[0].index'), -24), '<hash>.xtractr') AS "index in the cache";
.shell ls evidence | sed 's/^/evidence holds: /'
.shell ls "$WORK/cache/xtractr" | sed 's/-[0-9a-f]\{16\}\./-<hash>./; s/^/cache holds: /'
SELECT count(DISTINCT pcap) AS "files of the read-only folder" FROM packets('evidence');
-- cache not writable either: a clear error naming the places tried
.shell chmod 555 "$WORK/cache/xtractr" && cp icmpv6__tcpdump.pcap evidence2.pcap 2>/dev/null; mkdir -p ro && cp icmpv6__tcpdump.pcap ro/ && chmod 555 ro
SELECT count(*) FROM packets('ro/icmpv6__tcpdump.pcap');
.shell chmod 755 "$WORK/cache/xtractr" evidence ro
