-- xtractr_help: every table and function xtractr registers, with its call, one line and an
-- example — generated from the registration list, so nothing registered is missing from it
-- (checked against a connection without the extension) and every example runs.
.headers on
SELECT name, kind, library, usage FROM xtractr_help;
SELECT count(*) AS "rows without a usage, description or example" FROM xtractr_help
 WHERE usage IS NULL OR description IS NULL OR example IS NULL;
SELECT count(*) AS "names listed twice" FROM (SELECT name FROM xtractr_help GROUP BY name HAVING count(*) > 1);
-- every name listed is registered on this connection ...
SELECT name AS "listed but not registered" FROM xtractr_help
 WHERE name NOT IN (SELECT name FROM pragma_function_list) AND name NOT IN (SELECT name FROM pragma_module_list);
-- ... and everything the extension registers is listed (a connection without it has the rest;
-- the same SQLite: this test does not run in Node, see tests/CMakeLists.txt)
.shell "$SQLITE3" :memory: "SELECT json_group_array(name) FROM (SELECT name FROM pragma_function_list UNION SELECT name FROM pragma_module_list)" > builtin.json
CREATE TEMP TABLE builtin AS SELECT value AS name FROM json_each(readfile('builtin.json'));
SELECT count(*) > 100 AS "built-in names read" FROM temp.builtin;
SELECT count(*) AS "registered but not listed"
  FROM (SELECT name FROM pragma_function_list UNION SELECT name FROM pragma_module_list)
 WHERE name NOT IN (SELECT name FROM temp.builtin) AND name NOT IN (SELECT name FROM xtractr_help);
-- xtractr_config's line names every setting it takes (its error for an unknown one lists them)
.shell sh "$TEST_DIR/config_settings.sh" > settings.txt
CREATE TEMP TABLE settings AS SELECT value AS name FROM json_each('["' || replace(trim(readfile('settings.txt'), char(10)), char(10), '","') || '"]');
SELECT count(*) AS "xtractr_config settings read" FROM temp.settings;
SELECT name AS "a setting xtractr_config's help does not name" FROM temp.settings
 WHERE (SELECT description FROM xtractr_help WHERE name = 'xtractr_config') NOT LIKE '%''' || name || '''%';
-- each example runs as printed, from a checkout (a copy of examples/)
.shell /usr/bin/python3 "$TEST_DIR/help_examples.py" "$TEST_DIR/../../examples"
