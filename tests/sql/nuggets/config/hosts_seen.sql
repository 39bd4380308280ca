-- hosts_seen — IPv4 hosts; a test of the parameter's spellings, sections and JSON values
SELECT NULL AS "## sources";
SELECT DISTINCT src FROM packets(:capture) WHERE src LIKE '%.%' ORDER BY 1 LIMIT 2;
SELECT NULL AS "## count";
SELECT count(DISTINCT src) AS hosts, 1.5 AS r, x'00ff' AS b, NULL AS n, 'a "quoted"
line' AS t FROM packets($capture);
