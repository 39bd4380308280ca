#!/usr/bin/python3
"""diff_tshark.py — differential test: what xtractr indexes against what tshark prints, same run.

Usage:

    /usr/bin/python3 tests/corpus/diff_tshark.py --extension build/xtractr.so \
        [--oracle ../shared/corpus/ORACLE.tsv] [--head-frames 1500] CAPTURE...

For every capture (files; directories are expanded to their files) it checks, against
`tshark -n -r CAPTURE` run now with Wireshark's default preferences:

* row count of `packets` = tshark's frame count (0 for a capture without packets; an SQL
  error naming the file when tshark cannot read the file); a capture tshark stops reading part way
  (truncated, damaged) must be indexed up to that point with a warning in xtractr_index();
* per frame: `time` = frame.time_epoch (±1e-6 s), `length` = frame.len, `title` = the Info
  column, `src`/`dst` = the Source/Destination columns;
* every field name the index holds (its `dictionary` table): the doc's values of the field =
  `tshark -T fields -E occurrence=a -e NAME` for every frame of the first --head-frames frames
  (fields only seen later are compared over the whole file). Integer fields compare by value
  (tshark prints some in hex or octal), everything else as tshark's text;
* field(doc, NAME) and fields(doc, NAME) agree with the doc on a frame that has the field and
  are NULL on one that does not; a name that is no field is an error;
* flows: the TCP/UDP flow counts = the number of distinct tcp.stream/udp.stream values of
  every layer (a tunnel's outer stream is a flow too: VXLAN, GTP-U, Teredo, L2TP ...), the
  frames of one stream are exactly the frames of one flow — a frame belongs to its own flow
  (`packets.flow`), the tunnel it travels in (`packets.tunnel`) and that tunnel's tunnels
  (`flows.tunnel`) — and each flow's community_id =
  tshark's `communityid` (its Community ID dissector, enabled for that run) on the flow's
  first frame that has one (frames with one IP layer, not fragments: in tunnels tshark hashes
  the inner packet, for a fragment the fragment);
* with --oracle, the ORACLE.tsv facts it can evaluate (frames, frame counts of simple display
  filters, distinct value counts);
* with --filters F1,F2,...: the frames of packets(CAPTURE, NULL, F) = the frames of
  `tshark -Y F`, for each display filter.

A capture with Wireshark settings beside it (`<capture>.keylog`, `<capture>.xtractr-prefs`,
which xtractr picks up by itself) is read by tshark with the same settings as options
(tests/common/xtractr_test.py settings_options): `-o tls.keylog_file:…`, `-d …`, `-o …`.

Every mismatch is printed as `MISMATCH <file> frame <n> <field>: ours=… tshark=…`; the exit
status is 1 when there is any. Runs /usr/bin/python3 because the sqlite3 module of other
Pythons may not load extensions.

How it works: the capture is indexed into a private XTRACTR_INDEX_DIR, read back through the
extension (`packets`, `flows`, `doc`), and tshark is run with `-T fields`, occurrences joined
with \\x1f and fields separated by \\x1e (tshark escapes \\n, \\r, \\t, \\b, \\f in its
output; our text is escaped the same way before comparing). Field names are asked ~100 per
tshark run.
"""
import argparse
import collections
import decimal
import hashlib
import json
import math
import os
import pickle
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from xtractr_test import connect, settings_options, tshark_env as oracle_env  # noqa: E402

SEP = "\x1e"
AGG = "\x1f"
INTEGER_TYPES = {
    "FT_UINT8", "FT_UINT16", "FT_UINT24", "FT_UINT32", "FT_UINT40", "FT_UINT48", "FT_UINT56",
    "FT_UINT64", "FT_INT8", "FT_INT16", "FT_INT24", "FT_INT32", "FT_INT40", "FT_INT48",
    "FT_INT56", "FT_INT64", "FT_FRAMENUM", "FT_BOOLEAN",
}
CAPTURE_SUFFIXES = (".pcap", ".pcapng", ".cap", ".gz", ".zst", ".pcap.gz", ".pcapng.zst")
MAX_REPORTS_PER_FILE = 40


def tshark_env():
    return oracle_env(LC_ALL="C.UTF-8")


