#!/usr/bin/python3
"""check_saved_reports.py — runs each saved report (sql/NAME.sql) through the sqlite3 shell on
corpus captures and compares its sections with the same facts computed from tshark in the
same run (tshark -T fields and -z endpoints). Exit status 1 on any difference.

Usage: check_saved_reports.py --extension build/xtractr.so --sql sql --corpus ../shared/corpus
                              --work /tmp/saved [--only NAME]
"""
import argparse
import collections
import csv
import io
import os
import shutil
import subprocess
import sys

AGG = '\x1f'  # tshark's aggregator for repeated fields: a character no value contains
ENV = dict(os.environ, WIRESHARK_CONFIG_DIR='/nonexistent', TZ='UTC')


def tshark(capture, display_filter, fields, first=False, two_pass=False):
    """Rows of tshark -T fields: each field a list of its values (all occurrences, or the first).
    two_pass: tshark -2, for fields that point forward (dns.response_in)."""
    cmd = ['tshark', '-n', '-r', capture] + (['-2'] if two_pass else []) + [ '-T', 'fields', '-E', 'separator=/t', '-E', 'aggregator=' + AGG,
           '-E', 'occurrence=' + ('f' if first else 'a')]
    if display_filter:
        cmd += ['-Y', display_filter]
    for f in fields:
        cmd += ['-e', f]
    out = subprocess.run(cmd, env=ENV, check=True, capture_output=True, text=True).stdout
    rows = []
    for line in out.split('\n'):
        if not line:
            continue
        cells = line.split('\t')
        cells += [''] * (len(fields) - len(cells))
        rows.append([c.split(AGG) if c else [] for c in cells])
    return rows


def endpoints(capture, kind):
    """tshark -z endpoints,ip|ipv6: address -> (packets, bytes, tx packets, tx bytes, rx packets, rx bytes)."""
    out = subprocess.run(['tshark', '-n', '-r', capture, '-q', '-z', 'endpoints,' + kind], env=ENV, check=True,
                         capture_output=True, text=True).stdout
    table = {}
    for line in out.split('\n'):
        parts = line.split()
        if len(parts) == 7 and all(p.isdigit() for p in parts[1:]):
            table[parts[0]] = tuple(int(p) for p in parts[1:])
    return table


def run_report(args, name, capture):
    """Our report's sections: title -> rows (header first), from the sqlite3 shell in CSV mode
    (each title's NULL row is an empty line)."""
    sql = os.path.join(args.sql, name + '.sql')
    with open(sql) as script:
        proc = subprocess.run(['sqlite3', '-header', '-cmd', '.load ' + args.extension, '-cmd', '.mode csv',
                               '-cmd', '.parameter set @capture ' + "'" + capture + "'", ':memory:'],
                              stdin=script, env=dict(ENV, XTRACTR_INDEX_DIR=os.path.join(args.work, 'idx')),
                              capture_output=True, text=True, timeout=900)
    if proc.returncode != 0 or proc.stderr.strip():
        raise RuntimeError('%s on %s failed: %s' % (name, capture, proc.stderr.strip()))
    sections, current = {}, None
    for line in proc.stdout.split('\n'):
        title = line.strip().strip('"')  # a section title: a column named "## TITLE" (quoted in CSV)
        if title.startswith('## '):
            current = sections.setdefault(title[3:].strip(), [])
        elif line and current is not None:
            current.append(line)
    return {title: list(csv.reader(io.StringIO('\n'.join(lines)))) for title, lines in sections.items()}


class Checker:
    def __init__(self):
        self.failures = 0
        self.checks = 0

    def same(self, label, ours, expected):
        self.checks += 1
        ours = [[str(c) for c in row] for row in ours]
        expected = [[str(c) for c in row] for row in expected]
        if ours == expected:
            print('ok   %s (%d rows)' % (label, len(ours)))
            return
        self.failures += 1
        print('FAIL %s' % label)
        ours_set, expected_set = set(map(tuple, ours)), set(map(tuple, expected))
        for row in sorted(expected_set - ours_set)[:10]:
            print('     tshark only: %s' % (row,))
        for row in sorted(ours_set - expected_set)[:10]:
            print('     ours only:   %s' % (row,))
        if ours_set == expected_set:
            print('     same rows, different order')

    def true(self, label, condition, detail=''):
        self.checks += 1
        if condition:
            print('ok   %s' % label)
        else:
            self.failures += 1
            print('FAIL %s %s' % (label, detail))


