#!/usr/bin/python3
"""check_nuggets.py — each built-in hunt (sql/*.sql, run by name through xtractr_nugget) on a
corpus capture where it must find something and on one where it must not, its rows compared
with the same facts from tshark in the same run. One connection and one index folder for all
(each capture is indexed once). Exit status 1 on any difference, 77 without the corpus.

Usage: check_nuggets.py --extension build/xtractr.so --corpus ../shared/corpus --data tests/data --work /tmp/nuggets
"""
import argparse
import calendar
import collections
import datetime
import json
import math
import os
import sqlite3
import subprocess
import sys
import xml.etree.ElementTree as ET

ENV = dict(os.environ, WIRESHARK_CONFIG_DIR='/nonexistent', TZ='UTC')


def tshark(capture, display_filter, fields, two_pass=False, occurrence='f'):
    """Rows of tshark -T fields (the first occurrence of each field, or all: '\x1f'-separated)."""
    cmd = ['tshark', '-n', '-r', capture] + (['-2'] if two_pass else []) + ['-T', 'fields', '-E', 'occurrence=' + occurrence,
                                                                          '-E', 'aggregator=\x1f']
    if display_filter:
        cmd += ['-Y', display_filter]
    for f in fields:
        cmd += ['-e', f]
    out = subprocess.run(cmd, env=ENV, check=True, capture_output=True, text=True).stdout
    return [line.split('\t') for line in out.split('\n') if line]


def credentials(capture):
    """tshark -z credentials: the packet numbers of its rows."""
    out = subprocess.run(['tshark', '-n', '-r', capture, '-q', '-z', 'credentials'], env=ENV, check=True,
                         capture_output=True, text=True).stdout
    return sorted(int(line.split()[0]) for line in out.split('\n') if line.strip()[:1].isdigit())


def unanswered_dns(capture):
    rows = tshark(capture, 'dns.flags.response==0 && !dns.response_in && !dns.retransmission && !mdns',
                  ['frame.number', 'dns.qry.name'], two_pass=True)
    return [[int(r[0]), r[1]] for r in rows]


def tls_without_sni(capture):
    return [[int(r[0])] for r in tshark(capture, 'tls.handshake.type == 1 && !tls.handshake.extensions_server_name',
                                        ['frame.number'])]


def smb_admin_shares(capture):
    shares = collections.Counter()
    for r in tshark(capture, '(smb2.cmd == 3 && smb2.flags.response == 0) || (smb.cmd == 0x75 && smb.flags.response == 0)',
                    ['smb2.tree', 'smb.path'], occurrence='a'):
        for share in set((r[0] or (r[1] if len(r) > 1 else '')).split('\x1f')):  # a frame's requests
            if share.endswith('$'):
                shares[share] += 1
    return sorted([s, n] for s, n in shares.items())


def large_uploads(capture):
    sent, received, client = collections.Counter(), collections.Counter(), {}
    for stream, src4, src6, port, length in tshark(capture, 'tcp', ['tcp.stream', 'ip.src', 'ipv6.src', 'tcp.srcport',
                                                                  'frame.len']):
        src = (src4 or src6, port)
        client.setdefault(stream, src)  # the first frame's sender: the SYN's, for these captures
        (sent if src == client[stream] else received)[stream] += int(length)
    return sorted([sent[s], received[s]] for s in client if sent[s] >= 100000 and sent[s] > received[s])


def dhcp_servers(captures):
    servers = collections.Counter()
    for capture in captures:
        for r in tshark(capture, 'dhcp.option.dhcp == 2 || dhcp.option.dhcp == 5', ['ip.src']):
            servers[r[0]] += 1
    return sorted([s, n] for s, n in servers.items()) if len(servers) > 1 else []


def nonstandard_http_ports(capture):
    """HTTP requests' server ports not among HTTP's usual ones: [service, port, connections]."""
    streams = collections.defaultdict(set)
    for stream, port in tshark(capture, 'http.request && !(tcp.dstport in {80, 8080, 8000, 8008, 8888, 3128, 3132})',
                               ['tcp.stream', 'tcp.dstport']):
        streams[int(port)].add(stream)
    return sorted(['HTTP', p, len(s)] for p, s in streams.items())


