#!/usr/bin/python3
"""bench_payload.py — substring search over payloads (index/payload_grams.h): `frame contains`,
`tcp.payload contains`, the query language's `stream:"..."` and bare words with the payload index, against
`tshark -r F -Y FILTER` on the same capture, measured in the same run (a benchmark, not a test).

Usage:

    /usr/bin/python3 bench/search/bench_payload.py --extension build/xtractr.so --capture r2-bench.pcap
        [--runs 3] [--scan] [--index-dir DIR [--reuse]]

It builds the index twice — without and with xtractr_config('payload_index', 1) — and prints
each build's time, CPU time (the indexer and its workers) and size, then, for needles drawn from
the capture's own text (a rare one, a frequent one, a 3-byte one) and one it does not hold: frames
matched (ours / tshark's, which must agree), tshark's time, ours with the payload index (best of
--runs), the ratio, and with --scan ours without the payload index (every frame re-checked).
"""
import argparse
import collections
import os
import re
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

ENV = dict(os.environ, WIRESHARK_CONFIG_DIR="/nonexistent", TZ="UTC")


def needles(capture):
    """(rare, frequent): printable runs (12-24 characters, some letters) of the TCP payloads of the
    capture's first 50,000 frames, one seen once and the most frequent."""
    p = subprocess.run(["tshark", "-n", "-r", capture, "-c", "50000", "-T", "fields", "-e", "tcp.payload"],
                       capture_output=True, text=True, env=ENV)
    runs = collections.Counter()
    for line in p.stdout.split():
        data = bytes.fromhex(line.replace(":", "").split(",")[0])
        for m in re.finditer(rb"[A-Za-z0-9 :/.,=_-]{12,}", data):
            run = m.group(0)[:24]
            if len(re.findall(rb"[A-Za-z]", run)) >= 6 and run.strip() == run:
                runs[run] += 1
    rare = sorted(r for r, n in runs.items() if n == 1)
    frequent = max(runs, key=lambda r: (runs[r], r))
    return rare[len(rare) // 2].decode(), frequent.decode()


def tshark_frames(capture, flt):
    started = time.perf_counter()
    p = subprocess.run(["tshark", "-n", "-r", capture, "-Y", flt, "-T", "fields", "-e", "frame.number"],
                       capture_output=True, text=True, env=ENV)
    return len(p.stdout.split()), time.perf_counter() - started


def connect(extension, payload_index):
    db = sqlite3.connect(":memory:")
    db.enable_load_extension(True)
    db.load_extension(extension)
    db.execute("SELECT xtractr_config('payload_index', ?)", (1 if payload_index else None,))
    return db


def build(db, capture, reuse=False):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    # xtractr_index always rebuilds; packets() opens a valid index as it is
    db.execute("SELECT count(*) FROM packets(?)" if reuse else "SELECT xtractr_index(?)", (capture,)).fetchall()
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return wall, cpu


def best(runs, db, sql, *params):
    rows, fastest = None, None
    for _ in range(runs):
        started = time.perf_counter()
        rows = db.execute(sql, params).fetchall()
        took = time.perf_counter() - started
        fastest = took if fastest is None else min(fastest, took)
    return rows, fastest


def folder_size(path):
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(path) for f in fs)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--extension", required=True)
    ap.add_argument("--capture", required=True)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--scan", action="store_true", help="also time each filter without the payload index")
    ap.add_argument("--index-dir", help="keep the indexes under this folder")
    ap.add_argument("--reuse", action="store_true",
                    help="keep a valid index already in --index-dir (its build time is then not measured)")
    ap.add_argument("--phase", choices=["with", "without"], help=argparse.SUPPRESS)
    args = ap.parse_args()
    os.environ.update(WIRESHARK_CONFIG_DIR="/nonexistent", TZ="UTC")
    work = args.index_dir or tempfile.mkdtemp(prefix="xtractr-bench-payload-")
    capture = os.path.abspath(args.capture)
    try:
        rare, frequent = needles(capture)
        absent = "xtractr-no-such-needle"
        filters = ['frame contains "%s"' % rare, 'tcp.payload contains "%s"' % rare, 'frame contains "%s"' % frequent,
                   'frame contains "%s"' % absent, 'frame contains "%s"' % frequent[:3]]
        # bare words of the query language: fields' words or stream bytes (any case, whole words)
        word = max(re.findall(r"[A-Za-z][A-Za-z0-9]{2,}", rare) or ["xtractrnosuchword"], key=len)
        streams = ['stream:"%s"' % rare, 'stream:"%s"' % absent, '"%s"' % rare, word, "xtractrnosuchword"]
        if args.phase:  # one index, in a process of its own (xtractr_config is process-wide)
            on = args.phase == "with"
            folder = os.path.join(work, args.phase)
            if not args.reuse:
                shutil.rmtree(folder, ignore_errors=True)
            os.environ["XTRACTR_INDEX_DIR"] = folder
            db = connect(args.extension, on)
            wall, cpu = build(db, capture, args.reuse)
            print("%-22s build %6.1f s, CPU %6.1f s, index %5.1f MB (capture %.1f MB)"
                  % ("with payload index" if on else "without", wall, cpu, folder_size(folder) / 1e6,
                     os.path.getsize(capture) / 1e6), flush=True)
            db.execute("SELECT count(*) FROM packets(?, NULL, 'frame.number == 1')", (capture,)).fetchall()
            for flt in filters:
                rows, took = best(args.runs, db, "SELECT count(*) FROM packets(?, NULL, ?)", capture, flt)
                print("T\t%s\t%d\t%f" % (flt, rows[0][0], took), flush=True)
            for q in streams if on else []:
                rows, took = best(args.runs, db, "SELECT count(*) FROM flows(?, ?)", capture, q)
                print("T\t%s\t%d\t%f" % (q, rows[0][0], took), flush=True)
            return 0
        timings = {}
        for phase in (["without"] if args.scan else []) + ["with"]:
            p = subprocess.run([sys.executable, os.path.abspath(__file__), "--extension", args.extension, "--capture",
                                capture, "--runs", str(args.runs if phase == "with" else 1), "--index-dir", work,
                                "--phase", phase] + (["--reuse"] if args.reuse else []), capture_output=True, text=True)
            for line in p.stdout.splitlines():
                if line.startswith("T\t"):
                    _, what, count, took = line.split("\t")
                    timings[(phase, what)] = (int(count), float(took))
                else:
                    print(line)
            if p.returncode:
                print(p.stderr)
        print("%-52s %15s %9s %9s %8s%s" % ("filter", "frames", "tshark", "ours", "ratio", "  scan" if args.scan else ""))
        for flt in filters:
            theirs, tshark_time = tshark_frames(capture, flt)
            count, ours = timings[("with", flt)]
            line = "%-52s %7d/%-7d %8.2fs %8.4fs %7.0fx" % (flt[:52], count, theirs, tshark_time, ours, tshark_time / ours)
            if args.scan:
                line += "  %.2fs" % timings[("without", flt)][1]
            print(line, flush=True)
        for q in streams:
            count, ours = timings[("with", q)]
            print("%-52s %7d flows %17.4fs" % (q[:52], count, ours), flush=True)
    finally:
        if not args.index_dir and not args.phase:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
