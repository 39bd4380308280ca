#!/usr/bin/python3
"""diff_payload.py — differential test of substring search from the payload index
(index/payload_grams.h): `frame contains`, `tcp.payload contains`, `udp.payload contains`
against `tshark -Y`, and the query language's `stream:"..."` against the streams
`tshark -z follow,tcp,raw` / `follow,udp,raw` reassemble, with needles drawn from each capture's
own bytes (so that they hit) and a needle no capture holds.

Usage:

    /usr/bin/python3 tests/search/diff_payload.py --extension build/xtractr.so [--seed 1]
        [--needles 12] [--max-streams 150] CAPTURE...

For every capture, indexed with xtractr_config('payload_index', 1) (the test fails when the
index has no payload_grams table, so it always tests the index, not the scan without it):

* needles: substrings (3 to 24 bytes) of random TCP and UDP payloads, an Ethernet source address
  (header bytes: a byte-string literal aa:bb:cc:..), needles written with escapes (\\xhh), and a
  needle absent from the capture. Each as `frame contains N`, `tcp.payload contains N` and
  `udp.payload contains N`: the frame numbers of packets(F, NULL, FILTER) must equal tshark's (all
  filters in one tshark pass);
* straddling needles: the last bytes of one TCP segment's payload and the first of the next in
  sequence (as tshark's follow reassembles them). `frame contains` does not find them in those
  frames; `flows(F, 'stream:"N"')` must be exactly the TCP/UDP flows one of whose directions'
  reassembled bytes hold the needle (every stream followed by tshark when the capture has at most
  --max-streams of them; else the flows returned are checked and the needle's own flow must be
  among them).
* bare words of the query language: words and phrases drawn from the payloads (in changed case,
  whole and cut inside a word, across two segments) and an absent one. `packets(F, 'WORD')` must be
  the frames whose string fields hold each of its words (SQL over `doc`: split like the index's W
  terms) plus the frames tshark's `-z follow,tcp,yaml` / `follow,udp,yaml` shows carrying a byte of
  an occurrence of WORD in one direction's bytes (any ASCII case, not inside a longer run of letters
  and digits, no occurrence across a gap) — checked when the capture has at most --max-streams
  streams; `flows(F, 'WORD')` the flows of those frames.

Prints `MISMATCH ...` lines and exits 1 when there is any; `--tamper` spoils our answers (drops
a frame, toggles flow 1) to prove the comparison can fail (it must then exit 1).
"""
import argparse
import base64
import json
import os
import re
import random
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from xtractr_test import connect, filter_frames, frame_flows, index_db, scratch_copy, tshark, tshark_env  # noqa: E402

FIELDS = ("frame", "tcp.payload", "udp.payload")
ABSENT = b"xtractr: no capture holds this \x01"


def literal(needle, style):
    """A display-filter literal for `needle`: a string, a string with \\xhh escapes, or a byte string."""
    printable = all(32 <= b < 127 and b not in b'"\\' for b in needle)
    if style == "string" and printable:
        return '"%s"' % needle.decode()
    if style == "escaped":
        return '"%s"' % "".join("\\x%02x" % b for b in needle)
    return ":".join("%02x" % b for b in needle)


def query_literal(needle):
    """The query language's quoted value (text: its UTF-8 bytes are the needle): backslash before '"' and '\\'."""
    text = needle.decode("utf-8")
    return '"%s"' % text.replace("\\", "\\\\").replace('"', '\\"')


def frame_payloads(capture):
    """[(frame, tcp.stream, tcp.seq, tcp payload, udp payload, eth.src)] from tshark."""
    p = subprocess.run(["tshark", "-n", "-r", capture, "-T", "fields", "-E", "occurrence=l", "-e", "frame.number",
                        "-e", "tcp.stream", "-e", "tcp.seq_raw", "-e", "tcp.payload", "-e", "udp.payload",
                        "-e", "eth.src"], capture_output=True, text=True, env=tshark_env())
    rows = []
    for line in p.stdout.splitlines():
        cols = (line.split("\t") + [""] * 6)[:6]
        if not cols[0].isdigit():
            continue
        stream = int(cols[1]) if cols[1].isdigit() else None
        seq = int(cols[2]) if cols[2].isdigit() else None
        rows.append((int(cols[0]), stream, seq, bytes.fromhex(cols[3].replace(":", "")),
                     bytes.fromhex(cols[4].replace(":", "")), cols[5]))
    return rows


