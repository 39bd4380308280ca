#!/usr/bin/python3
"""diff_dissect.py — xtractr_dissect against `tshark -T json --no-duplicate-keys -Y frame.number==N`.

Usage: diff_dissect.py EXTENSION SCRATCH [--per-capture K] CAPTURE...

Samples K frames of each capture (the first, the last, and evenly spaced frames in between,
preferring frames whose Info shows reassembly or an application layer) and compares the JSON
objects exactly. Differences are listed by JSON path. Exit status 1 on any difference.
With --tamper, xtractr's side is spoiled on purpose and the script must fail."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from xtractr_test import connect, script_args, scratch_copies, tshark  # noqa: E402

os.environ["TZ"] = "UTC"


def paths(a, b, prefix=""):
    """JSON paths where a and b differ."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                out.append(prefix + "/" + k + (" (only tshark)" if k in b else " (only xtractr)"))
            else:
                out += paths(a[k], b[k], prefix + "/" + k)
        return out
    return [] if a == b else ["%s: %r vs %r" % (prefix, a, b)]


def main(argv):
    args = script_args(argv, tamper=True, per_capture=6)
    db = connect(args.extension)
    failures = checked = 0
    for original, capture in scratch_copies(args.captures, args.scratch):
        total = db.execute("SELECT count(*) FROM packets(?)", (capture,)).fetchone()[0]
        app = [r[0] for r in db.execute(
            "SELECT id FROM packets(?) WHERE service NOT IN ('TCP','UDP') OR title LIKE '%reassembled%'", (capture,))]
        sample = {1, total}
        step = max(1, len(app) // max(1, args.per_capture - 2))
        sample.update(app[::step][:args.per_capture - 2])
        for n in sorted(sample):
            want = json.loads(tshark("-r", capture, "-T", "json", "--no-duplicate-keys", "-Y", "frame.number==%d" % n))
            got = db.execute("SELECT xtractr_dissect(?, ?)", (capture, n)).fetchone()[0]
            checked += 1
            if len(want) != 1 or got is None:
                failures += 1
                print("FAIL %s frame %d: tshark %d objects, xtractr %r" % (original, n, len(want), got and got[:40]))
                continue
            mine = json.loads(got)
            if args.tamper:
                mine["_source"]["layers"]["frame"]["frame.len"] = "0"
            diff = paths(mine, want[0])
            if diff:
                failures += 1
                print("FAIL %s frame %d: %d differences, e.g. %s" % (original, n, len(diff), "; ".join(diff[:3])))
    print("diff_dissect: %d frames compared, %d differ" % (checked, failures))
    return 1 if failures or not checked else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
