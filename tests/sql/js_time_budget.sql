-- js_time_budget: js_config('timeout_ms') limits the JavaScript run time of a whole statement,
-- not of each call (udf/js_engine.h): 14 calls of 0.4 s under a 500 ms limit stop at the
-- second call; and sqlite3_interrupt() (Ctrl-C, Python's Connection.interrupt()) stops running
-- JavaScript with SQLITE_INTERRUPT, in a scalar function, in mapreduce() and in a table.
.bail off
.headers on
SELECT js_config('timeout_ms', 500) AS timeout_ms;
SELECT js_create_function('busy', 'function (ms) { var t = Date.now(); while (Date.now() - t < ms) {} return 1; }')
  AS created;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 14) SELECT sum(busy(400)) AS "14 calls of 0.4 s" FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 14)
SELECT mapreduce(i, 'function (i) { var t = Date.now(); while (Date.now() - t < 400) {} emit(i, 1); }') FROM n;
-- each statement has its own budget: two statements of 0.6 s under a 1 s limit
SELECT js_config('timeout_ms', 1000) AS timeout_ms;
SELECT busy(400) + busy(200) AS "a statement within its budget";
SELECT busy(400) + busy(200) AS "and the next one";
.shell /usr/bin/python3 "$TEST_DIR/js_interrupt.py"