def body(section):
    return section[1:] if section else []


def ranked(counter, key=lambda item: (-item[1], item[0])):
    return [list(item) for item in sorted(counter.items(), key=key)]


def address_table(rows):
    """rows of (sources, destinations, length) -> [address, pkts sent, bytes sent, pkts received, bytes received]."""
    t = collections.defaultdict(lambda: [0, 0, 0, 0])
    for sources, destinations, length in rows:
        for a in sources:
            t[a][0] += 1
            t[a][1] += length
        for a in destinations:
            t[a][2] += 1
            t[a][3] += length
    return [[a] + v for a, v in sorted(t.items(), key=lambda kv: (-(kv[1][1] + kv[1][3]), kv[0]))]


def check_overview(args, c, capture):
    ours = run_report(args, 'overview', capture)
    frames = tshark(capture, '', ['frame.len', 'eth.src', 'eth.dst'])
    lengths = [int(r[0][0]) for r in frames]
    bounds = [(0, 19), (20, 39), (40, 79), (80, 159), (160, 319), (320, 639), (640, 1279), (1280, 2559), (2560, 5119)]
    sizes = []
    for lo, hi in bounds + [(5120, None)]:
        inside = [n for n in lengths if n >= lo and (hi is None or n <= hi)]
        if inside:
            sizes.append(['%d-%d' % (lo, hi) if hi is not None else '5120 and greater', len(inside), sum(inside)])
    c.same('overview packet sizes = tshark frame.len in plen buckets', body(ours.get('packet sizes')), sizes)
    c.same('overview MAC addresses = tshark eth.src/eth.dst', body(ours.get('MAC addresses')),
           address_table((r[1], r[2], int(r[0][0])) for r in frames))
    for title, kind in (('IPv4 hosts', 'ip'), ('IPv6 hosts', 'ipv6')):
        table = endpoints(capture, kind)
        expected = [[a, v[2], v[3], v[4], v[5]] for a, v in sorted(table.items(), key=lambda kv: (-kv[1][1], kv[0]))]
        c.same('overview %s = tshark -z endpoints,%s' % (title, kind), body(ours.get(title)), expected)
    services = body(ours.get('services'))
    c.true('overview services cover every frame', sum(int(r[2]) for r in services) == len(frames),
           '(%s vs %d)' % (sum(int(r[2]) for r in services), len(frames)))


def check_top_talkers(args, c, capture):
    ours = run_report(args, 'top_talkers', capture)
    table = dict(endpoints(capture, 'ip'))
    table.update(endpoints(capture, 'ipv6'))
    expected = [[a, v[0], v[1], v[3], v[5]] for a, v in sorted(table.items(), key=lambda kv: (-kv[1][1], kv[0]))][:20]
    c.same('top talkers = tshark -z endpoints,ip + endpoints,ipv6', body(ours.get('top talkers')), expected)


def check_tcp_ports(args, c, capture):
    ours = run_report(args, 'tcp_ports', capture)
    streams = {}
    for stream, port, src4, dst4, src6, dst6 in tshark(
            capture, 'tcp.flags.syn==1 && tcp.flags.ack==0',
            ['tcp.stream', 'tcp.dstport', 'ip.src', 'ip.dst', 'ipv6.src', 'ipv6.dst'], first=True):
        streams.setdefault(stream[0], (int(port[0]), (src4 or src6)[0], (dst4 or dst6)[0]))
    all_streams = {r[0][0] for r in tshark(capture, 'tcp', ['tcp.stream'], first=True)}
    c.true('tcp_ports capture: every TCP stream starts with a SYN', set(streams) == all_streams)
    per_port = collections.defaultdict(list)
    for port, src, dst in streams.values():
        per_port[port].append((src, dst))
    expected = [[p, len(v), len({d for _, d in v}), len({s for s, _ in v})]
                for p, v in sorted(per_port.items(), key=lambda kv: (-len(kv[1]), kv[0]))]
    c.same('TCP destination ports = tshark SYNs per tcp.dstport', [r[:4] for r in body(ours.get('TCP destination ports'))],
           expected)


