#!/usr/bin/python3
"""diff_streams.py — xtractr_stream against `tshark -q -z follow,tcp|udp,raw,N`.

Usage: diff_streams.py EXTENSION SCRATCH CAPTURE... [--max-flows N] [--tls]

For every TCP and UDP flow of each capture (at most N per capture), the bytes each direction
sends must equal tshark's follow output for that stream; where tshark inserts its
"[n bytes missing in capture file]" placeholder, xtractr must report a gap of n bytes.
With --tls, each TCP flow's decrypted TLS application data (xtractr_stream(capture, flow,
'tls')) against `tshark -z follow,tls,raw,N`, both given the key logs, secrets and settings
beside the capture; then some plaintext must have been compared, or the script fails.
Exit status 1 on any difference.
With --tamper, xtractr's side is spoiled on purpose and the script must fail."""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from xtractr_test import connect, index_db, script_args, scratch_copies, tshark  # noqa: E402

MISSING = re.compile(rb"^\[(\d+) bytes missing in capture file\]\x00$")


def tshark_follow(capture, proto, streams):
    """{stream: {"nodes": [node0, node1], "data": [bytes, bytes], "gaps": [n, ...]}}"""
    args = ["-r", capture, "-q"]
    for s in streams:
        args += ["-z", "follow,%s,raw,%d" % (proto, s)]
    out = tshark(*args).decode()
    result, current = {}, None
    for line in out.split("\n"):
        if line.startswith("Filter:"):
            m = re.search(r"eq (\d+)", line)
            current = {"nodes": [], "data": [b"", b""], "gaps": []}
            result[int(m.group(1))] = current
        elif current is None or line.startswith("====") or line.startswith("Follow:"):
            continue
        elif line.startswith("Node "):
            current["nodes"].append(line.split(": ", 1)[1])
        elif line.strip():
            side = 1 if line.startswith("\t") else 0
            chunk = bytes.fromhex(line.strip())
            m = MISSING.match(chunk)
            if m:
                current["gaps"].append(int(m.group(1)))
            else:
                current["data"][side] += chunk
    return result


def main(argv):
    tls = "--tls" in argv
    args = script_args([a for a in argv if a != "--tls"], tamper=True, max_flows=200)
    layers = (("tls", 6),) if tls else (("tcp", 6), ("udp", 17))
    plaintext = 0
    db = connect(args.extension)
    failures = checked = 0
    for original, capture in scratch_copies(args.captures, args.scratch):
        idx = index_db(db, capture)
        rows = idx.execute("SELECT id, src, sport, proto, tcp_stream, udp_stream, dst FROM flows"
                           " WHERE proto IN (6, 17) ORDER BY id LIMIT ?", (args.max_flows,)).fetchall()
        for proto_name, proto in layers:
            wanted = {(r[4] if proto == 6 else r[5]): r for r in rows if r[3] == proto}
            wanted.pop(None, None)
            if not wanted:
                continue
            oracle = tshark_follow(capture, proto_name, sorted(wanted))
            for stream, (flow, src, sport, _, _, _, dst) in sorted(wanted.items()):
                want = oracle.get(stream)
                got = [b"", b""]
                gaps = []
                for direction, data, gap in db.execute(
                        "SELECT dir, data, gap FROM xtractr_stream(?, ?, ?) ORDER BY seq",
                        (capture, flow, proto_name)):
                    if gap:
                        gaps.append(gap)
                    else:
                        got[direction] += data
                if args.tamper and checked == 0 and (got[0] or got[1]):
                    side = 0 if got[0] else 1
                    got[side] = bytes([got[side][0] ^ 1]) + got[side][1:]
                checked += 1
                plaintext += len(got[0]) + len(got[1])
                if want is None:
                    if got != [b"", b""]:
                        print("FAIL %s flow %d: tshark has no %s stream %d" % (original, flow, proto_name, stream))
                        failures += 1
                    continue
                # Node 0 is the sender of the first frame tshark saw; dir 0 is the flow's client.
                # (In tunnels tshark names the inner addresses with the outer ports: then the port decides.)
                node0 = want["nodes"][0] if want["nodes"] else ""
                client = ("[%s]:%d" % (src, sport)) if ":" in src else ("%s:%d" % (src, sport))
                node0_is_client = node0 == client or (
                    not node0.startswith(client.rsplit(":", 1)[0] + ":") and node0.endswith(":%d" % sport)
                    and not (len(want["nodes"]) > 1 and want["nodes"][1].endswith(":%d" % sport)))
                # A tunnel's UDP stream, whose nodes tshark names by the packet inside: its Node 0 is
                # the sender of its first frame, which is the UDP flow's client.
                ours = [("[%s]:" % a) if ":" in a else (a + ":") for a in (src, dst)]
                if proto == 17 and node0 and not any(node0.startswith(a) for a in ours):
                    node0_is_client = True
                expected = want["data"] if node0_is_client or not want["nodes"] else want["data"][::-1]
                ambiguous = (len(want["nodes"]) > 1 and not node0.startswith(client.rsplit(":", 1)[0] + ":")
                             and want["nodes"][0].rsplit(":", 1)[-1] == want["nodes"][1].rsplit(":", 1)[-1])
                if ambiguous and got in (want["data"], want["data"][::-1]):
                    expected = got  # same port both ways and tshark names inner addresses: no way to orient
                if got != expected or sorted(gaps) != sorted(want["gaps"]):
                    failures += 1
                    print("FAIL %s flow %d (%s stream %d): xtractr %d/%d bytes gaps %s, tshark %d/%d bytes gaps %s"
                          % (original, flow, proto_name, stream, len(got[0]), len(got[1]), gaps,
                             len(expected[0]), len(expected[1]), want["gaps"]))
    print("diff_streams: %d flows compared, %d differ%s"
          % (checked, failures, ", %d bytes of TLS plaintext" % plaintext if tls else ""))
    return 1 if failures or not checked or (tls and not plaintext) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
