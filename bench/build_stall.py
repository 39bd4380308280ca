"""build_stall.py — does a build stall the host? Latency of queries on an indexed capture while
another capture indexes, in the same process (the way a notebook or a web server uses xtractr).

Usage: /usr/bin/python3 bench/build_stall.py EXTENSION BIG_CAPTURE SMALL_CAPTURE
  (XTRACTR_INDEX_DIR is honoured; BIG_CAPTURE's index is rebuilt)

Prints the median and maximum time of `SELECT count(*) FROM packets(SMALL)` on its own connection
while BIG_CAPTURE's index is built on another thread, and the same with no build running.
Target (issue 9): < 50 ms during a build.
"""
import sqlite3
import statistics
import sys
import threading
import time

extension, big, small = sys.argv[1:4]


def connect():
    c = sqlite3.connect(":memory:", check_same_thread=False)
    c.enable_load_extension(True)
    c.load_extension(extension)
    return c


def latencies(connection, seconds, stop=lambda: False):
    out = []
    deadline = time.time() + seconds
    while time.time() < deadline and not stop():
        started = time.perf_counter()
        connection.execute("SELECT count(*) FROM packets(?)", (small,)).fetchone()
        out.append(time.perf_counter() - started)
        time.sleep(0.05)
    return out


reader = connect()
reader.execute("SELECT count(*) FROM packets(?)", (small,)).fetchone()  # indexed before we measure
idle = latencies(reader, 3)
built = {}
builder = threading.Thread(target=lambda: built.setdefault("json", connect().execute(
    "SELECT xtractr_index(?)", (big,)).fetchone()[0]))
builder.start()
time.sleep(0.5)
busy = latencies(reader, 3600, stop=lambda: not builder.is_alive())
builder.join()
for name, values in (("no build", idle), ("during a build", busy)):
    print("count(*) on %s, %s: %d queries, median %.1f ms, max %.1f ms" % (
        small, name, len(values), 1000 * statistics.median(values), 1000 * max(values)))