def new_hosts(capture):
    """Addresses (tshark's Source/Destination columns of IP frames) first seen past the midpoint."""
    first, times = {}, []
    for number, epoch, src, dst in tshark(capture, 'ip || ipv6',
                                          ['frame.number', 'frame.time_epoch', '_ws.col.Source', '_ws.col.Destination']):
        times.append(float(epoch))
        for address in (src, dst):
            first.setdefault(address, (int(number), float(epoch)))
    middle = (min(times) + max(times)) / 2 if times else 0
    return sorted([a, n] for a, (n, t) in first.items() if t > middle)


def stream_starts(capture):
    """Each tcp.stream and udp.stream (of every layer): [first frame, last frame, first time, last time,
    the first frame's Source and Destination columns]."""
    streams = {}
    for number, epoch, tcp, udp, src, dst in tshark(capture, 'tcp || udp', ['frame.number', 'frame.time_epoch', 'tcp.stream',
                                                                           'udp.stream', '_ws.col.Source',
                                                                           '_ws.col.Destination'], occurrence='a'):
        for key in [('tcp', s) for s in tcp.split('\x1f') if s] + [('udp', s) for s in udp.split('\x1f') if s]:
            s = streams.setdefault(key, [int(number), int(number), float(epoch), float(epoch), src, dst])
            s[1], s[3] = int(number), float(epoch)
    return streams


def long_connections(capture):
    """Streams that lasted 600 s or more: [first frame, last frame]."""
    return sorted([s[0], s[1]] for s in stream_starts(capture).values() if s[3] - s[2] >= 600)


def beaconing(capture):
    """Client/server pairs (a stream's first frame's sender and receiver) with 10 connections or more whose
    start intervals average 1 s or more with a standard deviation of at most 0.2 of the mean:
    [client, server, connections, mean interval (ms)]."""
    starts = collections.defaultdict(list)
    for first, last, t0, t1, src, dst in stream_starts(capture).values():
        starts[(src, dst)].append(t0)
    found = []
    for (src, dst), times in starts.items():
        times.sort()
        gaps = [b - a for a, b in zip(times, times[1:])]
        if len(times) < 10:
            continue
        mean = sum(gaps) / len(gaps)
        deviation = (sum(g * g for g in gaps) / len(gaps) - mean * mean) ** 0.5
        if mean >= 1 and deviation <= 0.2 * mean:
            found.append([src, dst, len(times), round(mean * 1000)])
    return sorted(found)


def rare_user_agents(capture):
    """User agents (each http.user_agent value) that one client (Source column) sent, in fewer than 5% of
    the requests: [user agent, client, requests]."""
    requests = [(src, agent) for src, agents in tshark(capture, 'http.user_agent', ['_ws.col.Source', 'http.user_agent'],
                                                       occurrence='a') for agent in agents.split('\x1f')]
    clients, counts = collections.defaultdict(set), collections.Counter()
    for src, agent in requests:
        clients[agent].add(src)
        counts[agent] += 1
    return sorted([a, min(clients[a]), n] for a, n in counts.items() if len(clients[a]) == 1 and n * 20 < len(requests))


def x509_time(shown):
    """tshark's display of a notBefore/notAfter: utcTime '2014-04-09 12:05:08 (UTC)', generalizedTime
    'Sep  1, 2015 13:33:37.000000000 UTC'; as 'YYYY-MM-DD HH:MM:SS'."""
    if shown.endswith(' (UTC)'):
        return shown[:-6]
    return datetime.datetime.strptime(' '.join(shown.split()[:4]).split('.')[0], '%b %d, %Y %H:%M:%S').strftime('%Y-%m-%d %H:%M:%S')


def common_name(name):
    """The last commonName (x509if.oid 2.5.4.3) of tshark's x509af.subject or x509af.issuer field: the
    show of the string inside its DirectoryString (printableString, uTF8String ...), None without one."""
    found = None
    for item in name.iter('field'):
        if item.get('name') != 'x509if.RelativeDistinguishedName_item_element':
            continue
        children = list(item)
        if children and children[0].get('name') == 'x509if.oid' and children[0].get('show') == '2.5.4.3':
            value = children[1]
            found = next(iter(value)).get('show') if len(value) else value.get('show')
    return found


