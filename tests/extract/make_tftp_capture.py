#!/usr/bin/python3
"""make_tftp_capture.py — writes a capture of two TFTP transfers, for the export-object tests
(no capture of the corpus carries TFTP).

Usage: make_tftp_capture.py OUTPUT.pcap
  e.g. make_tftp_capture.py /tmp/tftp_transfers__derived.pcap

How it works: a classic pcap (Ethernet, IPv4, UDP) written by hand, as RFC 1350 transfers look
on the wire: a read request (RRQ "firmware.bin", octet) from 10.0.0.1:49152 to the server's port
69, answered from another server port (50000) with 49 DATA blocks of 512 bytes and a short last
one, each ACKed; then a write request (WRQ "config.txt") from 10.0.0.1:49153, ACK 0 from port
50001, and three DATA blocks from the client, the last short, each ACKed. The file contents are
deterministic bytes from SHA-256 (no other dissector's heuristics claim them). Checksums are
real, timestamps 10 ms apart.
"""
import hashlib
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from xtractr_test import internet_checksum  # noqa: E402

CLIENT, SERVER = bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])
CLIENT_MAC, SERVER_MAC = bytes.fromhex("020000000001"), bytes.fromhex("020000000002")


def udp_frame(src, dst, sport, dport, payload, ident):
    udp_len = 8 + len(payload)
    pseudo = src + dst + struct.pack("!BBH", 0, 17, udp_len)
    udp = struct.pack("!HHHH", sport, dport, udp_len, 0) + payload
    udp = udp[:6] + struct.pack("!H", internet_checksum(pseudo + udp) or 0xFFFF) + udp[8:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + udp_len, ident, 0, 64, 17, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", internet_checksum(ip)) + ip[12:]
    src_mac, dst_mac = (CLIENT_MAC, SERVER_MAC) if src == CLIENT else (SERVER_MAC, CLIENT_MAC)
    return dst_mac + src_mac + b"\x08\x00" + ip + udp


def content(name, size):
    out = b""
    counter = 0
    while len(out) < size:
        out += hashlib.sha256(b"%s %d" % (name.encode(), counter)).digest()
        counter += 1
    return out[:size]


def transfer(frames, request, name, data, client_port, server_port):
    """RRQ (opcode 1): the server sends the data; WRQ (2): the client does, after ACK 0."""
    frames.append((CLIENT, SERVER, client_port, 69, struct.pack("!H", request) + name.encode() + b"\0octet\0"))
    sender = SERVER if request == 1 else CLIENT
    receiver = CLIENT if request == 1 else SERVER
    ports = {SERVER: server_port, CLIENT: client_port}
    if request == 2:
        frames.append((SERVER, CLIENT, server_port, client_port, struct.pack("!HH", 4, 0)))
    blocks = [data[i:i + 512] for i in range(0, len(data), 512)]
    if len(blocks[-1]) == 512:
        blocks.append(b"")
    for number, block in enumerate(blocks, 1):
        frames.append((sender, receiver, ports[sender], ports[receiver], struct.pack("!HH", 3, number) + block))
        frames.append((receiver, sender, ports[receiver], ports[sender], struct.pack("!HH", 4, number)))


def main(argv):
    if len(argv) != 2:
        raise SystemExit(__doc__)
    frames = []
    transfer(frames, 1, "firmware.bin", content("firmware.bin", 49 * 512 + 100), 49152, 50000)
    transfer(frames, 2, "config.txt", content("config.txt", 2 * 512 + 7), 49153, 50001)
    with open(argv[1], "wb") as out:
        out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, (src, dst, sport, dport, payload) in enumerate(frames):
            frame = udp_frame(src, dst, sport, dport, payload, i + 1)
            micros = 1700000000 * 1000000 + i * 10000
            out.write(struct.pack("<IIII", micros // 1000000, micros % 1000000, len(frame), len(frame)) + frame)


if __name__ == "__main__":
    main(sys.argv)