def counted(rows, column=0):
    n = collections.Counter()
    for r in rows:
        for v in r[column]:
            n[v] += 1
    return n


def check_http(args, c, capture):
    ours = run_report(args, 'http', capture)
    c.same('http hosts = tshark http.host of requests', body(ours.get('hosts')),
           ranked(counted(tshark(capture, 'http.request', ['http.host']))))
    c.same('http user agents = tshark http.user_agent', body(ours.get('user agents')),
           ranked(counted(tshark(capture, 'http.request', ['http.user_agent']))))
    c.same('http servers = tshark http.server', body(ours.get('servers')),
           ranked(counted(tshark(capture, 'http.response', ['http.server']))))
    c.same('http content types = tshark http.content_type', body(ours.get('content types')),
           ranked(counted(tshark(capture, 'http.response', ['http.content_type']))))
    uris = collections.defaultdict(lambda: [0, 0])
    for uri, length in tshark(capture, 'http.response', ['http.response_for.uri', 'http.content_length'], first=True):
        if uri:
            uris[uri[0]][0] += 1
            uris[uri[0]][1] += int(length[0]) if length else 0
    c.same('http URIs by bandwidth = tshark http.response_for.uri + http.content_length', body(ours.get('URIs by bandwidth')),
           [[u, v[0], v[1]] for u, v in sorted(uris.items(), key=lambda kv: (-kv[1][1], -kv[1][0], kv[0]))])
    times = collections.defaultdict(list)
    for src4, src6, t in tshark(capture, 'http.time', ['ip.src', 'ipv6.src', 'http.time'], first=True):
        times[(src4 or src6)[0]].append(float(t[0]))
    ours_times = {r[0]: (int(r[1]), float(r[2]), float(r[3])) for r in body(ours.get('response times'))}
    c.true('http response times = tshark http.time per server',
           set(ours_times) == set(times) and all(
               ours_times[s][0] == len(v) and abs(ours_times[s][1] - sum(v) / len(v)) < 2e-6 and abs(ours_times[s][2] - max(v)) < 2e-6
               for s, v in times.items()), '%s vs %s' % (ours_times, dict(times)))
    c.true('http capture has requests', len(body(ours.get('hosts'))) > 0)


def check_dns(args, c, capture):
    ours = run_report(args, 'dns', capture)
    c.same('dns top queries = tshark dns.qry.name of queries', body(ours.get('top queries')),
           ranked(counted(tshark(capture, 'dns.flags.response==0', ['dns.qry.name']))))
    c.same('dns unanswered = tshark -2 queries without dns.response_in (not retransmissions, not mDNS)',
           body(ours.get('unanswered queries')),
           ranked(counted(tshark(capture, 'dns.flags.response==0 && !dns.response_in && !dns.retransmission && !mdns',
                                 ['dns.qry.name'], two_pass=True))))
    c.same('dns NXDOMAIN = tshark responses with rcode 3', body(ours.get('NXDOMAIN')),
           ranked(counted(tshark(capture, 'dns.flags.response==1 && dns.flags.rcode==3', ['dns.qry.name']))))


def check_tls_sni(args, c, capture):
    ours = run_report(args, 'tls_sni', capture)
    names = collections.defaultdict(lambda: [0, set(), set()])
    for name, src4, dst4, src6, dst6 in tshark(capture, 'tls.handshake.extensions_server_name',
                                               ['tls.handshake.extensions_server_name', 'ip.src', 'ip.dst', 'ipv6.src', 'ipv6.dst']):
        for n in name:
            names[n][0] += 1
            names[n][1].add((dst4 or dst6)[0])
            names[n][2].add((src4 or src6)[0])
    c.same('tls server names = tshark tls.handshake.extensions_server_name', body(ours.get('TLS server names')),
           [[n, v[0], len(v[1]), len(v[2])] for n, v in sorted(names.items(), key=lambda kv: (-kv[1][0], kv[0]))])
    c.true('tls capture has server names', len(names) > 0)