def tls_bad_certificates(capture):
    """From tshark's PDML (its x509af dissection of each certificate): [frame, position in the chain,
    subject CN, issuer CN, self-signed (the first certificate's issuer and subject, the same bytes),
    expired, not yet valid at the frame's time] for the certificates that are any of them."""
    out = subprocess.run(['tshark', '-n', '-r', capture, '-Y', 'tls.handshake.certificate', '-T', 'pdml'], env=ENV,
                         check=True, capture_output=True).stdout
    found = []
    for packet in ET.fromstring(out).iter('packet'):
        shown = {f.get('name'): f.get('show') for f in packet.iter('field') if f.get('name', '').startswith('frame.')}
        now = datetime.datetime.utcfromtimestamp(int(float(shown['frame.time_epoch']))).strftime('%Y-%m-%d %H:%M:%S')
        certificates = [f for f in packet.iter('field') if f.get('name') == 'x509af.signedCertificate_element']
        for position, certificate in enumerate(certificates):
            part = {f.get('name'): f for f in certificate}
            validity = {f.get('name'): x509_time(next(iter(f)).get('show')) for f in part['x509af.validity_element']}
            self_signed = position == 0 and part['x509af.issuer'].get('value') == part['x509af.subject'].get('value')
            expired, not_yet = now > validity['x509af.notAfter'], now < validity['x509af.notBefore']
            if self_signed or expired or not_yet:
                found.append([int(shown['frame.number']), position, common_name(part['x509af.subject']),
                              common_name(part['x509af.issuer']), int(self_signed), int(expired), int(not_yet)])
    return found


def dns_tunnelling(capture):
    """Per client (Source column) and domain (a query name's last two labels, lower-cased), from each
    dns.qry.name and dns.qry.type of the queries not to ports 5353/5355: listed when a name of 52
    characters or more has a subdomain (the labels before the domain) of Shannon entropy 3.5 bits per
    character or more, or there are 100 unique names or more, or 10 NULL/TXT queries or more:
    [client, domain, queries, unique names, NULL/TXT queries]."""
    domains = collections.defaultdict(lambda: [0, set(), 0, 0.0])
    for src, names, types in tshark(capture, 'dns.flags.response == 0 && !(udp.dstport == 5353) && !(udp.dstport == 5355)',
                                    ['_ws.col.Source', 'dns.qry.name', 'dns.qry.type'], occurrence='a'):
        for name, qtype in zip(names.lower().split('\x1f'), types.split('\x1f')):
            labels = name.split('.')
            domain, subdomain = '.'.join(labels[-2:]), '.'.join(labels[:-2])
            d = domains[(src, domain)]
            d[0] += 1
            d[1].add(name)
            d[2] += qtype in ('10', '16')
            if len(name) >= 52 and subdomain:
                counts = collections.Counter(subdomain)
                d[3] = max(d[3], -sum(n / len(subdomain) * math.log2(n / len(subdomain)) for n in counts.values()))
    return sorted([src, domain, d[0], len(d[1]), d[2]] for (src, domain), d in domains.items()
                  if d[3] >= 3.5 or len(d[1]) >= 100 or d[2] >= 10)