def tshark_run(cmd, capture):
    """subprocess.run(cmd) of tshark over `capture`, remembered in $XTRACTR_TSHARK_CACHE when set
    (CI runs the suite twice, once with partitioned indexing: tshark's answer is the same).
    The capture's settings (a key log, Decode As rules, preferences beside it) are tshark's too."""
    cmd = [cmd[0]] + settings_options(capture) + cmd[1:]
    cache = os.environ.get("XTRACTR_TSHARK_CACHE")
    if not cache:
        return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=tshark_env())
    st = os.stat(capture)
    program = os.stat(shutil.which(cmd[0]) or cmd[0])  # a new tshark answers anew
    key = hashlib.sha256(json.dumps([cmd, os.path.realpath(capture), st.st_size, st.st_mtime_ns,
                                     program.st_mtime_ns]).encode())
    path = os.path.join(cache, key.hexdigest())
    try:
        with open(path, "rb") as f:
            saved = pickle.load(f)
        return subprocess.CompletedProcess(cmd, saved[0], saved[1], saved[2])
    except (OSError, EOFError, pickle.UnpicklingError):
        pass
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=tshark_env())
    os.makedirs(cache, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=cache, delete=False) as f:
        pickle.dump((p.returncode, p.stdout, p.stderr), f)
    os.replace(f.name, path)  # whole or not at all: two tests may fill it at once
    return p


def run_tshark(tshark, capture, fields, count=None, options=()):
    """Runs tshark -T fields; returns (rows as lists of per-field strings, stderr, returncode)."""
    cmd = [tshark, "-n", "-r", capture] + list(options) + ["-T", "fields", "-E", "separator=" + SEP,
           "-E", "occurrence=a", "-E", "aggregator=" + AGG, "-E", "quote=n"]
    if count:
        cmd += ["-c", str(count)]
    for f in fields:
        cmd += ["-e", f]
    p = tshark_run(cmd, capture)
    out = p.stdout.decode("utf-8", "surrogateescape")
    rows = []
    for line in out.split("\n"):
        if line:  # every line starts with frame.number, so none is empty
            rows.append(line.split(SEP))
    err = "\n".join(l for l in p.stderr.decode("utf-8", "replace").splitlines()
                    if "could be dangerous" not in l)
    return rows, err, p.returncode


def tshark_field_types(tshark):
    p = tshark_run([tshark, "-G", "fields"], shutil.which(tshark) or tshark)
    if p.returncode != 0:
        raise RuntimeError("tshark -G fields failed")
    types = {}
    for line in p.stdout.decode("utf-8", "replace").splitlines():
        parts = line.split("\t")
        if len(parts) >= 4 and parts[0] == "F":
            types.setdefault(parts[2], set()).add(parts[3])
        elif len(parts) >= 3 and parts[0] == "P":
            types.setdefault(parts[2], set()).add("FT_PROTOCOL")
    return types


def tshark_escape(text):
    return (text.replace("\b", "\\b").replace("\f", "\\f").replace("\n", "\\n")
            .replace("\r", "\\r").replace("\t", "\\t"))


INT_RE = re.compile(r"^(-?)(0x[0-9a-fA-F]+|0[0-7]+|[0-9]+)")


def tshark_int(text):
    m = INT_RE.match(text)
    if not m:
        if text == "True":
            return 1
        if text == "False":
            return 0
        return None
    sign, digits = m.group(1), m.group(2)
    if digits.startswith("0x") or digits.startswith("0X"):
        v = int(digits, 16)
    elif len(digits) > 1 and digits[0] == "0":
        v = int(digits, 8)
    else:
        v = int(digits)
    return -v if sign else v


def time_equal(ours, text):
    """Our REAL time against tshark's frame.time_epoch text: equal to within 1e-6 s or one
    ulp of the double (far-future stamps have fewer digits than tshark prints). Wireshark
    prints a negative nanosecond part as a minus sign before the whole number
    ("-1409179648.083690296" for 1409179648 s - 83690296 ns); that reading is accepted too."""
    tolerance = max(decimal.Decimal("0.000001"), decimal.Decimal(math.ulp(ours)))
    ours_d = decimal.Decimal(repr(ours))
    value = decimal.Decimal(text)
    if abs(ours_d - value) <= tolerance:
        return True
    if text.startswith("-") and "." in text:
        secs, frac = text[1:].split(".", 1)
        quirk = decimal.Decimal(secs) - decimal.Decimal("0." + frac)
        return abs(ours_d - quirk) <= tolerance
    return False


