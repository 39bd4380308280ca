#!/usr/bin/env python3
"""rewrite_frame.py — rewrites one frame of a pcap in place, as a clumsy user or a tool would.

Usage: rewrite_frame.py CAPTURE FRACTION

Changes the IPv4 source address (last byte) of the first Ethernet/IPv4 frame whose record
starts at FRACTION of the file or later, writing through the same inode (no truncation, no new
file), and prints that frame's number. The size stays the same; restore the modification time
with `touch -r` to hide the edit from size and mtime.
"""
import struct
import sys

path, fraction = sys.argv[1], float(sys.argv[2])
with open(path, "r+b") as f:
    data = bytearray(f.read())
    endian = "<" if data[:4] == b"\xd4\xc3\xb2\xa1" or data[:4] == b"\x4d\x3c\xb2\xa1" else ">"
    offset, number, target = 24, 0, int(len(data) * fraction)
    while offset + 16 <= len(data):
        caplen = struct.unpack(endian + "I", data[offset + 8:offset + 12])[0]
        number += 1
        frame = offset + 16
        if offset >= target and caplen >= 34 and data[frame + 12:frame + 14] == b"\x08\x00":
            data[frame + 14 + 15] ^= 0x01  # the last byte of ip.src
            f.seek(frame + 14 + 15)
            f.write(data[frame + 14 + 15:frame + 14 + 16])
            print(number)
            sys.exit(0)
        offset = frame + caplen
sys.exit("no Ethernet/IPv4 frame after %s of %s" % (fraction, path))
