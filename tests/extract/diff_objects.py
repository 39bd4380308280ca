#!/usr/bin/python3
"""diff_objects.py — xtractr_objects against `tshark --export-objects PROTO,DIR`, same run.

Usage: diff_objects.py EXTENSION SCRATCH CAPTURE...

For each capture and each protocol tshark exports (http, smb, imf, tftp, dicom), the multiset of
(size, sha256) of the objects tshark wrote must equal xtractr's rows of that protocol. FTP-DATA
(which tshark 4.0 cannot export) is checked against the RETR/STOR data connections' bytes from
`tshark -z follow,tcp,raw`: every FTP-DATA row must be one data connection's payload.
Exit status 1 on any difference.
With --tamper, xtractr's side is spoiled on purpose and the script must fail."""
import collections
import hashlib
import os
import sys
import tempfile

from oracle import connect, scratch_copy, tshark

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
                for name in os.listdir(folder):
                    data = open(os.path.join(folder, name), "rb").read()
                    counter[(len(data), hashlib.sha256(data).hexdigest())] += 1
            result[p] = counter
        return result


TAMPER = False


def main(argv):
    global TAMPER
    if "--tamper" in argv:
        TAMPER = True
        argv.remove("--tamper")
    extension, scratch, captures = argv[1], argv[2], argv[3:]
    db = connect(extension)
    failures = compared = 0
    for original in captures:
        capture = scratch_copy(original, scratch)
        want = tshark_objects(capture)
        got = collections.defaultdict(collections.Counter)
        for protocol, size, sha, data in db.execute(
                "SELECT protocol, size, sha256, data FROM xtractr_objects(?)", (capture,)):
            if size != len(data) or sha != hashlib.sha256(data).hexdigest():
                print("FAIL %s: row size/sha256 do not describe its data" % original)
                failures += 1
            if TAMPER and not got:
                sha = sha[::-1]
            got[protocol.lower()][(size, sha)] += 1
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
            args = ["-r", capture, "-q"]
            for s in range(nstreams):
                args += ["-z", "follow,tcp,raw,%d" % s]
            current = [b"", b""]
            for line in tshark(*args).decode().split("\n") + ["===="]:
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
