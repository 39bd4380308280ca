#!/usr/bin/python3
"""make_tunnels.py — writes the two crafted captures of tests/data/hunts with scapy (Debian's
python3-scapy 2.5): real packets, checksums and lengths computed by scapy, fixed times and a fixed
random seed, so running it again writes the same bytes. Only needed to remake them: the tests read
the .pcap files.

- dns_tunnel__scapy.pcap: a client's ordinary lookups (A, AAAA, MX) answered by its resolver, then
  three tunnel-like sessions, one per sign of DNS tunnelling (iodine, dnscat2, dns2tcp): data
  encoded as long base32 labels below t.exfil-c2.net (16 A queries); 120 unique short names
  below s.updates-cdn.com; 12 NULL and TXT queries below c.txt-relay.info, answered with
  NULL/TXT records.
- icmp_tunnel__scapy.pcap: an ordinary ping (Linux: 56-byte payloads, a timestamp then 0x10 ...),
  a Windows ping (32 bytes 'abcdefghijklmnopqrstuvwabcdefghi'), one sign of a tunnel per host
  pair (pings of 1,000 bytes; pings of 40, 64 and 90 bytes), and a ptunnel/icmptunnel-like
  session: echo requests and replies of varying sizes up to 1,000 bytes carrying random data.

Usage: /usr/bin/python3 tests/data/hunts/make_tunnels.py tests/data/hunts
"""
import base64
import random
import struct
import sys

from scapy.all import DNS, DNSQR, DNSRR, ICMP, IP, UDP, Ether, Raw, wrpcap

START = 1700000000.0  # 2023-11-14 22:13:20 UTC
CLIENT_MAC, ROUTER_MAC = '02:00:00:00:00:05', '02:00:00:00:00:01'


def frame(packet, when):
    p = Ether(src=CLIENT_MAC, dst=ROUTER_MAC) / packet if packet[IP].src.startswith('10.') else \
        Ether(src=ROUTER_MAC, dst=CLIENT_MAC) / packet
    p.time = when
    return p


def dns_tunnel(rng):
    client, resolver = '10.0.0.5', '10.0.0.53'
    packets, t, qid = [], START, 0x1000
    lookups = [('www.example.com', 'A'), ('mail.example.org', 'MX'), ('www.example.com', 'AAAA'),
               ('time.example.net', 'A'), ('cdn.example.com', 'A')]
    for name, qtype in lookups:
        sport = rng.randrange(20000, 60000)
        q = IP(src=client, dst=resolver) / UDP(sport=sport, dport=53) / DNS(id=qid, rd=1, qd=DNSQR(qname=name, qtype=qtype))
        answer = DNSRR(rrname=name, type='A', rdata='192.0.2.%d' % rng.randrange(1, 250)) if qtype == 'A' else \
            DNSRR(rrname=name, type='MX', rdata=b'\x00\x0a\x02mx\x07example\x03org\x00') if qtype == 'MX' else \
            DNSRR(rrname=name, type='AAAA', rdata='2001:db8::%x' % rng.randrange(1, 999))
        r = IP(src=resolver, dst=client) / UDP(sport=53, dport=sport) / DNS(id=qid, qr=1, ra=1, rd=1, qd=DNSQR(qname=name, qtype=qtype), an=answer)
        packets += [frame(q, t), frame(r, t + 0.012)]
        t, qid = t + 0.5, qid + 1
    def exchange(name, qtype, answer_type, rdata):
        nonlocal t, qid
        sport = rng.randrange(20000, 60000)
        q = IP(src=client, dst=resolver) / UDP(sport=sport, dport=53) / DNS(id=qid, rd=1, qd=DNSQR(qname=name, qtype=qtype))
        r = IP(src=resolver, dst=client) / UDP(sport=53, dport=sport) / DNS(
            id=qid, qr=1, ra=1, rd=1, qd=DNSQR(qname=name, qtype=qtype), an=DNSRR(rrname=name, type=answer_type, rdata=rdata))
        packets.extend([frame(q, t), frame(r, t + 0.03)])
        t, qid = t + 1.0, qid + 1

    # one domain per sign of a tunnel, so that each sign alone is tested:
    # long, high-entropy names (A queries): 16 names of 58-character base32 labels
    for seq in range(16):
        label = base64.b32encode(bytes(rng.randrange(256) for _ in range(36))).decode().rstrip('=').lower()
        exchange('%s.%d.t.exfil-c2.net' % (label, seq), 'A', 'A', '198.51.100.%d' % rng.randrange(1, 250))
    # many unique names (short ones): 120 names of 8 hex digits
    for seq in range(120):
        exchange('%08x.s.updates-cdn.com' % rng.randrange(1 << 32), 'A', 'A', '198.51.100.%d' % rng.randrange(1, 250))
    # NULL and TXT records: 12 queries of 6 short names
    for seq in range(12):
        reply = bytes(rng.randrange(256) for _ in range(48))
        name = '%d.c.txt-relay.info' % (seq % 6)
        if seq % 2:
            exchange(name, 'TXT', 'TXT', [base64.b64encode(reply)])
        else:
            exchange(name, 'NULL', 'NULL', reply)
    return packets


