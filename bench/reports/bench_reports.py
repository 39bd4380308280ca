#!/usr/bin/python3
"""bench_reports.py — speed of xtractr's JavaScript map/reduce reports, against plain SQL and
tshark on the same capture, measured in the same run (best of --repeat). Not a test.

Usage: bench/reports/bench_reports.py [--extension build/xtractr.so] [--capture bench/data/big.pcap]

Prints, for the built-in `sum` report over every flow, a `count` over every packet (of a
column, and of a Wireshark field), and a simple user map over every flow: our time, the same
answer from SQL GROUP BY, and from `tshark -z` where one exists; and flow documents/second.
Targets (issue #4): >= 1M flow docs/s through a simple map; a count over every packet no
slower than 2x the SQL GROUP BY over field(doc, ...).
"""
import argparse
import os
import sqlite3
import subprocess
import time

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(os.path.dirname(here))


def best(repeat, fn):
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return min(times), result


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--extension', default=os.path.join(root, 'build', 'xtractr'))
    p.add_argument('--capture', default=os.path.join(root, 'bench', 'data', 'big.pcap'))
    p.add_argument('--repeat', type=int, default=3)
    p.add_argument('--no-tshark', action='store_true')
    a = p.parse_args()
    db = sqlite3.connect(':memory:')
    db.enable_load_extension(True)
    db.load_extension(a.extension)
    db.execute("SELECT js_config('timeout_ms', 3600000)")  # a big capture's JavaScript may run for minutes
    cap = a.capture
    q = lambda sql: (lambda: db.execute(sql, (cap,)).fetchall())

    t, _ = best(1, q("SELECT count(*) FROM packets(?)"))
    print('capture %s (index ready in %.1f s)' % (cap, t))
    frames = db.execute("SELECT count(*) FROM packets(?)", (cap,)).fetchone()[0]
    flows = db.execute("SELECT count(*) FROM flows(?)", (cap,)).fetchone()[0]
    print('%d frames, %d flows\n' % (frames, flows))
    rows = []

    def line(what, ours, sql, tshark=None, n=None):
        rows.append((what, ours, sql, tshark, n))
        ratio = ours / sql if sql else float('nan')
        extra = ('  tshark %.2f s' % tshark) if tshark else ''
        rate = ('  %.0f docs/s' % (n / ours)) if n else ''
        print('%-46s ours %7.3f s  SQL %7.3f s  (x%.2f)%s%s' % (what, ours, sql, ratio, extra, rate), flush=True)

    def tshark_time(args):
        if a.no_tshark:
            return None
        t = time.perf_counter()
        subprocess.run(['tshark', '-n', '-q', '-r', cap] + args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       env=dict(os.environ, WIRESHARK_CONFIG_DIR='/nonexistent', TZ='UTC'), check=True)
        return time.perf_counter() - t

    # 1. the built-in sum report over every flow
    ours, r1 = best(a.repeat, q("SELECT key, value FROM xtractr_report(?, 'sum(''flow.src'', ''flow.bytes'')')"))
    sql, r2 = best(a.repeat, q("SELECT src, sum(bytes) b FROM flows(?) GROUP BY 1 ORDER BY b DESC, 1"))
    assert r1 == r2, 'sum report differs from SQL'
    line("sum('flow.src','flow.bytes') over flows", ours, sql, tshark_time(['-z', 'endpoints,ip']), flows)

    # 2. a simple user map over every flow
    ours, r1 = best(a.repeat, q("SELECT key, value FROM xtractr_mapreduce(?, '', "
                                "'function (f) { emit(f[\"flow.service\"], f[\"flow.packets\"]); }', '_sum')"))
    sql, r2 = best(a.repeat, q("SELECT service, sum(packets) n FROM flows(?) GROUP BY 1 ORDER BY n DESC, 1"))
    assert r1 == r2, 'user map differs from SQL'
    line('user map emit(service, packets) over flows', ours, sql, None, flows)

    # 3. count over every packet: a column (read from the row, no doc built)
    ours, r1 = best(a.repeat, q("SELECT key, value FROM xtractr_report(?, 'count(''pkt.service'')')"))
    sql, r2 = best(a.repeat, q("SELECT service, count(*) n FROM packets(?) GROUP BY 1 ORDER BY n DESC, 1"))
    assert r1 == r2, 'count(pkt.service) differs from SQL'
    line("count('pkt.service') over packets", ours, sql, None, frames)

    # 4. count over every packet of a Wireshark field (the doc is needed)
    ours, r1 = best(a.repeat, q("SELECT key, value FROM xtractr_report(?, 'count(''ip.src'')')"))
    # (no WHERE on the field: SQLite would build each doc twice)
    sql, r2 = best(a.repeat, q("SELECT field(doc, 'ip.src') s, count(*) n FROM packets(?) GROUP BY 1 ORDER BY n DESC, 1"))
    r2 = [r for r in r2 if r[0] is not None]
    same = sorted(r1) == sorted(r2)
    line("count('ip.src') over packets%s" % ('' if same else ' (*)'), ours, sql, tshark_time(['-z', 'ip_srcdst,tree']),
         frames)
    if not same:
        print('  (*) differs from field(doc) GROUP BY: frames with several ip.src (tunnels) count each value')

    # 5. the same through the mapreduce() aggregate over SQL rows
    ours, _ = best(a.repeat, q("SELECT mapreduce(doc, 'function (p) { p.values(\"ip.src\", function (s) { emit(s, 1); }); }',"
                               " '_count') FROM packets(?)"))
    line("mapreduce(doc, ...) aggregate, ip.src", ours, sql, None, frames)


if __name__ == '__main__':
    main()
