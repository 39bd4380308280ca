"""indexer_faults.py — the indexing process (xtractr-indexer) from a host's point of view: a
crashed, killed or out-of-memory indexer is a clear error naming the capture, nothing is kept
and the next query rebuilds; the host's own progress handler stops a build; a build never
stalls queries on other captures; several threads on one capture get one build.

Usage (from tests/sql/indexer_faults.sql, in the folder holding big.pcap and big2.pcap):
  /usr/bin/python3 $TEST_DIR/indexer_faults.py big.pcap big2.pcap http_get_simple__zeek.pcap
With XTRACTR_PARTITIONS set (indexer_faults_partitioned.sql) the builds are partitioned: the
crash happens in a worker, and a worker is killed too.
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


def indexers(capture, workers_only=False):
    """This run's indexing processes of `capture` (a partitioned build's workers too; the full
    path: other runs of this test may be going on)."""
    path = os.path.realpath(capture).replace(".", "[.]")
    worker = "--worker [0-9]+ [0-9]+ "
    who = "xtractr-indexer " + (worker if workers_only else "(%s)?" % worker)
    out = subprocess.run(["pgrep", "-f", who + path + " "], capture_output=True, text=True)
    return [int(p) for p in out.stdout.split()]


partitioned = bool(os.environ.get("XTRACTR_PARTITIONS"))


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

def written(capture):
    """Bytes of index.db the build in progress has written."""
    return sum(os.path.getsize(p) for p in glob.glob(capture + ".xtractr.tmp-*/index.db"))


# 2. kill -9 of the indexer, early and late (its index.db growing: it has reported progress).
for moment in ("early", "late"):
    thread, result = in_thread(lambda: outcome(connect(), big))
    wait_for(lambda: indexers(big))
    if moment == "late":
        wait_for(lambda: written(big) > 256 * 1024)
    for pid in indexers(big):
        os.kill(pid, 9)
    thread.join()
    # the frame is named once the indexer has reported progress (the late kill)
    print("kill -9 %s: %s" % (moment, re.sub(r" at frame \d+", "", result["value"])))
    if moment == "late" and not partitioned:  # (a partitioned build names it once the merge has begun)
        print("kill -9: the frame reached is named:", bool(re.search(r" at frame \d+:", result["value"])))
    print("kill -9: temporary directories left: %d, index: %d" % (leftovers(big), len(glob.glob(big + ".xtractr"))))

# 2b. kill -9 of one worker of a partitioned build: the build fails as a whole.
if partitioned:
    thread, result = in_thread(lambda: outcome(connect(), big))
    wait_for(lambda: indexers(big, workers_only=True))
    time.sleep(0.5)
    os.kill(indexers(big, workers_only=True)[0], 9)
    thread.join()
    print("kill -9 of a worker: %s" % re.sub(r" at frame \d+", "", result["value"]))
    print("kill -9 of a worker: temporary directories left: %d, index: %d, indexers running after it: %d" % (
        leftovers(big), len(glob.glob(big + ".xtractr")), 0 if wait_for(lambda: not indexers(big), 10) else 1))

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
# (a partitioned build's workers die with it: asynchronously, so wait for them)
print("progress handler: temporary directories left: %d, index: %d, indexers running: %d" % (
    leftovers(big), len(glob.glob(big + ".xtractr")), 0 if wait_for(lambda: not indexers(big), 10) else 1))

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
