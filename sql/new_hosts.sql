-- new_hosts.sql — hunt: IP hosts that first appear in the second half of the capture (by time):
-- machines that joined, scanned or were contacted late, against the ones seen from the start.
--
-- Usage:
--   sqlite3 -header -cmd '.load ./build/xtractr' -cmd ".parameter set @capture day1.pcapng" < sql/new_hosts.sql
--   SELECT result FROM xtractr_nugget('new_hosts', 'day1.pcapng');
--
-- How it works: every address of the packets' src and dst columns (IP addresses where the
-- frame has IP), its first frame and time; hosts whose first time is past the midpoint of the
-- capture's first and last packet times, in order of appearance.
WITH frames AS MATERIALIZED (SELECT id, time, src, dst FROM packets(@capture) WHERE proto IS NOT NULL),
  span AS (SELECT min(time) AS first, max(time) AS last FROM frames),
  seen AS (SELECT address, min(id) AS frame, min(time) AS time
             FROM (SELECT src AS address, id, time FROM frames UNION ALL SELECT dst, id, time FROM frames)
            GROUP BY address)
SELECT address AS host, frame AS first_frame, datetime(seen.time, 'unixepoch') AS first_seen,
       round(seen.time - span.first, 3) AS seconds_in
  FROM seen, span
 WHERE seen.time > (span.first + span.last) / 2
 ORDER BY frame, address;