def as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def our_text(value):
    """Our stored value as tshark would print it (before tshark's escaping)."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    return value  # strings, and JSON numbers kept as their text (parse_float=str)


def load_doc(text):
    return json.loads(text, parse_float=str)


class Report:
    def __init__(self, name):
        self.name = name
        self.count = 0
        self.by_field = collections.Counter()
        self.printed = 0
        self.json_fallbacks = 0  # frames re-read with -T json (values holding separators)

    def mismatch(self, frame, what, ours, theirs):
        self.count += 1
        self.by_field[what] += 1
        if self.printed < MAX_REPORTS_PER_FILE:
            self.printed += 1
            print("MISMATCH %s frame %s %s: ours=%s tshark=%s" % (
                self.name, frame, what, json.dumps(ours, ensure_ascii=False)[:300],
                json.dumps(theirs, ensure_ascii=False)[:300]))

    def fail(self, what, ours, theirs):
        self.mismatch("-", what, ours, theirs)


def values_equal(ours, theirs, integer, escaped=True):
    """ours: the doc's values of a field in one frame; theirs: tshark's occurrences (its
    -T fields text split at the aggregator, escaped; or -T json's list, not escaped)."""
    if not theirs and all(our_text(v) == "" for v in ours) and len(ours) <= 1:
        return True
    if len(ours) != len(theirs):
        return False
    for o, t in zip(ours, theirs):
        if integer:
            if isinstance(o, bool) or not isinstance(o, int):
                return False
            if tshark_int(t) != o:
                return False
        else:
            if not isinstance(o, (str, int)):
                return False
            text = our_text(o)
            if (tshark_escape(text) if escaped else text) != t:
                return False
    return True


def tshark_json_values(tshark, capture, fields, frames):
    """tshark -T json -e ... for a few frames: {frame: {field: [values]}}. Used where a value
    holds the -T fields separators, so the text line cannot be split."""
    cmd = [tshark, "-n", "-r", capture, "-T", "json",
           "-Y", "frame.number in {%s}" % " ".join(str(f) for f in frames), "-e", "frame.number"]
    for f in fields:
        cmd += ["-e", f]
    p = tshark_run(cmd, capture)
    result = {}
    for packet in json.loads(p.stdout.decode("utf-8", "surrogateescape") or "[]"):
        layers = packet.get("_source", {}).get("layers", {})
        number = int(layers.get("frame.number", ["0"])[0])
        result[number] = layers
    return result


def field_names(index_db):
    con = sqlite3.connect("file:%s?mode=ro" % index_db, uri=True)
    try:
        return sorted({r[0] for r in con.execute("SELECT name FROM dictionary")})
    finally:
        con.close()


def open_extension(extension):
    con = connect(extension)
    # field text is whatever bytes the capture held; keep invalid UTF-8 as tshark's output does
    con.text_factory = lambda b: b.decode("utf-8", "surrogateescape")
    return con


# --- ORACLE.tsv facts -------------------------------------------------------------------

FILTER_TERM = re.compile(r'^\s*([A-Za-z0-9_.\-]+)\s*(?:(==|>)\s*("?)([^"\s]*)\3)?\s*$')


def compile_filter(text):
    """A display filter of the simple forms ORACLE.tsv uses: terms joined by && or ||."""
    ors = []
    for alternative in text.split("||"):
        ands = []
        for term in alternative.split("&&"):
            m = FILTER_TERM.match(term)
            if not m:
                return None
            ands.append((m.group(1), m.group(2), m.group(4), m.group(3) == '"'))
        ors.append(ands)
    return ors


def term_matches(doc, term):
    name, op, value, quoted = term
    values = as_list(doc.get(name))
    if not values:
        return False
    if op is None:
        return True
    for v in values:
        if op == "==" and quoted and our_text(v) == value:
            return True
        if not quoted and isinstance(v, int) and not isinstance(v, bool):
            n = tshark_int(value)
            if n is not None and ((op == "==" and v == n) or (op == ">" and v > n)):
                return True
    return False


def filter_matches(doc, compiled):
    return any(all(term_matches(doc, t) for t in ands) for ands in compiled)


def oracle_facts(oracle_path, capture_name):
    facts = []
    if not oracle_path:
        return facts
    with open(oracle_path, encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 4 and parts[0] == capture_name:
                facts.append((parts[1], parts[2], parts[3]))
    return facts


class OracleCheck:
    """Accumulates, over every doc, what the ORACLE facts ask about."""

    def __init__(self, facts):
        self.filters = {}
        self.distinct = {}
        self.expected = {}
        for fact, value, how in facts:
            m = re.match(r"count of frames matching display filter: (.*?)( \(fallback.*)?$", how)
            if m and fact != "frames":
                compiled = compile_filter(m.group(1))
                if compiled is not None:
                    self.filters[fact] = compiled
                    self.expected[fact] = value
                continue
            m = re.match(r"number of distinct values of field (\S+)$", how)
            if m:
                self.distinct[fact] = (m.group(1), set())
                self.expected[fact] = value
        self.counts = collections.Counter()

    def add(self, doc):
        for fact, compiled in self.filters.items():
            if filter_matches(doc, compiled):
                self.counts[fact] += 1
        for fact, (name, seen) in self.distinct.items():
            for v in as_list(doc.get(name)):
                seen.add(our_text(v))

    def check(self, report):
        for fact in self.filters:
            if str(self.counts[fact]) != self.expected[fact]:
                report.fail("ORACLE " + fact, self.counts[fact], self.expected[fact])
        for fact, (name, seen) in self.distinct.items():
            if str(len(seen)) != self.expected[fact]:
                report.fail("ORACLE " + fact, len(seen), self.expected[fact])
        return len(self.filters) + len(self.distinct)


# --- one capture ------------------------------------------------------------------------

def check_stream_flows(con, capture, report, frame_flow, frame_tunnel, frame_streams):
    """TCP/UDP flows against tshark's tcp.stream/udp.stream values of every layer: one flow per
    stream, and the frames of a stream = the frames of its flow. A frame's flows are its own, the
    tunnel it travels in and that tunnel's tunnels; IP fragments joined to their datagram's flow
    carry no stream and are not compared."""
    stream_of = {}  # flow -> (proto, stream)
    tunnel_of = {}
    flow_of = {"tcp": {}, "udp": {}}
    for fid, proto, sport, tunnel, doc in con.execute(
            "SELECT id, proto, sport, tunnel, doc FROM flows(?)", (capture,)):
        tunnel_of[fid] = tunnel
        name = {6: "tcp", 17: "udp"}.get(proto)
        if name is None or sport is None:
            continue  # flows without ports are other IP traffic (e.g. IP fragments before reassembly)
        stream = json.loads(doc).get(name + ".stream")
        if stream is None:
            report.fail("flow %d has no %s.stream" % (fid, name), None, name)
            continue
        stream_of[fid] = (name, str(stream))
        if str(stream) in flow_of[name]:
            report.fail("%s.stream %s is several flows" % (name, stream), [flow_of[name][str(stream)], fid], stream)
        flow_of[name][str(stream)] = fid
    for name in ("tcp", "udp"):
        theirs = set()
        for streams in frame_streams.values():
            theirs |= streams[name]
        if len(flow_of[name]) != len(theirs):
            report.fail("%s flows vs distinct %s.stream (every layer)" % (name, name), len(flow_of[name]), len(theirs))
    for pid, streams in frame_streams.items():
        chain = [frame_flow.get(pid)]
        up = frame_tunnel.get(pid)
        while up is not None and up not in chain:
            chain.append(up)
            up = tunnel_of.get(up)
        for name in ("tcp", "udp"):
            for stream in streams[name]:
                flow = flow_of[name].get(stream)
                if flow not in chain:
                    report.mismatch(pid, "%s.stream %s's flow %s is not the frame's" % (name, stream, flow), chain, stream)
        if not streams["tcp"] and not streams["udp"]:
            continue  # an IP fragment in its datagram's flow, or no transport at all
        for flow in chain:
            if flow in stream_of and stream_of[flow][1] not in streams[stream_of[flow][0]]:
                report.mismatch(pid, "frame of flow %d without its %s.stream" % (flow, stream_of[flow][0]),
                                stream_of[flow][1], sorted(streams[stream_of[flow][0]]))


def check_capture(args, capture, types, work):
    name = os.path.basename(capture)
    report = Report(name)
    tshark = args.tshark
    base_fields = ["frame.number", "frame.time_epoch", "frame.len", "_ws.col.Info",
                   "_ws.col.Source", "_ws.col.Destination", "tcp.stream", "udp.stream"]
    base, err, rc = run_tshark(tshark, capture, base_fields)
    tshark_frames = len(base)

    os.environ["XTRACTR_INDEX_DIR"] = os.path.join(work, "index")
    con = open_extension(args.extension)
    try:
        summary = json.loads(con.execute("SELECT xtractr_index(?)", (capture,)).fetchone()[0])
    except sqlite3.Error as e:
        message = str(e)
        if tshark_frames > 0:
            report.fail("xtractr_index error", message, "%d frames" % tshark_frames)
        elif capture not in message and name not in message:
            report.fail("error names the file", message, capture)
        else:
            print("ok %s: no frames for tshark (%s); xtractr says: %s" % (name, err.strip()[:120], message))
        return report
    frames = summary["frames"]
    index_dir = summary["files"][0]["index"]
    if frames != tshark_frames:
        report.fail("frame count", frames, tshark_frames)
    if rc != 0 and tshark_frames > 0 and not summary["warnings"]:
        report.fail("warning for a capture tshark could not finish", summary["warnings"], err.strip())

    facts = oracle_facts(args.oracle, name)
    for fact, value, how in facts:
        if fact == "frames" and value.isdigit() and int(value) != frames:
            report.fail("ORACLE frames", frames, int(value))

    # per-frame columns, and flows
    rows = con.execute("SELECT id, time, length, title, src, dst, flow, tunnel FROM packets(?) ORDER BY id",
                       (capture,))
    n = 0
    frame_flow = {}
    frame_tunnel = {}
    frame_streams = {}
    for (pid, ptime, length, title, src, dst, flow, tunnel), t in zip(rows, base):
        n += 1
        frame_flow[pid] = flow
        frame_tunnel[pid] = tunnel
        if len(t) != len(base_fields):
            report.mismatch(pid, "tshark output line", None, SEP.join(t))
            continue
        if str(pid) != t[0]:
            report.mismatch(pid, "id", pid, t[0])
        if not time_equal(ptime, t[1]):
            report.mismatch(pid, "time", ptime, t[1])
        if str(length) != t[2]:
            report.mismatch(pid, "length", length, t[2])
        if tshark_escape(title or "") != t[3]:
            report.mismatch(pid, "title", title, t[3])
        if tshark_escape(src or "") != t[4]:
            report.mismatch(pid, "src", src, t[4])
        if tshark_escape(dst or "") != t[5]:
            report.mismatch(pid, "dst", dst, t[5])
        frame_streams[pid] = {"tcp": set(t[6].split(AGG)) - {""}, "udp": set(t[7].split(AGG)) - {""}}
    if n != tshark_frames and frames == tshark_frames:
        report.fail("rows read back", n, tshark_frames)
    check_stream_flows(con, capture, report, frame_flow, frame_tunnel, frame_streams)

    # community ids: Wireshark's Community ID dissector (off by default), per frame; a flow's
    # id must equal it on the flow's first frame that has one and a single IP layer (in a
    # tunnel tshark hashes the innermost packet, a flow its stream's own header)
    cid_rows, _, _ = run_tshark(tshark, capture, ["frame.number", "communityid", "frame.protocols"],
                                options=["--enable-protocol", "communityid"])
    flow_cid = {}
    for r in cid_rows:
        if len(r) != 3 or not r[0].isdigit() or not r[1]:
            continue
        layers = r[2].split(":")
        if layers.count("ip") + layers.count("ipv6") != 1:
            continue
        above = layers[layers.index("ip" if "ip" in layers else "ipv6") + 1:]
        if above[:1] == ["ipv6.fraghdr"]:
            above = above[1:]
        if not above or above[0] == "data":
            continue  # an IP fragment: tshark hashes the fragment, the flow is its datagram's
        flow = frame_flow.get(int(r[0]))
        if flow is not None and flow not in flow_cid:
            flow_cid[flow] = (int(r[0]), r[1].split(AGG)[-1])
    for fid, cid in con.execute("SELECT id, community_id FROM flows(?)", (capture,)):
        if fid in flow_cid and (cid or "") != flow_cid[fid][1]:
            report.mismatch(flow_cid[fid][0], "community_id of flow %d" % fid, cid, flow_cid[fid][1])

    # fields: the head of the capture in memory, the rest streamed
    names = [f for f in field_names(os.path.join(index_dir, "index.db"))]
    head_count = min(frames, args.head_frames)
    head_docs = []
    head_names = set()
    oracle = OracleCheck(facts)
    tail_names = None
    tail_values = {}
    example = {}  # field name -> a frame id holding it
    missing_example = {}
    cur = con.execute("SELECT id, doc FROM packets(?) ORDER BY id", (capture,))
    for pid, text in cur:
        doc = load_doc(text)
        oracle.add(doc)
        if args.tamper:
            tamper(doc, types)
        if pid <= head_count:
            head_docs.append(doc)
            head_names.update(doc.keys())
            if pid == head_count:
                tail_names = set(names) - head_names
        elif tail_names:
            picked = {k: doc[k] for k in tail_names if k in doc}
            if picked:
                tail_values[pid] = picked
        for k in doc:
            example.setdefault(k, pid)
    if tail_names is None:
        tail_names = set(names) - head_names
    checked_facts = oracle.check(report)

    unknown = [f for f in names if f not in types]
    for f in unknown:
        report.fail("field name unknown to tshark -G fields", f, None)
    known = [f for f in names if f in types]
    # frame.number leads every tshark run (a name asked twice prints once, in the last
    # column); the doc's own copy must equal the packet id
    for frame, doc in enumerate(head_docs, 1):
        if doc.get("frame.number") != frame or doc.get("id") != frame:
            report.mismatch(frame, "frame.number / id in doc", [doc.get("frame.number"), doc.get("id")], frame)
    batchable = [f for f in known if f != "frame.number"]

    def is_integer(f):
        return bool(types.get(f, set()) & INTEGER_TYPES) and not (types[f] - INTEGER_TYPES)

    def compare(batch, docs_by_frame, count):
        rows, err, rc = run_tshark(tshark, capture, ["frame.number"] + batch, count)
        unsplittable = []
        for t in rows:
            if len(t) != len(batch) + 1 or not t[0].isdigit():
                if t[0].isdigit():
                    unsplittable.append(int(t[0]))
                else:
                    report.mismatch("?", "tshark output line (fields)", None, SEP.join(t)[:300])
                continue
            frame = int(t[0])
            doc = docs_by_frame(frame)
            if doc is None:
                if any(t[1:]):
                    report.mismatch(frame, "frame missing from our index", None, "")
                continue
            for f, text in zip(batch, t[1:]):
                ours = as_list(doc.get(f))
                theirs = text.split(AGG) if text else []
                if not values_equal(ours, theirs, is_integer(f)):
                    report.mismatch(frame, f, ours, theirs)
        if unsplittable:
            report.json_fallbacks += len(unsplittable)
            layers = tshark_json_values(tshark, capture, batch, unsplittable)
            for frame in unsplittable:
                doc = docs_by_frame(frame) or {}
                if frame not in layers:
                    report.mismatch(frame, "tshark -T json lacks the frame", None, None)
                    continue
                for f in batch:
                    ours = as_list(doc.get(f))
                    theirs = layers[frame].get(f, [])
                    if not values_equal(ours, theirs, is_integer(f), escaped=False):
                        report.mismatch(frame, f + " (-T json)", ours, theirs)

    head = [f for f in batchable if f in head_names]
    for i in range(0, len(head), args.batch):
        compare(head[i:i + args.batch],
                lambda frame: head_docs[frame - 1] if 1 <= frame <= len(head_docs) else None,
                head_count if head_count < frames else None)
    tail = [f for f in batchable if f in tail_names]
    for i in range(0, len(tail), args.batch):
        compare(tail[i:i + args.batch], lambda frame: tail_values.get(frame, {}), None)

    # field() and fields() read the doc as the doc says
    absent_frame = None
    for f in known:
        pid = example.get(f)
        if pid is None:
            report.fail("field in dictionary but in no doc", f, None)
            continue
        row = con.execute("SELECT field(doc, ?1), fields(doc, ?1), json_extract(doc, '$.\"' || ?1 || '\"')"
                          " FROM packets(?2) WHERE id = ?3", (f, capture, pid)).fetchone()
        one, many, raw = row
        values = json.loads(many, parse_float=str) if many is not None else None
        if values is None or not isinstance(values, list) or not values:
            report.mismatch(pid, "fields(doc, %s)" % f, many, "a JSON array")
            continue
        first = values[0]
        if isinstance(first, str) and not isinstance(one, str) and not (
                types.get(f) and types[f] & {"FT_DOUBLE", "FT_FLOAT", "FT_RELATIVE_TIME"}):
            report.mismatch(pid, "field(doc, %s) type" % f, one, first)
        elif isinstance(first, int) and one != first:
            report.mismatch(pid, "field(doc, %s)" % f, one, first)
        elif isinstance(first, str) and isinstance(one, str) and one != first:
            report.mismatch(pid, "field(doc, %s)" % f, one, first)
    if frames > 0:
        # a Wireshark field frame 1 lacks is NULL; a name that is no field is an error
        first_doc = json.loads(con.execute("SELECT doc FROM packets(?) WHERE id = 1", (capture,)).fetchone()[0])
        lacking = next(f for f in sorted(types) if f not in first_doc)
        absent = con.execute("SELECT field(doc, ?2), fields(doc, ?2) FROM packets(?1) WHERE id = 1",
                             (capture, lacking)).fetchone()
        if absent != (None, None):
            report.fail("field()/fields() of an absent field (%s)" % lacking, absent, [None, None])
        try:
            con.execute("SELECT field(doc, 'no.such.field') FROM packets(?) WHERE id = 1", (capture,)).fetchone()
            report.fail("field() of a name that is no field", "no error", "an error")
        except sqlite3.OperationalError as e:
            if "unknown field 'no.such.field'" not in str(e):
                report.fail("field() of a name that is no field", str(e), "unknown field 'no.such.field'")

    for f in args.filters:
        p = tshark_run([tshark, "-n", "-r", capture, "-Y", f, "-T", "fields", "-e", "frame.number"], capture)
        theirs = [int(line) for line in p.stdout.decode().split()]
        ours = [r[0] for r in con.execute("SELECT id FROM packets(?, NULL, ?) ORDER BY id", (capture, f))]
        if ours != theirs:
            report.fail("frames of the display filter %s" % f, ours, theirs)
        else:
            print("  %s: %d frames" % (f, len(ours)))

    print("ok %s: %d frames, %d field names (%d on the first %d frames, %d later), %d oracle facts, "
          "%d frames re-read as JSON, %d mismatches"
          % (name, frames, len(names), len(head), head_count, len(tail), checked_facts,
             report.json_fallbacks, report.count)
          if report.count == 0 else
          "FAIL %s: %d frames, %d field names, %d mismatches; by field: %s"
          % (name, frames, len(names), report.count,
             ", ".join("%s=%d" % kv for kv in report.by_field.most_common(15))))
    con.close()
    return report


def tamper(doc, types):
    """--tamper: spoils one integer and one text value of a doc, so that a run proves the
    comparison can fail."""
    done_int = done_text = False
    for k, v in doc.items():
        if "." not in k or isinstance(v, list):
            continue
        if not done_int and isinstance(v, int) and types.get(k, set()) & INTEGER_TYPES:
            doc[k] = v + 1
            done_int = True
        elif not done_text and isinstance(v, str) and types.get(k) == {"FT_STRING"}:
            doc[k] = v + "~"
            done_text = True


def expand(paths):
    files = []
    for p in paths:
        if os.path.isdir(p):
            for entry in sorted(os.listdir(p)):
                full = os.path.join(p, entry)
                if os.path.isfile(full) and entry.endswith(CAPTURE_SUFFIXES):
                    files.append(full)
        else:
            files.append(p)
    return files


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--extension", required=True, help="path to xtractr.so")
    ap.add_argument("--tshark", default="tshark")
    ap.add_argument("--oracle", help="ORACLE.tsv with tshark facts per file name")
    ap.add_argument("--head-frames", type=int, default=1500,
                    help="frames whose every field is compared (fields first seen later: whole file)")
    ap.add_argument("--batch", type=int, default=100, help="fields per tshark run")
    ap.add_argument("--tamper", action="store_true",
                    help="spoil our values before comparing; exit 0 only if mismatches are found")
    ap.add_argument("--filters", default="", help="display filters whose frames are compared, comma-separated")
    ap.add_argument("captures", nargs="+")
    args = ap.parse_args()
    args.filters = [f for f in args.filters.split(",") if f]
    args.extension = os.path.abspath(args.extension)
    if args.oracle and not os.path.exists(args.oracle):
        args.oracle = None
    types = tshark_field_types(args.tshark)
    failures = 0
    work = tempfile.mkdtemp(prefix="xtractr-diff-")
    try:
        for capture in expand(args.captures):
            report = check_capture(args, os.path.abspath(capture), types, work)
            failures += report.count
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.tamper:
        print("tampered run: %d mismatches found (expected some)" % failures)
        return 0 if failures else 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