def followed(capture, kind, streams):
    """{stream: [direction 0 bytes, direction 1 bytes]} from tshark -z follow,KIND,raw,N (one pass)."""
    out = {}
    streams = sorted(streams)
    for start in range(0, len(streams), 100):  # a bounded command line
        chunk = streams[start:start + 100]
        args = ["tshark", "-n", "-q", "-r", capture]
        for s in chunk:
            args += ["-z", "follow,%s,raw,%d" % (kind, s)]
        p = subprocess.run(args, capture_output=True, text=True, env=tshark_env())
        current, first_node = None, None
        for line in p.stdout.splitlines():
            if line.startswith("Follow: "):
                current = None
            elif line.startswith("Filter: "):
                last = line.split()[-1]
                current = int(last) if last.isdigit() else None
                if current is not None:
                    out[current] = [b"", b""]
            elif line.startswith("Node 0:") or line.startswith("Node 1:") or line.startswith("==="):
                continue
            elif current is not None and line.strip():
                data = line.strip()
                side = 1 if line.startswith("\t") else 0
                try:
                    out[current][side] += bytes.fromhex(data)
                except ValueError:
                    pass
    return out


MISSING = re.compile(rb"^\[\d+ bytes missing in capture file\]\.?$")
WORD_TYPES = {"FT_STRING", "FT_STRINGZ", "FT_UINT_STRING", "FT_STRINGZPAD", "FT_STRINGZTRUNC"}


def stream_sets(capture):
    """{kind: {frame: {tcp.stream or udp.stream numbers it carries}}} from tshark (a tunnel's frame
    can carry two)."""
    out = {"tcp": {}, "udp": {}}
    for line in tshark("-r", capture, "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=,", "-e", "frame.number",
                       "-e", "tcp.stream", "-e", "udp.stream").decode().splitlines():
        cols = (line.split("\t") + ["", ""])[:3]
        if cols[0].isdigit():
            for kind, streams in zip(("tcp", "udp"), cols[1:]):
                out[kind][int(cols[0])] = {int(x) for x in streams.split(",") if x.isdigit()}
    return out


def followed_runs(capture, kind, streams, flow_of_frame, stream_of):
    """{stream: [(peer, bytes, [(offset, frame)])]}: each direction's bytes between gaps, with the
    frames that carried them, from tshark -z follow,KIND,yaml,N (100 streams per pass; tshark does
    not print them in the order asked and YAML names no stream: the packets' own streams tell).
    `streams` maps each stream to its flow: only that flow's own frames count (a tunnel's flow is
    searched in the bytes of its own frames, not in those of the flows it carries)."""
    out = {}
    ordered = sorted(streams)
    for start in range(0, len(ordered), 100):
        chunk = ordered[start:start + 100]
        args = ["-q", "-r", capture]
        for s in chunk:
            args += ["-z", "follow,%s,yaml,%d" % (kind, s)]
        text = tshark(*args).decode()
        for doc in text.split("peers:")[1:]:  # one YAML document per stream
            packets = []
            for entry in doc.split("\n  - packet: ")[1:]:
                lines = entry.split("\n")
                frame = int(lines[0])
                peer = int(lines[1].split(":")[1])
                data = base64.b64decode("".join(l.strip() for l in lines[4:] if l.startswith("      ")))
                packets.append((frame, peer, data))
            if not packets:
                continue
            common = set.intersection(*(stream_of.get(f, set()) for f, _, _ in packets)) & set(chunk)
            if len(common) != 1:
                raise RuntimeError("cannot tell which %s stream tshark followed (frames %s)" % (
                    kind, [f for f, _, _ in packets][:5]))
            s = common.pop()
            runs, current = [], {}
            for frame, peer, data in packets:
                if MISSING.match(data):
                    if peer in current:
                        runs.append(current.pop(peer))
                    continue
                if flow_of_frame.get(frame) != streams[s]:
                    continue
                run = current.setdefault(peer, (peer, bytearray(), []))
                run[2].append((len(run[1]), frame))
                run[1].extend(data)
            runs.extend(current.values())
            out[s] = [(p, bytes(b), starts) for p, b, starts in runs]
    return out


