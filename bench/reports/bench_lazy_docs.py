#!/usr/bin/python3
"""bench_lazy_docs.py — map/reduce and field() over every packet: the `doc` column (the frame's
whole JSON) against `docref` (core/doc_ref.h: only the fields read are decoded). Not a test.

Usage: bench/reports/bench_lazy_docs.py [--extension build/xtractr] [--capture bench/data/big.pcap]
                                        [--repeat 2] [--only TEXT]...

Prints, for each query, the best time of --repeat runs and packets/second. An extension built
before docref existed is measured too (the docref lines are then skipped), so one script gives
before and after. The first query indexes the capture (XTRACTR_INDEX_DIR is honoured).
Targets (issue #12): a one-field map/reduce over every packet >= 1 M docs/s;
`SELECT field(doc, 'ip.src'), count(*) ... GROUP BY 1` >= 10x faster than before.
"""
import argparse
import os
import sqlite3
import time

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(os.path.dirname(here))

QUERIES = [
    ('SQL GROUP BY service (reference)', "SELECT service, count(*) FROM packets(?) GROUP BY 1"),
    ("mapreduce(doc, emit(d.service, 1))",
     "SELECT mapreduce(doc, 'function(d){ emit(d.service, 1); }', '_sum') FROM packets(?)"),
    ("mapreduce(docref, emit(d.service, 1))",
     "SELECT mapreduce(docref, 'function(d){ emit(d.service, 1); }', '_sum') FROM packets(?)"),
    ("mapreduce(doc, emit(d['ip.src'], 1))",
     "SELECT mapreduce(doc, 'function(d){ emit(d[\"ip.src\"], 1); }', '_sum') FROM packets(?)"),
    ("mapreduce(docref, emit(d['ip.src'], 1))",
     "SELECT mapreduce(docref, 'function(d){ emit(d[\"ip.src\"], 1); }', '_sum') FROM packets(?)"),
    ("mapreduce(docref, d.values('ip.src', …))",
     "SELECT mapreduce(docref, 'function(d){ d.values(\"ip.src\", function(v){ emit(v, 1); }); }', '_sum') "
     "FROM packets(?)"),
    ("mapreduce(docref, emit(d['ip.src'], d['frame.len']))",
     "SELECT mapreduce(docref, 'function(d){ emit(d[\"ip.src\"], d[\"frame.len\"]); }', '_sum') FROM packets(?)"),
    ("field(doc, 'ip.src') GROUP BY 1", "SELECT field(doc, 'ip.src'), count(*) FROM packets(?) GROUP BY 1"),
    ("field(docref, 'ip.src') GROUP BY 1", "SELECT field(docref, 'ip.src'), count(*) FROM packets(?) GROUP BY 1"),
    ("xtractr_report('* > count(''ip.src'')')",
     "SELECT * FROM xtractr_report(?, '* > count(''ip.src'')')"),
]


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--extension', default=os.path.join(root, 'build', 'xtractr'))
    p.add_argument('--capture', default=os.path.join(root, 'bench', 'data', 'big.pcap'))
    p.add_argument('--repeat', type=int, default=2)
    p.add_argument('--only', action='append', help='run only the queries whose label holds this text (repeatable)')
    a = p.parse_args()
    db = sqlite3.connect(':memory:')
    db.enable_load_extension(True)
    db.load_extension(a.extension)
    db.execute("SELECT js_config('timeout_ms', 3600000)")
    cap = a.capture
    t = time.perf_counter()
    frames = db.execute("SELECT count(*) FROM packets(?)", (cap,)).fetchone()[0]
    print('capture %s: %d frames (index ready in %.1f s)' % (cap, frames, time.perf_counter() - t), flush=True)
    has_docref = 'docref' in [r[1] for r in db.execute("PRAGMA table_xinfo(packets)")]
    answers = {}
    for what, sql in QUERIES:
        if a.only and not any(o in what for o in a.only):
            continue
        if 'docref' in sql and not has_docref:
            print('%-52s (no docref in this build)' % what, flush=True)
            continue
        times = []
        for _ in range(a.repeat):
            t = time.perf_counter()
            rows = db.execute(sql, (cap,)).fetchall()
            times.append(time.perf_counter() - t)
        best = min(times)
        answers[what] = sorted(map(repr, rows))
        same = answers.get(what.replace('docref', 'doc'))
        check = '' if same is None or 'docref' not in what else ('  same answer' if same == answers[what] else
                                                                 '  DIFFERENT ANSWER')
        print('%-52s %8.3f s  %10.0f docs/s%s' % (what, best, frames / best, check), flush=True)


if __name__ == '__main__':
    main()
