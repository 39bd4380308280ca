#!/usr/bin/python3
"""make_gzip_body_capture.py — derives a capture whose HTTP response body is gzip-encoded
(optionally corrupt) from a real capture, for the xtractr_objects `note` tests.

Usage: make_gzip_body_capture.py SOURCE.pcap OUTPUT.pcap [--corrupt]
  e.g. make_gzip_body_capture.py tests/data/http_get_simple__zeek.pcap gzip_corrupt.pcap --corrupt

How it works: every frame of SOURCE is kept, byte for byte, except the payload of the first
HTTP response (server to client, reassembled over its TCP segments): one header line (ETag,
Last-Modified, Date or Server) becomes `Content-Encoding: gzip` padded with spaces, and the body
becomes a gzip stream of the original body of exactly the same length (the gzip header's
FCOMMENT field takes up the slack), so TCP sequence numbers and every length stay valid. With
--corrupt the first deflate block header is given the reserved block type 3: inflate fails at
once ("invalid block type"), so Wireshark's HTTP dissector cannot decompress it. The TCP (and
IPv4 header) checksums of the changed segments are recomputed. Classic pcap, Ethernet, IPv4.
"""
import gzip
import os
import struct
import sys
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from xtractr_test import internet_checksum  # noqa: E402


def read_pcap(path):
    data = open(path, "rb").read()
    magic = data[:4]
    endian = {b"\xd4\xc3\xb2\xa1": "<", b"\x4d\x3c\xb2\xa1": "<",
              b"\xa1\xb2\xc3\xd4": ">", b"\xa1\xb2\x3c\x4d": ">"}.get(magic)
    if endian is None:
        raise SystemExit("%s: not a classic pcap file" % path)
    if struct.unpack(endian + "I", data[20:24])[0] != 1:
        raise SystemExit("%s: not Ethernet" % path)
    records, pos = [], 24
    while pos + 16 <= len(data):
        ts_sec, ts_frac, incl, orig = struct.unpack(endian + "IIII", data[pos:pos + 16])
        records.append([data[pos:pos + 16], bytearray(data[pos + 16:pos + 16 + incl])])
        pos += 16 + incl
    return data[:24], records


def tcp_segment(frame):
    """(ip offset, tcp offset, payload offset, payload length, src port, seq) or None."""
    if len(frame) < 14 + 20 or frame[12:14] != b"\x08\x00":
        return None
    ip = 14
    ihl = (frame[ip] & 15) * 4
    total = struct.unpack("!H", frame[ip + 2:ip + 4])[0]
    if frame[ip + 9] != 6 or ip + total > len(frame):
        return None
    tcp = ip + ihl
    sport, dport, seq = struct.unpack("!HHI", frame[tcp:tcp + 8])
    payload = tcp + (frame[tcp + 12] >> 4) * 4
    return ip, tcp, payload, ip + total - payload, sport, seq


def fix_checksums(frame, ip, tcp, end):
    ihl = tcp - ip
    frame[ip + 10:ip + 12] = b"\0\0"
    frame[ip + 10:ip + 12] = struct.pack("!H", internet_checksum(bytes(frame[ip:ip + ihl])))
    frame[tcp + 16:tcp + 18] = b"\0\0"
    pseudo = bytes(frame[ip + 12:ip + 20]) + struct.pack("!BBH", 0, 6, end - tcp)
    frame[tcp + 16:tcp + 18] = struct.pack("!H", internet_checksum(pseudo + bytes(frame[tcp:end])))


def gzip_of_length(body, length, corrupt):
    """A gzip member holding `body`, exactly `length` bytes long (FCOMMENT pads)."""
    deflater = zlib.compressobj(9, zlib.DEFLATED, -15)
    deflated = deflater.compress(body) + deflater.flush()
    comment_len = length - 10 - 1 - len(deflated) - 8
    if comment_len < 0:
        raise SystemExit("the body does not compress enough to stay %d bytes long" % length)
    text = b"xtractr test: body re-encoded as gzip, same length as the original "
    comment = (text * (comment_len // len(text) + 1))[:comment_len]
    header = b"\x1f\x8b\x08\x10" + b"\0\0\0\0" + b"\x02\xff" + comment + b"\0"
    if corrupt:
        deflated = bytes([deflated[0] | 0x06]) + deflated[1:]  # BTYPE 3: reserved, invalid
    member = header + deflated + struct.pack("<II", zlib.crc32(body), len(body) & 0xFFFFFFFF)
    assert len(member) == length
    if not corrupt:
        assert gzip.decompress(member) == body
    return member


def main(argv):
    if len(argv) < 3:
        raise SystemExit(__doc__)
    source, output, corrupt = argv[1], argv[2], "--corrupt" in argv[3:]
    header, records = read_pcap(source)
    # the server-to-client byte stream of the first connection that sends "HTTP/1.x 200"
    segments = []  # (record index, payload offset, length, relative seq)
    server = None
    for i, (_, frame) in enumerate(records):
        seg = tcp_segment(frame)
        if not seg or seg[3] <= 0:
            continue
        ip, tcp, payload, length, sport, seq = seg
        if server is None and bytes(frame[payload:payload + 9]).startswith(b"HTTP/1."):
            server = (bytes(frame[ip + 12:ip + 16]), sport, seq)
        if server and (bytes(frame[ip + 12:ip + 16]), sport) == server[:2]:
            segments.append((i, payload, length, (seq - server[2]) & 0xFFFFFFFF))
    if not segments:
        raise SystemExit("%s: no HTTP response found" % source)
    size = max(rel + n for _, _, n, rel in segments)
    stream = bytearray(size)
    for i, payload, n, rel in segments:
        stream[rel:rel + n] = records[i][1][payload:payload + n]
    head_end = stream.find(b"\r\n\r\n") + 4
    head = bytes(stream[:head_end])
    lines = head.split(b"\r\n")
    length = next(int(l.split(b":", 1)[1]) for l in lines if l.lower().startswith(b"content-length:"))
    new_line = b"Content-Encoding: gzip"
    for name in (b"ETag:", b"Last-Modified:", b"Date:", b"Server:"):
        match = [l for l in lines if l.startswith(name) and len(l) >= len(new_line)]
        if match:
            old = match[0]
            break
    else:
        raise SystemExit("no header line long enough to become Content-Encoding")
    padded = new_line[:17] + b" " * (len(old) - len(new_line)) + new_line[17:]
    stream[:head_end] = head.replace(old, padded, 1)
    body = bytes(stream[head_end:head_end + length])
    stream[head_end:head_end + length] = gzip_of_length(body, length, corrupt)
    for i, payload, n, rel in segments:
        frame = records[i][1]
        frame[payload:payload + n] = stream[rel:rel + n]
        ip, tcp, _, _, _, _ = tcp_segment(frame)
        fix_checksums(frame, ip, tcp, payload + n)
    with open(output, "wb") as out:
        out.write(header)
        for record_header, frame in records:
            out.write(record_header)
            out.write(frame)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