def word_byte(b):
    return (48 <= b <= 57) or (65 <= b <= 90) or (97 <= b <= 122)


def frames_with_word(runs, word):
    """The frames carrying a byte of an occurrence of `word` (any ASCII case, at word boundaries)."""
    w = word.lower()
    found = set()
    for stream_runs in runs.values():
        for _, data, starts in stream_runs:
            low = data.lower()
            at = low.find(w)
            while at >= 0:
                end = at + len(w)
                ok = not (word_byte(w[0]) and at > 0 and word_byte(low[at - 1]))
                ok = ok and not (word_byte(w[-1]) and end < len(low) and word_byte(low[end]))
                if ok:
                    found |= {f for i, (o, f) in enumerate(starts)
                              if o < end and (starts[i + 1][0] if i + 1 < len(starts) else len(low)) > at}
                at = low.find(w, at + 1)
    return found


def split_words(text):
    """The index's W terms of a string (search_terms.cc split_words): runs of ASCII letters and
    digits, 2 to 64 long, with a letter, lower-cased."""
    return [w.lower() for w in re.findall(r"[A-Za-z0-9]+", text)
            if 2 <= len(w) <= 64 and re.search(r"[A-Za-z]", w)]


class Checker:
    def __init__(self, args, capture):
        self.args, self.capture = args, capture
        self.rng = random.Random("%s:%s" % (args.seed, os.path.basename(capture)))
        self.db = connect(args.extension)
        self.db.execute("SELECT xtractr_config('payload_index', 1)")
        self.mismatches = self.checked = self.stream_words = 0

    def report(self, what):
        self.mismatches += 1
        print("MISMATCH %s: %s" % (os.path.basename(self.capture), what))

    def needles(self, rows):
        out = []
        payloads = [r[3] for r in rows if r[3]] + [r[4] for r in rows if r[4]]
        for _ in range(self.args.needles if payloads else 0):
            data = self.rng.choice(payloads)
            if len(data) < 3:
                continue
            length = self.rng.choice([3, 4, 6, 8, 12, 16, 24])
            at = self.rng.randrange(0, max(1, len(data) - length + 1))
            out.append(data[at:at + length])
        macs = [r[5] for r in rows if r[5]]
        if macs:
            out.append(bytes.fromhex(self.rng.choice(macs).replace(":", "")))
        out.append(ABSENT)
        return [n for n in dict.fromkeys(out) if len(n) >= 3]

    def ours(self, flt):
        try:
            got = [r[0] for r in self.db.execute("SELECT id FROM packets(?, NULL, ?)", (self.capture, flt))]
        except sqlite3_error() as e:
            return "error: %s" % e
        return got[:-1] if self.args.tamper else got  # --tamper: the comparison must catch a lost frame

    def check_filters(self, rows):
        filters = []
        for i, needle in enumerate(self.needles(rows)):
            style = ("string", "escaped", "bytes")[i % 3]
            for field in FIELDS:
                filters.append("%s contains %s" % (field, literal(needle, style)))
        theirs = filter_frames(self.capture, filters)
        for flt in filters:
            expected, error = theirs[flt]
            if error:
                continue  # tshark refuses it (e.g. udp.payload in a capture without UDP is fine)
            got = self.ours(flt)
            self.checked += 1
            if got != expected:
                self.report("%s: ours %s, tshark's %s" % (flt, str(got)[:200], str(expected)[:200]))

    def straddling(self, rows):
        """Needles across two TCP segments adjacent in sequence: (needle, stream)."""
        by_stream = {}
        for frame, stream, seq, payload, _, _ in rows:
            if stream is not None and seq is not None and payload:
                by_stream.setdefault(stream, []).append((seq, payload))
        pairs = []
        for stream, segs in by_stream.items():
            ends = {(seq + len(p)) & 0xffffffff: p for seq, p in segs}
            for seq, p in segs:
                if seq in ends and ends[seq] != p:
                    pairs.append((stream, ends[seq], p))
        self.rng.shuffle(pairs)
        out = []
        for stream, a, b in pairs:
            k = self.rng.choice([2, 3, 5])
            needle = a[-k:] + b[:k]
            try:
                needle.decode("utf-8")  # the query language's text spells it
            except UnicodeDecodeError:
                continue
            out.append((needle, stream))
            if len(out) == 4:
                break
        return out

    def check_streams(self, rows):
        idx = index_db(self.db, self.capture)
        tcp = {s: f for f, s in idx.execute("SELECT id, tcp_stream FROM flows WHERE proto = 6 AND tcp_stream >= 0")}
        udp = {s: f for f, s in idx.execute("SELECT id, udp_stream FROM flows WHERE proto = 17 AND udp_stream >= 0")}
        needles = self.straddling(rows)
        if not needles:
            return
        complete = len(tcp) + len(udp) <= self.args.max_streams
        streams_tcp = followed(self.capture, "tcp", tcp if complete else {s for _, s in needles})
        streams_udp = followed(self.capture, "udp", udp) if complete else {}
        holders_of = {}
        for needle, stream in needles + [(ABSENT, None)]:
            holders = {tcp[s] for s, d in streams_tcp.items() if s in tcp and (needle in d[0] or needle in d[1])}
            holders |= {udp[s] for s, d in streams_udp.items() if s in udp and (needle in d[0] or needle in d[1])}
            holders_of[needle] = (holders, stream)
        for needle, (holders, stream) in holders_of.items():
            q = "stream:" + query_literal(needle)
            got = {r[0] for r in self.db.execute("SELECT id FROM flows(?, ?)", (self.capture, q))}
            if self.args.tamper:
                got ^= {1}
            self.checked += 1
            if stream is not None and tcp.get(stream) not in holders:
                self.report("tshark's follow of tcp.stream %d lacks its own straddling needle %r" % (stream, needle))
            if complete and got != holders:
                self.report("%s: ours %s, followed by tshark %s" % (q, sorted(got), sorted(holders)))
            if not complete:
                if stream is not None and tcp[stream] not in got:
                    self.report("%s: flow %d (tcp.stream %d) missing from %s" % (q, tcp[stream], stream, sorted(got)))
                back = {f: s for s, f in tcp.items()}
                extra = followed(self.capture, "tcp", {back[f] for f in got if f in back})
                for s, d in extra.items():
                    if needle not in d[0] and needle not in d[1]:
                        self.report("%s: flow %d does not hold it" % (q, tcp[s]))

    def word_needles(self, rows):
        """Bare words drawn from the payloads: whole words (case changed), a word cut inside, a
        phrase with punctuation, a word across two TCP segments, and an absent word."""
        texts = [r[3] for r in rows if r[3]] + [r[4] for r in rows if r[4]]
        words = sorted({w for t in texts for w in re.findall(rb"[A-Za-z][A-Za-z0-9]{2,15}", t)})
        out = []
        for _ in range(min(len(words), 2)):
            w = self.rng.choice(words).decode()
            out.append("".join(c.upper() if self.rng.random() < 0.5 else c for c in w))
        long_words = [w for w in words if len(w) >= 6]
        if long_words:
            out.append(self.rng.choice(long_words)[1:-1].decode())  # inside a longer word: no stream match
        phrases = sorted({p for t in texts for p in re.findall(rb"[A-Za-z]{3,10}[-:/ ][A-Za-z]{3,10}", t)})
        for p in self.rng.sample(phrases, min(1, len(phrases))):
            out.append(p.decode())
        for needle, _ in self.straddling(rows)[:1]:
            m = re.search(rb"[A-Za-z0-9]{3,}", needle)
            if m:
                out.append(m.group(0).decode())
        out.append("xtractrabsentword")
        return [w for w in dict.fromkeys(out) if split_words(w)]

    def check_words(self, rows):
        idx = index_db(self.db, self.capture)
        tcp = {s: f for f, s in idx.execute("SELECT id, tcp_stream FROM flows WHERE proto = 6 AND tcp_stream >= 0")}
        udp = {s: f for f, s in idx.execute("SELECT id, udp_stream FROM flows WHERE proto = 17 AND udp_stream >= 0")}
        if len(tcp) + len(udp) > self.args.max_streams:
            return
        flow_of_frame = dict(idx.execute("SELECT id, flow FROM packets"))
        stream_of = stream_sets(self.capture)
        runs = followed_runs(self.capture, "tcp", tcp, flow_of_frame, stream_of["tcp"])
        runs.update({("udp", s): r for s, r in followed_runs(self.capture, "udp", udp, flow_of_frame,
                                                              stream_of["udp"]).items()})
        string_fields = {n for n, t in self.db.execute("SELECT name, type FROM xtractr_fields(?)", (self.capture,))
                         if t in WORD_TYPES and n != "frame.protocols"}
        flows_of = frame_flows(self.db, self.capture)  # its own flow and the tunnels it travels in
        docs = []
        for frame, flow, doc in self.db.execute("SELECT id, flow, doc FROM packets(?)", (self.capture,)):
            words = set()
            for name, value in json.loads(doc).items():
                if name in string_fields:
                    for v in value if isinstance(value, list) else [value]:
                        words.update(split_words(str(v)))
            docs.append((frame, flow, words))
        for i, word in enumerate(self.word_needles(rows)):
            wanted = split_words(word)
            expected = {f for f, _, ws in docs if all(w in ws for w in wanted)}
            if len(word) >= 3:
                in_streams = frames_with_word(runs, word.encode())
                self.stream_words += bool(in_streams - expected)  # words the payload search adds frames to
                expected |= in_streams
            q = query_literal(word.encode()) if re.search(r"[^A-Za-z0-9]", word) else word
            got = {r[0] for r in self.db.execute("SELECT id FROM packets(?, ?)", (self.capture, q))}
            if self.args.tamper and got:
                got.discard(max(got))
            self.checked += 1
            if got != expected:
                self.report("packets(%r): ours %d, expected %d: extra %s missing %s" % (
                    q, len(got), len(expected), sorted(got - expected)[:10], sorted(expected - got)[:10]))
            if i % 3:
                continue  # flows() for every third word (each query replays its candidate flows)
            got_flows = {r[0] for r in self.db.execute("SELECT id FROM flows(?, ?)", (self.capture, q))}
            expected_flows = {fl for f in expected for fl in flows_of.get(f, ())}
            if self.args.tamper and got_flows:
                got_flows.discard(max(got_flows))
            self.checked += 1
            if got_flows != expected_flows:
                self.report("flows(%r): ours %s, expected %s" % (q, sorted(got_flows)[:20], sorted(expected_flows)[:20]))

    def run(self):
        rows = frame_payloads(self.capture)
        count = self.db.execute("SELECT count(*) FROM packets(?)", (self.capture,)).fetchone()[0]
        idx = index_db(self.db, self.capture)
        has = idx.execute("SELECT count(*) FROM sqlite_master WHERE name = 'payload_grams'").fetchone()[0]
        if count and not has:
            self.report("the index has no payload_grams table")
            return
        self.check_filters(rows)
        self.check_streams(rows)
        self.check_words(rows)


def sqlite3_error():
    import sqlite3
    return sqlite3.Error


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--extension", required=True)
    ap.add_argument("--seed", default="1")
    ap.add_argument("--needles", type=int, default=12)
    ap.add_argument("--max-streams", type=int, default=150)
    ap.add_argument("--tamper", action="store_true", help="spoil our answers: the script must then fail")
    ap.add_argument("captures", nargs="+")
    args = ap.parse_args()
    os.environ.update(WIRESHARK_CONFIG_DIR="/nonexistent", TZ="UTC")
    scratch = tempfile.mkdtemp(prefix="xtractr-payload-")
    total = checked = 0
    try:
        for original in args.captures:
            capture = scratch_copy(original, scratch)
            c = Checker(args, capture)
            c.run()
            print("%s: %d checks (%d bare words found frames only in stream bytes), %d mismatches" % (
                os.path.basename(original), c.checked, c.stream_words, c.mismatches))
            total += c.mismatches
            checked += c.checked
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print("payload search: %d checks, %d mismatches" % (checked, total))
    return 1 if total or not checked else 0


if __name__ == "__main__":
    sys.exit(main())