def check_port_scans(args, c, capture):
    ours = run_report(args, 'port_scans', capture)
    first, payload, frames = {}, set(), collections.Counter()
    for stream, syn, ack, length, src4, dst4, src6, dst6, sport, dport in tshark(
            capture, 'tcp', ['tcp.stream', 'tcp.flags.syn', 'tcp.flags.ack', 'tcp.len', 'ip.src', 'ip.dst', 'ipv6.src',
                             'ipv6.dst', 'tcp.srcport', 'tcp.dstport'], first=True):
        s = stream[0]
        frames[s] += 1
        if int(length[0]) > 0:
            payload.add(s)
        src, dst = (src4 or src6)[0], (dst4 or dst6)[0]
        opener = syn[0] in ('1', 'True') and ack[0] in ('0', 'False')
        if s not in first or (opener and not first[s][3]):
            first[s] = (src, dst, int(dport[0]), opener)
    scans = collections.defaultdict(list)
    for s, (src, dst, dport, _) in first.items():
        if s not in payload:
            scans[src].append((dst, dport, frames[s]))
    expected = sorted(([src, len(v), len({p for _, p, _ in v}), len({d for d, _, _ in v}), sum(n for _, _, n in v)]
                       for src, v in scans.items()), key=lambda r: (-r[2], -r[3], -r[1], r[0]))[:50]
    c.same('port scans = tshark TCP streams without payload, by opener', [r[:5] for r in body(ours.get('port scans'))],
           expected)
    c.true('port scan capture has attempts', len(expected) > 0)


def check_sip(args, c, capture):
    ours = run_report(args, 'sip_calls', capture)
    msgs = tshark(capture, 'sip.Call-ID', ['frame.number', 'sip.Call-ID', 'sip.Method', 'sip.Status-Code', 'sip.CSeq.method',
                                          'sip.from.user', 'sip.to.user', 'ip.src', 'ip.dst', 'ipv6.src', 'ipv6.dst'], first=True)
    one = lambda v: v[0] if v else ''
    calls, seen = [], set()
    for m in msgs:
        call = one(m[1])
        if one(m[2]) == 'INVITE' and call not in seen:
            seen.add(call)
            answers = [int(one(r[3])) for r in msgs if one(r[1]) == call and one(r[4]) == 'INVITE' and one(r[3]) and int(one(r[3])) >= 200]
            calls.append([call, one(m[5]), one(m[6]), one(m[7] or m[9]), one(m[8] or m[10]),
                          max(answers) if answers else '', sum(1 for r in msgs if one(r[1]) == call)])
    got = [r[:5] + r[6:8] for r in body(ours.get('SIP calls'))]
    c.same('sip calls = tshark INVITEs by sip.Call-ID', got, calls)
    c.true('sip capture has calls', len(calls) > 0)


