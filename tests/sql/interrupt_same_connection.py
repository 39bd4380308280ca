"""interrupt_same_connection.py — interrupts an index build from another thread (Python's
Connection.interrupt() is sqlite3_interrupt()), then uses the same connection again.

Usage (from tests/sql/interrupt.sql, in the folder holding big.pcap):
  /usr/bin/python3 $TEST_DIR/interrupt_same_connection.py big.pcap http_get_simple__zeek.pcap
Prints what the interrupted statement raised and the frame count of the second capture.
"""
import glob
import os
import sqlite3
import sys
import threading
import time

big, small = sys.argv[1], sys.argv[2]
connection = sqlite3.connect(":memory:", check_same_thread=False)
connection.enable_load_extension(True)
connection.load_extension(os.environ["XTRACTR_EXT"])


def interrupt_once_building():
    deadline = time.time() + 60
    while not glob.glob(big + ".xtractr.tmp-*") and time.time() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    connection.interrupt()


threading.Thread(target=interrupt_once_building, daemon=True).start()
try:
    connection.execute("SELECT count(*) FROM packets(?)", (big,)).fetchall()
    print("python: the build was NOT interrupted")
except sqlite3.Error as error:
    print("python: %s: %s" % (type(error).__name__, str(error).replace(os.environ["WORK"], "WORK")))
left = glob.glob(big + ".xtractr.tmp-*") + glob.glob(big + ".xtractr")
print("python: index directories left: %d" % len(left))
print("python: same connection afterwards: %d frames in %s" %
      (connection.execute("SELECT count(*) FROM packets(?)", (small,)).fetchone()[0], small))
