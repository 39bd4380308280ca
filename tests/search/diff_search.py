#!/usr/bin/python3
"""diff_search.py — differential test of search: display filters against `tshark -Y`, and the
xtractr query language against the same facts computed with SQL over `doc`, in the same run.

Usage:

    /usr/bin/python3 tests/search/diff_search.py --extension build/xtractr.so \
        [--oracle ../shared/corpus/ORACLE.tsv] [--random 25] [--seed 1] CAPTURE...

For every capture:

* display filters: the ORACLE.tsv filters of that file (frame counts must equal the oracle)
  plus --random filters generated from the fields and values present in the capture
  (existence, == != < >= on values it holds, in {..}, contains, CIDR blocks, and/or/not
  combinations). For each, the frame numbers of `packets(F, NULL, FILTER)` must equal those of
  `tshark -n -r F -Y FILTER -T fields -e frame.number` (all of a capture's filters in one tshark
  pass: xtractr_test.filter_frames), and `flows(F, NULL, FILTER)` must be the
  flows of those frames. A filter xtractr refuses with a "not supported"/"cannot evaluate"
  error is reported as UNSUPPORTED (allowed: an error is never a wrong answer);
* query language: for random fields and values, `packets(F, 'field:value')`, `field:*`,
  `-field:value`, `field:>N` and `field:[a b]`, and `flows(F, ...)` must equal the ids computed
  with SQL over `fields(doc, field)`; `flow.service:X` in packets() must equal the frames of
  the flows with that service.

Prints `MISMATCH ...` lines and exits 1 when there is any; `--tamper` spoils our answers to
prove the comparison can fail (it must then exit 1).
"""
import argparse
import ipaddress
import json
import os
import random
import re
import shutil
import sqlite3
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from xtractr_test import connect, filter_frames, frame_flows  # noqa: E402

INTEGER_TYPES = {"FT_UINT8", "FT_UINT16", "FT_UINT24", "FT_UINT32", "FT_UINT40", "FT_UINT48", "FT_UINT56",
                 "FT_UINT64", "FT_INT8", "FT_INT16", "FT_INT24", "FT_INT32", "FT_INT40", "FT_INT48", "FT_INT56",
                 "FT_INT64", "FT_FRAMENUM"}
# Filters every capture is checked with (besides ORACLE.tsv's and the random ones): functions,
# repeated fields, implied fields (answered from stored values), the frame's bytes, slices.
FIXED_FILTERS = [
    'frame contains "GET"', 'frame matches "(?i)http"', "len(frame) > 1000", "frame[12:2] == 08:00",
    'tcp.payload contains "HTTP"', "ip.addr == 10.0.0.0/8", "ip.src == 192.168.0.0/16 && !(ip.dst == 192.168.0.0/16)",
    "tcp.port in {80, 443, 8080}", "tcp.port != 80", "tcp.port ~= 80", "tcp.flags.syn == 1 && tcp.flags.ack == 0",
    "tcp.flags.reset == 1 || tcp.flags.fin == 1", 'dns.qry.name contains "."', "!ip", "ip.ttl < 64", "udp.length > 100",
    "tcp.len > 0", "frame.time_delta > 0.5", "eth.dst.ig == 1", "eth.addr[0:3] == 00:00:00",
    'http.request.method in {"GET", "POST"}', 'upper(http.host) contains "COM"', "count(ip.addr) > 2",
    "ip.version == 6 || ipv6", "tcp.analysis.retransmission || tcp.analysis.duplicate_ack", "tcp.window_size_value < 1000",
    "ip.checksum.status == 2", "frame.len >= 60 && frame.len <= 100", "tcp.srcport > tcp.dstport", "dns.flags.rcode != 0",
    "icmp.type == 8 xor icmp.type == 0", "tls.handshake.extensions_server_name", "frame.number in {1..10, 20}",
    'frame.protocols contains "dns"', "ip.dsfield.dscp != 0", "data.len > 10",
    # string equality and contains, answered from case-preserving value terms; flag conjunctions
    'http.request.method == "GET"', 'http.request.method == "get"', 'http.request.method != "GET"',
    'http.request.method in {"GET", "HEAD"}', 'http.host contains "wiki"', 'http.user_agent contains "Mozilla"',
    'http.user_agent contains "mozilla"', 'dns.qry.name contains "COM"', 'http.request.uri contains "/"',
    'http.host matches "^www"', 'http.user_agent matches "(?i)firefox"', "tcp.port === 80", "tcp.port != 443",
    "frame.number != 3", "tls.handshake.type == 1", "tcp.flags.syn == 1 && tcp.flags.ack == 0 && tcp.flags.reset == 0",
    "tcp.flags.fin == 1 && tcp.flags.ack == 1", "tcp.flags.syn == 0 && tcp.flags.push == 1 && tcp.srcport == 80",
    # matches on string fields, answered by running the regex over the distinct values: caseless
    # unless (?-i), as libwireshark 4.0 compiles it; escapes, raw strings, alternation, empty values
    'http.host matches "WIKI"', 'http.host matches "(?-i)WIKI"', 'http.host matches "^[a-z]+\\\\.wiki"',
    'http.host matches r"\\.(org|com)$"', 'dns.qry.name matches "\\\\.(com|net)$"', 'dns.qry.name ~ "^[^.]*$"',
    'http.request.uri matches "^/$"', 'http.user_agent matches "mozilla/[0-9]\\x2e"', 'http.request.uri matches ""',
    'http.request.method matches "^(GET|POST)$" && tcp.srcport > 1024', '!(http.host matches "o")',
    'smtp.req.parameter matches "^$"',
    # frame.cap_len is the pkt.caplen column, whose terms are implied by pkt.length's where equal;
    # tcp.options has no value terms (checked on the stored values)
    "frame.cap_len < frame.len", "frame.cap_len == 60", "frame.cap_len in {42, 60, 74, 1514}", "frame.cap_len > 1000",
    "frame.cap_len != 60 && tcp", "!(frame.cap_len <= 100)", "tcp.options", "!tcp.options && tcp",
    "tcp.options contains 01:01", "tcp.options[0] == 02", "tcp.options == 01:01:08:0a", "len(tcp.options) > 12",
]
STRING_TYPES = {"FT_STRING", "FT_STRINGZ", "FT_UINT_STRING", "FT_STRINGZPAD", "FT_STRINGZTRUNC"}