def icmp_tunnelling(capture):
    """Echo requests and replies (the first icmp.type / icmpv6.type) per host pair (Source and Destination
    columns): payload = the innermost ip.len - ip.hdr_len - 8 or ipv6.plen - 8; listed when one exceeds
    100 bytes or there are 3 sizes or more: [the pair, sorted, requests, replies, sizes, largest]."""
    pairs = collections.defaultdict(lambda: [0, 0, set()])
    for src, dst, icmp, icmpv6, length, header, plen in tshark(
            capture, 'icmp.type == 0 || icmp.type == 8 || icmpv6.type == 128 || icmpv6.type == 129',
            ['_ws.col.Source', '_ws.col.Destination', 'icmp.type', 'icmpv6.type', 'ip.len', 'ip.hdr_len', 'ipv6.plen'],
            occurrence='a'):
        kind = (icmp or icmpv6).split('\x1f')[0]
        if kind not in ('0', '8', '128', '129'):
            continue  # an ICMP error quoting an echo
        payload = (int(length.split('\x1f')[-1]) - int(header.split('\x1f')[-1]) if icmp else int(plen.split('\x1f')[-1])) - 8
        p = pairs[tuple(sorted((src, dst)))]
        p[0 if kind in ('8', '128') else 1] += 1
        p[2].add(payload)
    return sorted([list(pair), p[0], p[1], len(p[2]), max(p[2])] for pair, p in pairs.items()
                  if max(p[2]) > 100 or len(p[2]) >= 3)


