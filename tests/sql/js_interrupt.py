"""js_interrupt.py — sqlite3_interrupt() (Python's Connection.interrupt(), from another thread)
stops JavaScript that is running, with SQLITE_INTERRUPT, well before the time limit; the
connection works afterwards.

Usage (from tests/sql/js_time_budget.sql): /usr/bin/python3 $TEST_DIR/js_interrupt.py
Prints, for each kind of JavaScript, what the interrupted statement raised.

The interrupting thread calls interrupt() every 0.2 s until the statement returns (an
interrupt before the statement starts is lost), and the time limit is a minute, so a statement
that only the time limit stopped says so ("time limit") instead of "interrupted".
"""
import os
import sqlite3
import threading

connection = sqlite3.connect(":memory:", check_same_thread=False)
connection.enable_load_extension(True)
connection.load_extension(os.environ["XTRACTR_EXT"])
connection.execute("SELECT js_config('timeout_ms', 60000)")
connection.execute("SELECT js_create_function('spin', 'function () { for (;;); }')")

CAPTURE = "icmp_5pings__zeek.pcap"
CASES = [
    ("a scalar function", "SELECT spin()", ()),
    ("mapreduce()", "SELECT mapreduce(doc, 'function () { for (;;); }') FROM packets(?)", (CAPTURE,)),
    ("xtractr_mapreduce()", "SELECT * FROM xtractr_mapreduce(?, '', 'function () { for (;;); }')", (CAPTURE,)),
    ("a user aggregate", "SELECT spun(1)", ()),
]
connection.execute("SELECT js_create_aggregate('spun', 'function () { for (;;); }', 'function (s) { return s; }')")
connection.execute("SELECT count(*) FROM packets(?)", (CAPTURE,)).fetchall()  # indexed before

for name, sql, args in CASES:
    done = threading.Event()

    def interrupt_until_done():
        while not done.wait(0.2):
            connection.interrupt()

    thread = threading.Thread(target=interrupt_until_done)
    thread.start()
    try:
        connection.execute(sql, args).fetchall()
        outcome = "NOT stopped"
    except sqlite3.Error as error:
        outcome = "%s (%s): %s" % (type(error).__name__, getattr(error, "sqlite_errorname", "?"), error)
    done.set()
    thread.join()
    print("%s: %s" % (name, outcome))
    print("  the connection afterwards: %s" % connection.execute("SELECT mapreduce(1, 'function (d) { emit(d, 1); }', '_count')").fetchone()[0])
