#!/usr/bin/python3
"""diff_objects.py — xtractr_objects against `tshark --export-objects PROTO,DIR`, same run.

Usage: diff_objects.py EXTENSION SCRATCH CAPTURE...

For each capture and each protocol tshark exports (http, smb, imf, tftp, dicom), the multiset of
(size, sha256) of the objects tshark wrote must equal xtractr's rows of that protocol. FTP-DATA
(which tshark 4.0 cannot export) is checked against the RETR/STOR data connections' bytes from
`tshark -z follow,tcp,raw`: every FTP-DATA row must be one data connection's payload.
HTTP bodies Wireshark could not decompress (which tshark does not export) are rows with a
`note`: there must be one per frame tshark flags `http.decompression_failed`, in that frame,
and its data must be the raw body tshark shows there (`data.data`).
Exit status 1 on any difference.
With --tamper, xtractr's side is spoiled on purpose and the script must fail."""
import collections
import hashlib
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from xtractr_test import connect, script_args, scratch_copies, tshark  # noqa: E402

PROTOCOLS = ("http", "smb", "imf", "tftp", "dicom")


def tshark_objects(capture):
    """{protocol: Counter((size, sha256))}, from one tshark run exporting every protocol."""
    with tempfile.TemporaryDirectory() as out:
        args = ["-r", capture, "-q"]
        for p in PROTOCOLS:
            args += ["--export-objects", "%s,%s" % (p, os.path.join(out, p))]
        tshark(*args)
        result = {}
        for p in PROTOCOLS:
            folder = os.path.join(out, p)
            counter = collections.Counter()
            if os.path.isdir(folder):
                # every file, hidden ones too: a mail without a Subject is written as ".eml"
                for name in os.listdir(folder):
                    data = open(os.path.join(folder, name), "rb").read()
                    counter[(len(data), hashlib.sha256(data).hexdigest())] += 1
            result[p] = counter
        return result


def check_undecoded(original, capture, undecoded):
    """The rows with a decompression note against tshark's http.decompression_failed frames."""
    want = collections.Counter()
    bodies = collections.defaultdict(set)
    out = tshark("-r", capture, "-Y", "http.decompression_failed", "-T", "fields", "-E", "occurrence=a",
                 "-e", "frame.number", "-e", "http.decompression_failed", "-e", "data.data").decode()
    for line in out.splitlines():
        fields = line.split("\t")
        if len(fields) < 3 or not fields[0]:
            continue
        packet = int(fields[0])
        want[packet] += len(fields[1].split(","))
        for hexdata in fields[2].split(","):
            bodies[packet].add(hashlib.sha256(bytes.fromhex(hexdata)).hexdigest())
    have = collections.Counter()
    failures = 0
    for (packet, sha), n in undecoded.items():
        have[packet] += n
        if sha not in bodies[packet]:
            failures += 1
            print("FAIL %s http: undecodable body in frame %d is not tshark's raw body there" % (original, packet))
    if have != want:
        failures += 1
        print("FAIL %s http: tshark flags decompression failures in frames %s, xtractr lists notes in %s" % (
            original, sorted(want.items())[:5], sorted(have.items())[:5]))
    return failures


def main(argv):
    args = script_args(argv, tamper=True)
    db = connect(args.extension)
    failures = compared = 0
    for original, capture in scratch_copies(args.captures, args.scratch):
        want = tshark_objects(capture)
        got = collections.defaultdict(collections.Counter)
        undecoded = collections.Counter()  # (packet, sha256) of the rows tshark cannot export
        for protocol, packet, size, sha, data, note in db.execute(
                "SELECT protocol, packet, size, sha256, data, note FROM xtractr_objects(?)", (capture,)):
            if size != len(data) or sha != hashlib.sha256(data).hexdigest():
                print("FAIL %s: row size/sha256 do not describe its data" % original)
                failures += 1
            if args.tamper and not got:
                sha = sha[::-1]
            if protocol == "HTTP" and note and "could not be decompressed" in note:
                undecoded[(packet, sha)] += 1
            else:
                got[protocol.lower()][(size, sha)] += 1
        failures += check_undecoded(original, capture, undecoded)
        compared += sum(undecoded.values())
        for p in PROTOCOLS:
            compared += sum(want[p].values())
            if got[p] != want[p]:
                failures += 1
                missing = want[p] - got[p]
                extra = got[p] - want[p]
                print("FAIL %s %s: tshark %d objects, xtractr %d; missing %s; extra %s" % (
                    original, p, sum(want[p].values()), sum(got[p].values()),
                    sorted(missing.items())[:3], sorted(extra.items())[:3]))
        if got["ftp-data"]:
            # every FTP-DATA object is the payload of one TCP stream tshark follows
            streams = set()
            nstreams = int(tshark("-r", capture, "-q", "-z", "conv,tcp").decode().count("<->"))
            follow = ["-r", capture, "-q"]
            for s in range(nstreams):
                follow += ["-z", "follow,tcp,raw,%d" % s]
            current = [b"", b""]
            for line in tshark(*follow).decode().split("\n") + ["===="]:
                if line.startswith("===="):
                    for side in current:
                        if side:
                            streams.add((len(side), hashlib.sha256(side).hexdigest()))
                    current = [b"", b""]
                elif line and not line.startswith(("Follow:", "Filter:", "Node ")):
                    current[1 if line.startswith("\t") else 0] += bytes.fromhex(line.strip())
            for key, n in got["ftp-data"].items():
                compared += n
                if key not in streams:
                    failures += 1
                    print("FAIL %s ftp-data: object %s is no TCP stream's payload" % (original, key))
    print("diff_objects: %d objects compared, %d differences" % (compared, failures))
    return 1 if failures or not compared else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