# hunt -> (what to compare from its rows, what tshark says, [(capture, must find something)])
PLAN = {
    'unanswered_dns': (lambda rows: [[r['frame'], r['name']] for r in rows], unanswered_dns,
                       [('http_dns_wikipedia_browse__zeek.pcap', True), ('dns_edns_opts__tcpdump.pcap', False)]),
    'tls_without_sni': (lambda rows: [[r['frame']] for r in rows], tls_without_sni,
                        [('tls12_ecdhe__zeek.pcap', True), ('tls13_chrome_x25519_kyber__zeek.pcap', False)]),
    'cleartext_credentials': (lambda rows: sorted(r['frame'] for r in rows), credentials,
                              [('ftp_ipv4_login_retr__zeek.pcap', True), ('tls12_ecdhe__zeek.pcap', False)]),
    'smb_admin_shares': (lambda rows: sorted([r['share'], r['connects']] for r in rows), smb_admin_shares,
                         [('smb1_raw_ntlm__zeek.pcap', True), ('smb2_session__zeek.pcap', True),
                          ('http_get_simple__zeek.pcap', False)]),
    'large_uploads': (lambda rows: sorted([r['sent'], r['received']] for r in rows), large_uploads,
                      [('smb2_session__zeek.pcap', True), ('http_post_large_upload__zeek.pcap', False)]),
    'nonstandard_ports': (lambda rows: sorted([r['service'], r['port'], r['flows']] for r in rows if r['service'] == 'HTTP'),
                          nonstandard_http_ports,
                          [('http_post_large_upload__zeek.pcap', True), ('http_get_simple__zeek.pcap', False)]),
    'new_hosts': (lambda rows: sorted([r['host'], r['first_frame']] for r in rows), new_hosts,
                  [('http_dns_wikipedia_browse__zeek.pcap', True), ('icmp_5pings__zeek.pcap', False)]),
    'long_connections': (lambda rows: sorted([r['first_frame'], r['last_frame']] for r in rows), long_connections,
                         [('sip_sdp__zeek.pcap', True), ('sip_rtp_mixed__suricata.pcap', True),
                          ('http_get_simple__zeek.pcap', False)]),
    'beaconing': (lambda rows: sorted([r['client'], r['server'], r['connections'], round(r['interval'] * 1000)] for r in rows),
                  beaconing, [('ftp_bruteforce__zeek.pcap', True), ('http_dns_wikipedia_browse__zeek.pcap', False),
                              ('sip_rtp_mixed__suricata.pcap', False)]),
    'rare_user_agents': (lambda rows: sorted([r['user_agent'], r['client'], r['requests']] for r in rows), rare_user_agents,
                         [('mixed_dns_http_tls__pcpp_example.pcap', True), ('http_dns_wikipedia_browse__zeek.pcap', False),
                          ('rawip_mixed__pcpp.pcap', False)]),  # its rarest: 2 requests of 19 (10.5%)
    # tests/data/hunts: Zeek's TLS test captures (self-signed and expired, a GeneralizedTime, an SSLv2 certificate);
    # tests/data/tls: the project's own TLS 1.2 session, a self-signed certificate with a UTF8String CN
    'tls_bad_certificates': (lambda rows: [[r[k] for k in ('frame', 'position', 'subject_cn', 'issuer_cn', 'self_signed',
                                                           'expired', 'not_yet_valid')]
                                           for r in rows], tls_bad_certificates,
                             [('data/hunts/tls_expired_cert__zeek.pcap', True), ('data/hunts/tls_self_signed_generalizedtime__zeek.pcap', True),
                              ('data/hunts/sslv2_self_signed_expired__zeek.pcap', True),
                              ('data/hunts/tls_expired_intermediate_root_in_chain__zeek.pcap', True),
                              ('data/tls/tls12_http11_objects__xtractr.pcapng', True),  # self-signed, a CN beyond ASCII
                              ('tls_many_sni__pcpp_tls2.pcap', False),
                              ('tls12_ecdhe__zeek.pcap', False)]),
    # tests/data/hunts: crafted with scapy (make_tunnels.py), one domain / host pair per sign of a tunnel
    'dns_tunnelling': (lambda rows: sorted([r['client'], r['domain'], r['queries'], r['names'], r['null_txt']] for r in rows),
                       dns_tunnelling, [('data/hunts/dns_tunnel__scapy.pcap', True), ('dns_packets__pcpp.pcap', False),
                                        ('mixed_dns_http_tls__pcpp_example.pcap', False)]),
    'icmp_tunnelling': (lambda rows: sorted([sorted([r['client'], r['server']]), r['requests'], r['replies'], r['sizes'],
                                             r['largest']] for r in rows), icmp_tunnelling,
                        [('data/hunts/icmp_tunnel__scapy.pcap', True), ('mixed_many_protocols__pcpp.pcap', False),
                         ('data/vxlan_icmp_arp__zeek.pcap', False)]),
    # a collection: a folder holding two captures, each with its own DHCP server
    'dhcp_rogue_servers': (lambda rows: sorted([r['server'], r['answers']] for r in rows), dhcp_servers,
                           [(['dhcp_dora__zeek.pcap', 'sip_rtp_mixed__suricata.pcap'], True),
                            (['dhcp_dora__zeek.pcap'], False)]),
}


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--extension', required=True)
    p.add_argument('--corpus', required=True)
    p.add_argument('--work', required=True)
    p.add_argument('--data', required=True, help="tests/data (captures named 'data/NAME' in PLAN: tests/data/NAME)")
    args = p.parse_args()
    if not os.path.isdir(args.corpus):
        print('no corpus at %s: skipped' % args.corpus)
        return 77
    os.makedirs(args.work, exist_ok=True)
    os.environ['XTRACTR_INDEX_DIR'] = os.path.join(args.work, 'idx')
    db = sqlite3.connect(':memory:')
    db.enable_load_extension(True)
    db.load_extension(args.extension)
    failures = checks = 0
    for hunt, (ours_of, oracle, cases) in PLAN.items():
        for names, must_find in cases:
            checks += 1
            if isinstance(names, list):  # a collection: a folder of links to the captures
                target = os.path.join(args.work, '+'.join(n.split('__')[0] for n in names))
                os.makedirs(target, exist_ok=True)
                for n in names:
                    if not os.path.lexists(os.path.join(target, n)):
                        os.symlink(os.path.join(args.corpus, n), os.path.join(target, n))
                expected = oracle([os.path.join(args.corpus, n) for n in names])
            else:
                target = os.path.join(args.data, names[len('data/'):]) if names.startswith('data/') else os.path.join(args.corpus, names)
                expected = oracle(target)
            try:
                rows = [json.loads(r) for (r,) in db.execute('SELECT result FROM xtractr_nugget(?, ?)', (hunt, target))]
            except sqlite3.Error as e:
                failures += 1
                print('FAIL %s on %s: %s' % (hunt, names, e))
                continue
            ours = ours_of(rows)
            label = '%s on %s (%s)' % (hunt, names, 'finds %d' % len(ours) if must_find else 'finds nothing')
            if ours != expected or bool(ours) != must_find:
                failures += 1
                print('FAIL %s\n     ours:   %s\n     tshark: %s' % (label, ours[:10], expected[:10]))
            else:
                print('ok   %s = tshark' % label)
    print('%d checks, %d failed' % (checks, failures))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
