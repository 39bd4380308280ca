"""indexer_faults.py — the indexing process (xtractr-indexer) from a host's point of view: a
crashed, killed or out-of-memory indexer is a clear error naming the capture, nothing is kept
and the next query rebuilds; the host's own progress handler stops a build; a build never
stalls queries on other captures; several threads on one capture get one build.

Usage (from tests/sql/indexer_faults.sql, in the folder holding big.pcap and big2.pcap):
  /usr/bin/python3 $TEST_DIR/indexer_faults.py big.pcap big2.pcap http_get_simple__zeek.pcap
Prints one line per check, with no timings (ordering only), so the output is stable.
"""
import glob
import re
import os
import sqlite3
import subprocess
import sys
import threading
import time

big, big2, small = sys.argv[1], sys.argv[2], sys.argv[3]
work = os.environ["WORK"]


def connect():
    c = sqlite3.connect(":memory:", check_same_thread=False)
    c.enable_load_extension(True)
    c.load_extension(os.environ["XTRACTR_EXT"])
    return c


def count(connection, capture):
    return connection.execute("SELECT count(*) FROM packets(?)", (capture,)).fetchone()[0]


def outcome(connection, capture):
    try:
        return "%d frames" % count(connection, capture)
    except sqlite3.Error as error:
        return "%s: %s" % (type(error).__name__, str(error).replace(work, "WORK"))


def leftovers(capture):
    return len(glob.glob(capture + ".xtractr.tmp-*"))


def indexers(capture):
    # this run's indexers only (the capture's full path): other runs of this test may be going on
    path = os.path.realpath(capture).replace(".", "[.]")
    out = subprocess.run(["pgrep", "-f", "xtractr-indexer " + path + " "], capture_output=True, text=True)
    return [int(p) for p in out.stdout.split()]


def wait_for(condition, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def in_thread(function):
    result = {}
    thread = threading.Thread(target=lambda: result.setdefault("value", function()))
    thread.start()
    return thread, result


# 1. A dissector crash (the test hook stands in for one) names the capture and the frame.
os.environ["XTRACTR_TEST_CRASH_AT_FRAME"] = "5"
print("crash:", outcome(connect(), small))
# in a collection too: a capture that could not be indexed is an error, not a skipped file
print("crash in a collection:", outcome(connect(), "http_get_simple__zeek.pcap*"))
del os.environ["XTRACTR_TEST_CRASH_AT_FRAME"]
print("crash: temporary directories left: %d; next query: %s" % (leftovers(small), outcome(connect(), small)))

# 2. kill -9 of the indexer, early and late in the build.
for moment in (0.0, 1.5):
    thread, result = in_thread(lambda: outcome(connect(), big))
    wait_for(lambda: indexers(big))
    time.sleep(moment)
    for pid in indexers(big):
        os.kill(pid, 9)
    thread.join()
    # the frame is named once the indexer has reported progress (the late kill)
    print("kill -9 after %.1f s: %s" % (moment, re.sub(r" at frame \d+", "", result["value"])))
    if moment > 0:
        print("kill -9: the frame reached is named:", bool(re.search(r" at frame \d+:", result["value"])))
    print("kill -9: temporary directories left: %d, index: %d" % (leftovers(big), len(glob.glob(big + ".xtractr"))))

# 3. An indexer out of memory (a wrapper limits its address space).
wrapper = os.path.join(work, "small-indexer.sh")
with open(wrapper, "w") as f:
    f.write('#!/bin/sh\nulimit -v 300000\nexec "%s" "$@"\n' % os.environ["XTRACTR_INDEXER_PATH"])
os.chmod(wrapper, 0o755)
os.environ["XTRACTR_INDEXER"] = wrapper
message = outcome(connect(), big)
del os.environ["XTRACTR_INDEXER"]
# where the allocation fails decides the signal (glib aborts, a stack cannot grow): no exact text
print("out of memory: an error naming the capture:",
      message.startswith("OperationalError: xtractr: indexing 'WORK/data/big.pcap' "),
      "| says nothing was kept:", message.endswith("nothing was kept"))
print("out of memory: temporary directories left: %d" % leftovers(big))

# 4. The host's progress handler (how web front ends limit a query's time) stops a build.
connection = connect()
started = time.time()
connection.set_progress_handler(lambda: 1 if time.time() - started > 1.0 else 0, 1000)
print("progress handler:", outcome(connection, big))
connection.set_progress_handler(None, 0)
print("progress handler: temporary directories left: %d, index: %d, indexers running: %d" % (
    leftovers(big), len(glob.glob(big + ".xtractr")), len(indexers(big))))

# 5. While big indexes, queries on an indexed capture answer (and finish first); two captures
#    index at the same time.
reader = connect()
count(reader, small)
builder, built = in_thread(lambda: outcome(connect(), big))
builder2, built2 = in_thread(lambda: outcome(connect(), big2))
wait_for(lambda: indexers(big) and indexers(big2))
both = bool(indexers(big)) and bool(indexers(big2))
answers = [count(reader, small) for _ in range(20)]
still_building = builder.is_alive()
builder.join()
builder2.join()
print("during a build: 20 queries on another capture answered %s while it was still building: %s" % (
    sorted(set(answers)), still_building))
print("two captures indexed at the same time: %s; results: %s / %s" % (both, built["value"], built2["value"]))

# 6. Four threads on one capture (big2's index removed first): one build, every reader the full index.
subprocess.run(["rm", "-rf", big2 + ".xtractr"], check=True)
threads = [in_thread(lambda: outcome(connect(), big2)) for _ in range(4)]
for thread, _ in threads:
    thread.join()
print("four threads:", sorted(set(r["value"] for _, r in threads)), "| temporary directories left: %d" % leftovers(big2))
