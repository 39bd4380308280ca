#!/usr/bin/python3
"""diff_credentials.py — xtractr_credentials against `tshark -q -z credentials`, same run.

Usage: diff_credentials.py EXTENSION SCRATCH CAPTURE...

Rows (packet, protocol, username, info) must be the same multiset; for FTP rows the password
must be the PASS argument tshark shows in that packet (`-T fields -e ftp.request.arg`).
Exit status 1 on any difference; a run where tshark finds no credentials at all fails too
(the test would prove nothing)."""
import collections
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from xtractr_test import connect, script_args, scratch_copies, tshark  # noqa: E402

ROW = re.compile(r"^(\d+)\s+(\S+)\s+(\S+)\s+(.*?)\s*$")


def tshark_credentials(capture):
    rows = collections.Counter()
    for line in tshark("-r", capture, "-q", "-z", "credentials").decode().split("\n"):
        m = ROW.match(line)
        if m:
            rows[(int(m.group(1)), m.group(2), m.group(3), m.group(4))] += 1
    return rows


def main(argv):
    args = script_args(argv)
    db = connect(args.extension)
    failures = found = 0
    for original, capture in scratch_copies(args.captures, args.scratch):
        want = tshark_credentials(capture)
        found += sum(want.values())
        got = collections.Counter()
        ftp = []
        for packet, protocol, username, password, info in db.execute(
                "SELECT packet, protocol, username, password, info FROM xtractr_credentials(?)", (capture,)):
            got[(packet, protocol, username, info or "")] += 1
            if protocol == "FTP":
                ftp.append((packet, password))
        if got != want:
            failures += 1
            print("FAIL %s: missing %s; extra %s" % (original, sorted(want - got)[:3], sorted(got - want)[:3]))
        for packet, password in ftp:
            arg = tshark("-r", capture, "-Y", "frame.number==%d" % packet, "-T", "fields", "-e", "ftp.request.arg").decode().strip()
            if password != arg:
                failures += 1
                print("FAIL %s packet %d: password %r, tshark's PASS argument %r" % (original, packet, password, arg))
    print("diff_credentials: %d tshark rows, %d differences" % (found, failures))
    return 1 if failures or not found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
