#!/usr/bin/python3
"""diff_slices.py — xtractr_write_pcap / xtractr_write_flows round trip against tshark.

Usage: diff_slices.py EXTENSION SCRATCH CAPTURE...

For each capture: every third frame (and, separately, the frames of the biggest flow) is
written by xtractr to .pcapng and to .pcap; tshark writes the same frames itself
(`tshark -r F -Y "frame.number % 3 == 1" -w ref.pcapng`, resp. the flow's frame numbers). Both results, read back by tshark,
must show the same frames: time stamps, lengths, interface, link type, protocols, and the
same bytes (`tshark -x`), each file read once (`-P -x` with those fields as custom columns). The .pcap variant is compared where pcap can hold the link types.
With two or more captures, one call also writes rows of the first two (by path) into one
file, compared with tshark's slices of each merged by `mergecap -a`.
Exit status 1 on any difference."""
import os
import re
import sqlite3
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from xtractr_test import connect, script_args, scratch_copy, scratch_copies, tshark  # noqa: E402

FIELDS = ["frame.number", "frame.time_epoch", "frame.len", "frame.cap_len", "frame.encap_type", "frame.protocols"]
SUMMARY = re.compile(r"^\d+ \d+\.\d+ ", re.M)  # a frame's line (frame.number, then its time); hex lines: "0010  ..."


def describe(path, with_interface):
    """The frames of a capture as tshark shows them, in one pass: FIELDS (and the interface's
    name) as the custom columns of each frame's summary line (-P), then the bytes of every data
    source of the frame (-x)."""
    fields = FIELDS + (["frame.interface_name"] if with_interface else [])
    columns = ",".join('"%d","%%Cus:%s"' % (i, f) for i, f in enumerate(fields))
    return tshark("-r", path, "-P", "-x", "-o", "gui.column.format:" + columns).decode()


def first_difference(got, want):
    """The first line where two descriptions differ: (line number, ours, theirs)."""
    a, b = got.splitlines(), want.splitlines()
    first = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]), min(len(a), len(b)))
    return first, a[first] if first < len(a) else None, b[first] if first < len(b) else None


def main(argv):
    args = script_args(argv)
    db = connect(args.extension)
    failures = checked = 0
    for original, capture in scratch_copies(args.captures, args.scratch):
        base = os.path.join(args.scratch, "slice-" + os.path.basename(capture))
        total = db.execute("SELECT count(*) FROM packets(?)", (capture,)).fetchone()[0]
        # the biggest flow whose frame list still fits on tshark's command line
        row = db.execute("SELECT id FROM flows(?) WHERE packets <= 2000 ORDER BY packets DESC LIMIT 1",
                         (capture,)).fetchone()
        chosen = {"every3": [i for i in range(1, total + 1) if i % 3 == 1]}
        if row:
            biggest = row[0]
            # a flow's frames, a tunnel's being the frames it carries
            chosen["flow"] = [r[0] for r in db.execute("SELECT id FROM packets(?1) WHERE flow = ?2 OR tunnel = ?2",
                                                       (capture, biggest))]
        for name, ids in chosen.items():
            reference = "%s.%s.ref.pcapng" % (base, name)
            for old in (reference,):
                if os.path.exists(old):
                    os.remove(old)
            wanted = "frame.number % 3 == 1" if name == "every3" else "frame.number in {%s}" % ",".join(map(str, ids))
            tshark("-r", capture, "-Y", wanted, "-w", reference)
            want_ng = describe(reference, True)
            for ext in ("pcapng", "pcap"):
                out = "%s.%s.%s" % (base, name, ext)
                if os.path.exists(out):
                    os.remove(out)
                try:
                    if name == "flow":
                        n = db.execute("SELECT xtractr_write_flows(?, ?, ?, 'overwrite')", (out, capture, biggest)).fetchone()[0]
                    else:
                        n = db.execute("SELECT xtractr_write_pcap(?, ?, id, 'overwrite') FROM packets(?) WHERE id % 3 = 1",
                                       (out, capture, capture)).fetchone()[0]
                except sqlite3.OperationalError as e:
                    if ext == "pcap" and "several link types" in str(e) and not os.path.exists(out):
                        continue  # pcap holds one link type; the refusal names the problem
                    raise
                checked += 1
                if n != len(ids):
                    failures += 1
                    print("FAIL %s %s.%s: wrote %d frames, chose %d" % (original, name, ext, n, len(ids)))
                    continue
                got = describe(out, ext == "pcapng")
                want = want_ng if ext == "pcapng" else describe(reference, False)
                if got != want:
                    failures += 1
                    print("FAIL %s %s.%s: frames differ from tshark's slice (first at line %d: %r vs %r)" % (
                        (original, name, ext) + first_difference(got, want)))
    # rows of two captures in one call (each row's id is an id of its own capture): the file
    # holds capture A's chosen frames then B's (by path), as tshark's slices of each, merged
    # in that order by mergecap -a
    copies = sorted(scratch_copy(c, args.scratch) for c in args.captures)
    if len(copies) >= 2:
        a, b = copies[0], copies[1]
        base = os.path.join(args.scratch, "two-captures")
        parts = []
        for capture, remainder in ((a, 1), (b, 2)):
            part = "%s.%d.ref.pcapng" % (base, remainder)
            tshark("-r", capture, "-Y", "frame.number % 3 == " + str(remainder), "-w", part)
            parts.append(part)
        reference = base + ".ref.pcapng"
        subprocess.run(["mergecap", "-a", "-w", reference] + parts, check=True)
        out = base + ".pcapng"
        if os.path.exists(out):
            os.remove(out)
        # B's rows first: the row order must not matter
        n = db.execute("SELECT xtractr_write_pcap(?, c, id) FROM ("
                       " SELECT ? AS c, id FROM packets(?) WHERE id % 3 = 2 UNION ALL"
                       " SELECT ?, id FROM packets(?) WHERE id % 3 = 1)", (out, b, b, a, a)).fetchone()[0]
        checked += 1
        want = describe(reference, False)
        got = describe(out, False) if os.path.exists(out) else ""
        if n != len(SUMMARY.findall(want)) or got != want:
            failures += 1
            print("FAIL two captures %s + %s: wrote %d frames; tshark's merged slices hold %d%s" % (
                os.path.basename(a), os.path.basename(b), n, len(SUMMARY.findall(want)),
                "" if got == want else " and differ"))
    print("diff_slices: %d slices compared, %d differ" % (checked, failures))
    return 1 if failures or not checked else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
