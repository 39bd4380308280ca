#!/usr/bin/python3
"""make_copies.py SOURCE OUT PAIRS — a big capture from a small one (sql:partition_one_pair).

Writes SOURCE's records (a little-endian pcap of Ethernet + IPv4 frames) 2,700 times, each copy
one second after the previous; with PAIRS 2, every other copy travels between two other
addresses (the last octet of both IPv4 addresses flipped). From a 6 KB trace: ~17 MB, enough
for the indexer to plan partitions.
"""
import struct
import sys

source, out, pairs = sys.argv[1], sys.argv[2], int(sys.argv[3])
data = open(source, "rb").read()
records, at = [], 24
while at < len(data):
    sec, usec, caplen, length = struct.unpack("<IIII", data[at:at + 16])
    records.append((sec, usec, length, data[at + 16:at + 16 + caplen]))
    at += 16 + caplen
with open(out, "wb") as f:
    f.write(data[:24])
    for copy in range(2700):
        for sec, usec, length, frame in records:
            frame = bytearray(frame)
            if copy % pairs:
                frame[29] ^= 1  # ip.src's last octet (14 bytes of Ethernet, then IPv4)
                frame[33] ^= 1  # ip.dst's
            f.write(struct.pack("<IIII", sec + copy, usec, len(frame), length) + frame)
