"""help_examples.py — runs the example of every row of xtractr_help, as a user would.

Usage (from tests/sql/help.sql): /usr/bin/python3 $TEST_DIR/help_examples.py EXAMPLES_DIR
The examples name captures of the checkout's examples/ folder (examples/wikipedia_browse.pcap);
they run in a scratch copy of it (indexes and written files land there), from the folder
holding it, so they work as printed from a checkout, each on a new connection (as a user
pasting it would: no example inherits another's settings, e.g. js_config's time limit).
Prints each example's row count; exits 1 when one fails.
"""
import os
import shutil
import sqlite3
import sys
import tempfile

examples = sys.argv[1]
scratch = tempfile.mkdtemp(prefix="xtractr-help-", dir=os.environ.get("WORK"))
shutil.copytree(examples, os.path.join(scratch, "examples"))
os.chdir(scratch)


def connect():
    connection = sqlite3.connect(":memory:")
    connection.enable_load_extension(True)
    connection.load_extension(os.environ["XTRACTR_EXT"])
    return connection


failed = 0
for name, example in connect().execute("SELECT name, example FROM xtractr_help").fetchall():
    try:
        rows = connect().execute(example).fetchall()
        print("example of %s: %d rows" % (name, len(rows)))
    except sqlite3.Error as e:
        failed += 1
        print("example of %s FAILED: %s\n  %s" % (name, e, example))
shutil.rmtree(scratch, ignore_errors=True)
sys.exit(1 if failed else 0)
