#!/usr/bin/python3
"""Writes a capture of two rounds of the same traffic whose outer addresses differ, as
make-big-capture's rounds are: conversations that libwireshark follows by something other than
the outer address pair (a tunnelled conversation, an SMB2 session ID) then travel between two
address pairs, and partitioned indexing must keep both in one partition (index/partition_map.h)
or fall back to one pass. tests/sql/partitioned.sql checks that they partition; the
tshark-partitioned-data differential checks every field against tshark.

Round 1 is the input captures, each starting a minute after the one before (the first N frames
when a path ends in @N). Round 2, one hour later, is the same frames with the outermost IPv4
header's addresses moved (second byte plus one: 10.1.200.131 -> 10.2.200.131), its checksum and
a TCP or UDP checksum recomputed (a UDP checksum of 0 stays 0); tunnelled packets are untouched.

- vxlan_rounds__zeek.pcap: Zeek's VXLAN traces, an HTTP request over TCP (the corpus'
  vxlan_http__zeek.pcap, testing/btest/Traces/tunnels/vxlan-encapsulated-http.pcap) and ARP plus
  pings (tests/data/vxlan_icmp_arp__zeek.pcap): the inner conversations, ARP included, in two
  tunnels.
- smb2_rounds__zeek.pcap: the first 37 frames of Zeek's SMB2 trace (the corpus'
  smb2_session__zeek.pcap, testing/btest/Traces/smb/smb2.pcap: session set-up, tree connects,
  creates): one SMB2 session ID on two TCP connections between different hosts.

Remake (the same bytes on every run):
  /usr/bin/python3 tests/data/make_rounds.py tests/data/vxlan_rounds__zeek.pcap \
      CORPUS/vxlan_http__zeek.pcap tests/data/vxlan_icmp_arp__zeek.pcap
  /usr/bin/python3 tests/data/make_rounds.py tests/data/smb2_rounds__zeek.pcap CORPUS/smb2_session__zeek.pcap@37
"""
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from xtractr_test import internet_checksum  # noqa: E402


def read_pcap(path):
    data = open(path, 'rb').read()
    magic = struct.unpack('<I', data[:4])[0]
    assert magic in (0xa1b2c3d4, 0xa1b23c4d), 'little-endian pcap expected'
    assert struct.unpack('<I', data[20:24])[0] == 1, 'Ethernet expected'
    at, frames = 24, []
    while at + 16 <= len(data):
        sec, frac, caplen, length = struct.unpack('<IIII', data[at:at + 16])
        frames.append((sec, frac * (1000 if magic == 0xa1b2c3d4 else 1), bytes(data[at + 16:at + 16 + caplen]), length))
        at += 16 + caplen
    return frames


def rewrite_outer(frame):
    """The outer IPv4 header's addresses moved (second byte + 1), checksums recomputed."""
    f = bytearray(frame)
    if struct.unpack('!H', f[12:14])[0] != 0x0800:
        return bytes(f)
    ip = 14
    header = (f[ip] & 0x0f) * 4
    for a in (ip + 12, ip + 16):
        f[a + 1] = (f[a + 1] + 1) % 256
    f[ip + 10:ip + 12] = b'\0\0'
    f[ip + 10:ip + 12] = struct.pack('!H', internet_checksum(bytes(f[ip:ip + header])))
    transport = ip + header
    if f[ip + 9] == 17:
        at, length = transport + 6, struct.unpack('!H', f[transport + 4:transport + 6])[0]
    elif f[ip + 9] == 6:
        at, length = transport + 16, struct.unpack('!H', f[ip + 2:ip + 4])[0] - header
    else:
        return bytes(f)
    if f[at:at + 2] == b'\0\0' and f[ip + 9] == 17:  # none: stays none
        return bytes(f)
    f[at:at + 2] = b'\0\0'
    pseudo = bytes(f[ip + 12:ip + 20]) + struct.pack('!BBH', 0, f[ip + 9], length)
    value = internet_checksum(pseudo + bytes(f[transport:transport + length]))
    f[at:at + 2] = struct.pack('!H', value or (0xffff if f[ip + 9] == 17 else 0))
    return bytes(f)


def main(out, *inputs):
    round1, start = [], None
    for n, spec in enumerate(inputs):
        path, _, first = spec.partition('@')
        frames = read_pcap(path)[:int(first)] if first else read_pcap(path)
        start = frames[0][0] if start is None else start
        shift = start + 60 * n - frames[0][0]
        round1 += [(s + shift, ns, d, l) for s, ns, d, l in frames]
    round1.sort(key=lambda f: (f[0], f[1]))
    round2 = [(s + 3600, ns, rewrite_outer(d), l) for s, ns, d, l in round1]
    with open(out, 'wb') as o:
        o.write(struct.pack('<IHHiIII', 0xa1b23c4d, 2, 4, 0, 0, 65535, 1))
        for s, ns, d, l in round1 + round2:
            o.write(struct.pack('<IIII', s, ns, len(d), l) + d)


if __name__ == '__main__':
    main(*sys.argv[1:])