def check_logins(args, c, captures):
    expected, got = [], []
    for capture in captures:
        ours = run_report(args, 'logins', capture)
        got += [[r[0], r[1], r[2], r[3], r[4]] for r in body(ours.get('logins'))]
        rows = tshark(capture, 'ftp.request.command || pop.request.command || imap.request.username || smtp.auth.username'
                               ' || smtp.auth.password || http.authbasic',
                      ['frame.number', 'tcp.stream', 'ip.src', 'ip.dst', 'ipv6.src', 'ipv6.dst', 'ftp.request.command',
                       'ftp.request.arg', 'pop.request.command', 'pop.request.parameter', 'imap.request.username',
                       'imap.request.password', 'smtp.auth.username', 'smtp.auth.password', 'http.authbasic'], first=True)
        one = lambda v: v[0] if v else None
        last_user = {}
        for r in rows:
            stream, src, dst = one(r[1]), one(r[2] or r[4]), one(r[3] or r[5])
            for proto, cmd, arg in (('FTP', r[6], r[7]), ('POP', r[8], r[9])):
                command = (one(cmd) or '').upper()
                if command == 'USER':
                    last_user[(proto, stream)] = one(arg)
                elif command == 'PASS':
                    expected.append([proto, src, dst, last_user.get((proto, stream)) or '', one(arg) or ''])
            if one(r[10]):
                expected.append(['IMAP', src, dst, one(r[10]), one(r[11]) or ''])
            if one(r[12]):
                last_user[('SMTP', stream)] = one(r[12])
            if one(r[13]):
                expected.append(['SMTP', src, dst, one(r[12]) or last_user.get(('SMTP', stream)) or '', one(r[13])])
            if one(r[14]):
                user, _, password = one(r[14]).partition(':')
                expected.append(['HTTP', src, dst, user, password])
    c.same('logins = tshark ftp/pop USER+PASS, imap LOGIN, smtp AUTH, http Basic', got, expected)
    c.true('logins found some', len(expected) > 0)


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--extension', required=True)
    p.add_argument('--sql', required=True)
    p.add_argument('--corpus', required=True)
    p.add_argument('--work', required=True)
    p.add_argument('--only')
    args = p.parse_args()
    os.makedirs(os.path.join(args.work, 'idx'), exist_ok=True)
    if not os.path.isdir(args.corpus):
        print('no corpus at %s: skipped' % args.corpus)
        return 77
    corpus = lambda name: os.path.join(args.corpus, name)
    web = corpus('http_dns_wikipedia_browse__zeek.pcap')
    plan = [
        ('overview', lambda c: check_overview(args, c, web)),
        ('overview', lambda c: check_overview(args, c, corpus('http_ipv6_4streams__pcpp.pcap'))),
        ('top_talkers', lambda c: check_top_talkers(args, c, web)),
        ('tcp_ports', lambda c: check_tcp_ports(args, c, corpus('ftp_bruteforce__zeek.pcap'))),
        ('http', lambda c: check_http(args, c, web)),
        ('http', lambda c: check_http(args, c, corpus('http_pipelined__zeek.pcap'))),
        ('dns', lambda c: check_dns(args, c, web)),
        ('dns', lambda c: check_dns(args, c, corpus('dns_packets__pcpp.pcap'))),
        ('tls_sni', lambda c: check_tls_sni(args, c, corpus('tls_many_sni__pcpp_tls2.pcap'))),
        ('port_scans', lambda c: check_port_scans(args, c, corpus('mixed_many_protocols__pcpp.pcap'))),
        ('sip_calls', lambda c: check_sip(args, c, corpus('sip_sdp__zeek.pcap'))),
        ('sip_calls', lambda c: check_sip(args, c, corpus('sip_rtp_mixed__suricata.pcap'))),
        ('logins', lambda c: check_logins(args, c, [corpus(n) for n in (
            'ftp_bruteforce__zeek.pcap', 'ftp_ipv4_login_retr__zeek.pcap', 'pop3_session__zeek.pcap',
            'smtp_session__zeek.pcap', 'imap_starttls__zeek.pcap')])),
    ]
    c = Checker()
    for name, check in plan:
        if args.only and name != args.only:
            continue
        try:
            check(c)
        except Exception as e:  # a report that fails to run is a failure, not a crash of the checker
            c.failures += 1
            print('FAIL %s: %s' % (name, e))
    missing = [n for n in ('overview', 'top_talkers', 'tcp_ports', 'http', 'dns', 'tls_sni', 'port_scans', 'sip_calls', 'logins')
               if not os.path.exists(os.path.join(args.sql, n + '.sql'))]
    if missing:
        c.failures += 1
        print('FAIL missing saved reports: %s' % ', '.join(missing))
    print('%d checks, %d failed' % (c.checks, c.failures))
    return 1 if c.failures else 0


if __name__ == '__main__':
    sys.exit(main())