class Checker:
    def __init__(self, args, capture):
        self.args = args
        self.capture = capture
        self.mismatches = 0
        self.unsupported = 0
        self.checked = 0
        self.db = connect(args.extension)
        self.tshark = {}  # filter: tshark's answer (filter_frames: all of a capture's in one pass)

    def report(self, what):
        self.mismatches += 1
        print(f"MISMATCH {os.path.basename(self.capture)} {what}", flush=True)

    def rows(self, sql, *params):
        return [r for r in self.db.execute(sql, params)]

    # ---- display filters -------------------------------------------------------------------
    def check_filter(self, flt, expected_count=None):
        theirs, error = self.tshark[flt]
        try:
            ours = [r[0] for r in self.rows("SELECT id FROM packets(?, NULL, ?) ORDER BY id", self.capture, flt)]
        except sqlite3.Error as e:
            message = str(e)
            if theirs is None:
                return  # both refuse the filter
            if "not supported" in message or "cannot evaluate" in message:
                self.unsupported += 1
                print(f"UNSUPPORTED {os.path.basename(self.capture)} {flt!r}: {message}", flush=True)
                return
            self.report(f"filter {flt!r}: error {message} (tshark: {len(theirs)} frames)")
            return
        self.checked += 1
        if self.args.tamper and ours:
            ours = ours[:-1]
        if theirs is None:
            self.report(f"filter {flt!r}: tshark refuses it ({error}) but xtractr answers")
            return
        if ours != theirs:
            extra = sorted(set(ours) - set(theirs))[:10]
            missing = sorted(set(theirs) - set(ours))[:10]
            self.report(f"filter {flt!r}: ours={len(ours)} tshark={len(theirs)} extra={extra} missing={missing}")
            return
        if expected_count is not None and len(ours) != expected_count:
            self.report(f"filter {flt!r}: {len(ours)} frames, ORACLE.tsv says {expected_count}")
        # flows(): the flows holding those frames
        if theirs:
            flows_of = self.frame_flows()
            want = sorted({f for frame in theirs[:5000] for f in flows_of.get(frame, ())})
            if len(theirs) <= 5000:
                got = [r[0] for r in self.rows("SELECT id FROM flows(?, NULL, ?) ORDER BY id", self.capture, flt)]
                if got != want:
                    self.report(f"flows filter {flt!r}: ours={got[:10]}.. want={want[:10]}..")

    def oracle_filters(self):
        out = []
        if not self.args.oracle:
            return out
        name = os.path.basename(self.capture)
        with open(self.args.oracle) as f:
            for line in f:
                parts = line.rstrip("\n").split("\t")
                if len(parts) < 4 or parts[0] != name:
                    continue
                m = re.match(r"count of frames matching display filter: (.*?)( \(fallback.*\))?$", parts[3])
                if m:
                    out.append((m.group(1), int(parts[2])))
        return out

    def literal(self, ftype, value):
        if value is None:
            return None
        if ftype in INTEGER_TYPES:
            return str(value)
        if ftype in STRING_TYPES:
            s = str(value)
            if len(s) > 100 or any(ord(c) < 32 for c in s):
                return None
            return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'
        if ftype in ("FT_IPv4", "FT_IPv6", "FT_ETHER"):
            return str(value)
        if ftype == "FT_BYTES" and isinstance(value, str) and re.fullmatch(r"[0-9a-f]{2,64}", value):
            return ":".join(value[i:i + 2] for i in range(0, len(value), 2))
        return None

    def random_filters(self, rng, fields):
        atoms = []
        for name, ftype in fields:
            atoms.append(name)
            values = [r[0] for r in self.rows("SELECT value FROM xtractr_terms(?, ?) LIMIT 20", self.capture, name)]
            if not values:
                continue
            v = rng.choice(values)
            lit = self.literal(ftype, v)
            if lit is None:
                continue
            atoms.append(f"{name} == {lit}")
            atoms.append(f"{name} != {lit}")
            if ftype in INTEGER_TYPES:
                atoms.append(f"{name} > {lit}")
                atoms.append(f"{name} <= {lit}")
                lits = [self.literal(ftype, x) for x in rng.sample(values, min(3, len(values)))]
                atoms.append(f"{name} in {{{', '.join(lits)}}}")
            if ftype in STRING_TYPES and len(str(v)) >= 3:
                atoms.append(f'{name} contains "{str(v)[1:3]}"'.replace("\\", "\\\\"))
            if ftype in STRING_TYPES and lit is not None:
                # case matters to Wireshark: the other case, a longer piece, a set, a regex
                swapped = self.literal(ftype, str(v).swapcase())
                atoms.append(f"{name} == {swapped}")
                atoms.append(f"{name} in {{{lit}, {swapped}}}")
                piece = str(v)[len(str(v)) // 3:len(str(v)) // 3 + 6]
                if piece and self.literal(ftype, piece) is not None:
                    atoms.append(f"{name} contains {self.literal(ftype, rng.choice([piece, piece.swapcase()]))}")
                if re.match(r"[A-Za-z0-9]{3}", str(v)):
                    atoms.append(f'{name} matches "^{str(v)[:3]}"')
            if ftype == "FT_IPv4":
                net = ipaddress.ip_network(f"{v}/16", strict=False)
                atoms.append(f"{name} == {net}")
        rng.shuffle(atoms)
        filters = self.random_regexes(rng, fields)
        for i in range(self.args.random):
            a, b = rng.choice(atoms), rng.choice(atoms)
            shape = i % 5
            if shape == 0:
                filters.append(a)
            elif shape == 1:
                filters.append(f"{a} && {b}")
            elif shape == 2:
                filters.append(f"{a} || {b}")
            elif shape == 3:
                filters.append(f"!({a})")
            else:
                filters.append(f"({a} || {b}) && !{rng.choice(fields)[0]}")
        return filters

    def random_regexes(self, rng, fields):
        """`matches` filters built from the values of a few string fields (one each): anchored
        prefixes and suffixes in either case (Wireshark's regexes are caseless), case-sensitive
        pieces, a wildcard, an alternation of two whole values; some as raw strings."""
        out = []
        strings = [name for name, ftype in fields if ftype in STRING_TYPES]
        for name in rng.sample(strings, min(len(strings), self.args.random // 3 + 1)):
            values = [str(r[0]) for r in self.rows("SELECT value FROM xtractr_terms(?, ?) LIMIT 50", self.capture, name)]
            values = [v for v in values if v and len(v) <= 100 and not any(ord(c) < 32 or ord(c) > 126 for c in v)]
            if not values:
                continue
            v = rng.choice(values)
            cut = rng.randint(1, max(1, min(6, len(v))))
            piece = v[len(v) // 3:len(v) // 3 + cut]
            shape = rng.randrange(6)
            if shape == 0:
                regex = "^" + re.escape(rng.choice([v[:cut], v[:cut].swapcase()]))
            elif shape == 1:
                regex = "(?-i)" + re.escape(rng.choice([piece, piece.swapcase()]))
            elif shape == 2:
                regex = re.escape(v[-cut:]) + "$"
            elif shape == 3:
                regex = re.escape(piece[:1]) + "." + re.escape(piece[2:]) if len(piece) > 2 else "."
            elif shape == 4:
                regex = "^(" + re.escape(v) + "|" + re.escape(rng.choice(values)) + ")$"
            else:
                regex = "[0-9]{2,}|^" + re.escape(piece)
            if '"' not in regex and rng.random() < 0.3:
                out.append(f'{name} matches r"{regex}"')
            else:
                out.append(f'{name} matches "' + regex.replace("\\", "\\\\").replace('"', '\\"') + '"')
        return out

    # ---- query language vs SQL over doc ------------------------------------------------------
    def frame_flows(self):
        """Frame id -> the flows flows() counts it in (xtractr_test.frame_flows), computed once."""
        if getattr(self, "_frame_flows", None) is None:
            self._frame_flows = frame_flows(self.db, self.capture)
        return self._frame_flows

    def check_query(self, query, sql_ids, flows=False):
        table = "flows" if flows else "packets"
        try:
            ours = [r[0] for r in self.rows(f"SELECT id FROM {table}(?, ?) ORDER BY id", self.capture, query)]
        except sqlite3.Error as e:
            self.report(f"query {query!r}: error {e}")
            return
        self.checked += 1
        if self.args.tamper and ours:
            ours = ours[1:]
        if ours != sql_ids:
            extra = sorted(set(ours) - set(sql_ids))[:10]
            missing = sorted(set(sql_ids) - set(ours))[:10]
            self.report(f"{table} query {query!r}: ours={len(ours)} sql={len(sql_ids)} extra={extra} missing={missing}")

    def query_checks(self, rng, fields):
        flows_of = self.frame_flows()
        docs = {row[0]: (flows_of[row[0]], json.loads(row[1])) for row in self.rows("SELECT id, doc FROM packets(?)", self.capture)}

        def values_of(doc, name):
            v = doc.get(name)
            if v is None:
                return []
            return v if isinstance(v, list) else [v]

        def ids(pred):
            return sorted(i for i, (_, d) in docs.items() if pred(d))

        def flow_ids(pred):
            return sorted({f for i, (fs, d) in docs.items() if pred(d) for f in fs})

        for name, ftype in rng.sample(fields, min(len(fields), self.args.random)):
            if not re.fullmatch(r"[A-Za-z0-9_.\-]+", name):
                continue
            self.check_query(f"{name}:*", ids(lambda d: name in d))
            values = [r[0] for r in self.rows("SELECT value FROM xtractr_terms(?, ?) LIMIT 20", self.capture, name)]
            if not values:
                continue
            v = rng.choice(values)
            if isinstance(v, int):
                self.check_query(f"{name}:{v}", ids(lambda d: v in values_of(d, name)))
                self.check_query(f"{name}:>{v}", ids(lambda d: any(isinstance(x, (int, float)) and x > v for x in values_of(d, name))))
                lo, hi = sorted([v, rng.choice(values)])
                self.check_query(f"{name}:[{lo} {hi}]", ids(lambda d: any(isinstance(x, (int, float)) and lo <= x <= hi for x in values_of(d, name))))
                self.check_query(f"-{name}:{v}", ids(lambda d: v not in values_of(d, name)))
                self.check_query(f"{name}:{v}", flow_ids(lambda d: v in values_of(d, name)), flows=True)
            elif isinstance(v, str) and v and len(v) < 150 and re.fullmatch(r"[\x21-\x7e]+", v) and '"' not in v and "\\" not in v:
                want = v.lower()
                try:
                    number = float(v)  # floats and times: the doc holds a JSON number
                except ValueError:
                    number = None

                def match(d):
                    for x in values_of(d, name):
                        if str(x).lower() == want:
                            return True
                        if number is not None and isinstance(x, (int, float)) and not isinstance(x, bool) and x == number:
                            return True
                    return False
                self.check_query(f'{name}:"{v}"', ids(match))
                self.check_query(f'{name}:"{v}"', flow_ids(match), flows=True)
        self.column_checks(rng, flows_of)
        services = [r[0] for r in self.rows("SELECT DISTINCT service FROM flows(?) WHERE service IS NOT NULL", self.capture)]
        for service in services[:5]:
            flows = {r[0] for r in self.rows("SELECT id FROM flows(?) WHERE lower(service) = lower(?)", self.capture, service)}
            self.check_query(f'flow.service:"{service.lower()}"', sorted(i for i, (fs, _) in docs.items() if fs & flows))

    def column_checks(self, rng, flows_of):
        """The packet columns as pkt.* pseudo-fields (mostly answered from the terms of ip.src,
        tcp.srcport, pkt.length ... that imply them, search_terms.h) against the packets table."""
        names = ["src", "dst", "sport", "dport", "proto", "service", "length", "caplen"]
        # an empty column (the src of a frame cut before its addresses) is no value
        rows = [tuple(None if x == "" else x for x in r)
                for r in self.rows(f"SELECT id, {', '.join(names)} FROM packets(?)", self.capture)]
        for k, column in enumerate(names, start=1):
            name = "pkt." + column

            def ids(pred, flows=False):
                if flows:
                    return sorted({f for r in rows if r[k] is not None and pred(r[k]) for f in flows_of[r[0]]})
                return [r[0] for r in rows if r[k] is not None and pred(r[k])]
            self.check_query(f"{name}:*", ids(lambda x: True))
            values = sorted({r[k] for r in rows if r[k] is not None}, key=str)
            for v in rng.sample(values, min(3, len(values))):
                if isinstance(v, int):
                    self.check_query(f"{name}:{v}", ids(lambda x: x == v))
                    self.check_query(f"-{name}:{v}", [r[0] for r in rows if r[k] != v])
                    self.check_query(f"{name}:>{v}", ids(lambda x: x > v))
                    lo, hi = sorted([v, rng.choice(values)])
                    self.check_query(f"{name}:[{lo} {hi}]", ids(lambda x: lo <= x <= hi))
                    self.check_query(f"{name}:{v}", ids(lambda x: x == v, flows=True), flows=True)
                elif re.fullmatch(r"[\x21-\x7e]+", v) and '"' not in v and "\\" not in v:
                    self.check_query(f'{name}:"{v}"', ids(lambda x: x.lower() == v.lower()))
                    self.check_query(f'-{name}:"{v}"', [r[0] for r in rows if r[k] is None or r[k].lower() != v.lower()])
                    self.check_query(f'{name}:"{v}"', ids(lambda x: x.lower() == v.lower(), flows=True), flows=True)
                    piece = v[:len(v) // 2]
                    if re.fullmatch(r"[A-Za-z0-9.]+", piece):
                        self.check_query(f"{name}:{piece}*", ids(lambda x: x.lower().startswith(piece.lower())))

    def run(self):
        try:
            self.rows("SELECT count(*) FROM packets(?)", self.capture)
        except sqlite3.Error as e:
            print(f"SKIP {os.path.basename(self.capture)}: {e}")
            return
        rng = random.Random(f"{self.args.seed}:{os.path.basename(self.capture)}")
        fields = [(r[0], r[1]) for r in self.rows("SELECT name, type FROM xtractr_fields(?)", self.capture)]
        counted = self.oracle_filters()
        random_filters = self.random_filters(rng, fields) if fields else []
        self.tshark = filter_frames(self.capture, [f for f, _ in counted] + FIXED_FILTERS + random_filters,
                                    self.args.tshark)
        for flt, count in counted:
            self.check_filter(flt, count)
        for flt in FIXED_FILTERS + random_filters:
            self.check_filter(flt)
        if fields:
            self.query_checks(rng, fields)
        print(f"{os.path.basename(self.capture)}: {self.checked} checks, {self.mismatches} mismatches, "
              f"{self.unsupported} unsupported", flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--extension", required=True)
    ap.add_argument("--tshark", default="tshark")
    ap.add_argument("--oracle")
    ap.add_argument("--random", type=int, default=25)
    ap.add_argument("--seed", default="1")
    ap.add_argument("--tamper", action="store_true")
    ap.add_argument("captures", nargs="+")
    args = ap.parse_args()
    workdir = tempfile.mkdtemp(prefix="xtractr-search-")
    os.environ["XTRACTR_INDEX_DIR"] = os.path.join(workdir, "idx")
    total = 0
    try:
        for capture in args.captures:
            c = Checker(args, os.path.abspath(capture))
            c.run()
            total += c.mismatches
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    sys.exit(1 if total else 0)


if __name__ == "__main__":
    main()