def icmp_tunnel(rng):
    client = '10.0.0.5'
    packets, t = [], START
    # Linux ping: 8-byte timestamp, then 0x10 0x11 ... (56 bytes); Windows ping: 32 letters
    for seq in range(4):
        payload = struct.pack('<QQ', int(t), 0)[:8] + bytes(range(0x10, 0x10 + 48))
        for src, dst, kind in ((client, '192.0.2.10', 8), ('192.0.2.10', client, 0)):
            packets.append(frame(IP(src=src, dst=dst, id=0x100 + seq) / ICMP(type=kind, id=0x77, seq=seq + 1) / Raw(payload), t))
            t += 0.02
        t += 1
    for seq in range(4):
        payload = b'abcdefghijklmnopqrstuvwabcdefghi'
        for src, dst, kind in ((client, '192.0.2.20', 8), ('192.0.2.20', client, 0)):
            packets.append(frame(IP(src=src, dst=dst, id=0x200 + seq) / ICMP(type=kind, id=1, seq=seq + 1) / Raw(payload), t))
            t += 0.02
        t += 1
    # one sign each: large pings of one size (ping -s 1000), and small ones of changing sizes
    for host, sizes in (('192.0.2.30', [1000] * 3), ('192.0.2.40', [40, 64, 90])):
        for seq, size in enumerate(sizes):
            payload = bytes((seq + i) % 256 for i in range(size))
            for src, dst, kind in ((client, host, 8), (host, client, 0)):
                packets.append(frame(IP(src=src, dst=dst, id=0x280 + seq) / ICMP(type=kind, id=7, seq=seq + 1) / Raw(payload), t))
                t += 0.02
            t += 1
    # the tunnel: requests carry the client's data, replies the server's, sizes as the traffic needs
    for seq in range(20):
        for src, dst, kind in ((client, '203.0.113.66', 8), ('203.0.113.66', client, 0)):
            size = rng.choice([64, 120, 300, 512, 780, 1000])
            payload = bytes(rng.randrange(256) for _ in range(size))
            packets.append(frame(IP(src=src, dst=dst, id=0x300 + 2 * seq + kind) / ICMP(type=kind, id=0x4242, seq=seq + 1) / Raw(payload), t))
            t += 0.05
        t += 0.2
    return packets


def main():
    folder = sys.argv[1]
    wrpcap(folder + '/dns_tunnel__scapy.pcap', dns_tunnel(random.Random(13)))
    wrpcap(folder + '/icmp_tunnel__scapy.pcap', icmp_tunnel(random.Random(6)))


if __name__ == '__main__':
    main()
