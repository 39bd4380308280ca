#!/usr/bin/python3
"""make_tls.py — records the TLS captures of tests/data/tls: real TLS sessions on the loopback
interface between curl (the client, which writes the key log through SSLKEYLOGFILE) and small
servers written here on Python's ssl module, captured by dumpcap. The project's own captures,
under its license. Only needed to remake them: the tests read the committed files, and cannot
remake them (TLS randoms, keys and times differ on every run, so a new run writes other bytes).

- tls12_http11_objects__xtractr.pcapng (+ .keylog): TLS 1.2 (ECDHE, AES-GCM) to
  www.xtractr.test:443, one HTTP/1.1 connection with two GETs: /index.html (Content-Length) and
  /report.txt (Transfer-Encoding: chunked), two downloadable objects.
- tls13_http2__xtractr.pcapng (+ .keylog): TLS 1.3 to www.xtractr.test:443, ALPN h2, two HTTP/2
  streams (GET /index.html on stream 1, GET /style.css on stream 3).
- tls13_http2_dsb__xtractr.pcapng: the same with its key log embedded as a pcapng Decryption
  Secrets Block (editcap --inject-secrets).
- tls12_smtp2525_starttls__xtractr.pcapng (+ .keylog, .xtractr-prefs): SMTP on port 2525 (which
  Wireshark knows as SMTP only with `-d tcp.port==2525,smtp`), EHLO, STARTTLS to TLS 1.2, then a
  message sent inside TLS.

The server certificate is self-signed (CN=xtractr Prüfzertifikat ✓, a UTF8String beyond ASCII;
subjectAltName www.xtractr.test), made by openssl for each run.
Needs root (dumpcap on lo, port 443), curl with HTTP/2 (nghttp2), openssl, dumpcap, editcap.

Usage: sudo /usr/bin/python3 tests/data/tls/make_tls.py tests/data/tls
"""
import http.server
import os
import signal
import socket
import ssl
import struct
import subprocess
import sys
import tempfile
import threading
import time

HOST = 'www.xtractr.test'
# the certificate's common name, not the host's: UTF-8 beyond ASCII (2- and 3-octet characters) for the
# hunts that decode it (sql/tls_bad_certificates.sql); curl accepts it (-k, and the name is in subjectAltName)
CERT_CN = 'xtractr Prüfzertifikat ✓'
RESOLVE = ['--resolve', f'{HOST}:443:127.0.0.1', '--resolve', f'{HOST}:2525:127.0.0.1']


def page(title, lines):
    """Deterministic content: the objects' bytes are the same on every run."""
    body = ''.join(f'<p>{title} line {i}: the quick brown fox jumps over the lazy dog</p>\n' for i in range(lines))
    return f'<!DOCTYPE html>\n<html><head><title>{title}</title></head><body>\n{body}</body></html>\n'.encode()


INDEX = page('xtractr TLS test page', 40)
REPORT = ''.join(f'report row {i:05d} value {i * i % 9973:5d}\n' for i in range(1200)).encode()
STYLE = ''.join(f'.c{i} {{ color: #{i * 2654435761 % 0xffffff:06x}; }}\n' for i in range(300)).encode()


def server_context(workdir, versions, alpn=None):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(os.path.join(workdir, 'cert.pem'), os.path.join(workdir, 'key.pem'))
    context.minimum_version = context.maximum_version = versions
    if alpn:
        context.set_alpn_protocols(alpn)
    return context


def listen(port):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(('127.0.0.1', port))
    sock.listen(1)
    return sock


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    server_version = 'xtractr-test/1.0'
    sys_version = ''

    def do_GET(self):
        if self.path == '/report.txt':
            self.send_response(200)
            self.send_header('Content-Type', 'text/plain')
            self.send_header('Transfer-Encoding', 'chunked')
            self.end_headers()
            for start in range(0, len(REPORT), 4000):
                chunk = REPORT[start:start + 4000]
                self.wfile.write(b'%x\r\n%s\r\n' % (len(chunk), chunk))
            self.wfile.write(b'0\r\n\r\n')
        else:
            self.send_response(200)
            self.send_header('Content-Type', 'text/html')
            self.send_header('Content-Length', str(len(INDEX)))
            self.end_headers()
            self.wfile.write(INDEX)

    def date_time_string(self, timestamp=None):
        return 'Thu, 01 Jan 2026 00:00:00 GMT'

    def log_message(self, *args):
        pass


def serve_http11(sock, context):
    conn, _ = sock.accept()
    tls = context.wrap_socket(conn, server_side=True)
    Handler(tls, ('127.0.0.1', 0), None)
    tls.close()


def h2_frame(kind, flags, stream, payload=b''):
    return struct.pack('>I', len(payload))[1:] + bytes([kind, flags]) + struct.pack('>I', stream) + payload


def hpack_literal(name, value):
    """A header as 'literal without indexing, new name', no Huffman coding (RFC 7541 6.2.2)."""
    assert len(name) < 127 and len(value) < 127
    return b'\x00' + bytes([len(name)]) + name + bytes([len(value)]) + value


def serve_http2(sock, context):
    """A minimal HTTP/2 server: the responses go by stream id (1: index.html, 3: style.css)."""
    conn, _ = sock.accept()
    tls = context.wrap_socket(conn, server_side=True)
    assert tls.selected_alpn_protocol() == 'h2'
    data = b''
    while len(data) < 24:
        data += tls.recv(65536)
    data = data[24:]
    tls.sendall(h2_frame(4, 0, 0))  # SETTINGS
    bodies = {1: (b'text/html', INDEX), 3: (b'text/css', STYLE)}
    while bodies:
        while len(data) < 9 or len(data) < 9 + int.from_bytes(data[:3], 'big'):
            chunk = tls.recv(65536)
            if not chunk:
                return
            data += chunk
        length, kind, flags, stream = int.from_bytes(data[:3], 'big'), data[3], data[4], int.from_bytes(data[5:9], 'big') & 0x7fffffff
        data = data[9 + length:]
        if kind == 4 and not flags & 1:
            tls.sendall(h2_frame(4, 1, 0))  # SETTINGS ACK
        elif kind == 1 and stream in bodies:
            ctype, body = bodies.pop(stream)
            headers = b'\x88' + hpack_literal(b'content-type', ctype) + \
                hpack_literal(b'content-length', str(len(body)).encode()) + hpack_literal(b'server', b'xtractr-test/1.0')
            tls.sendall(h2_frame(1, 4, stream, headers))  # HEADERS, END_HEADERS
            for start in range(0, len(body), 16384):
                last = start + 16384 >= len(body)
                tls.sendall(h2_frame(0, 1 if last else 0, stream, body[start:start + 16384]))
    tls.sendall(h2_frame(7, 0, 0, struct.pack('>II', 3, 0)))  # GOAWAY, last stream 3, NO_ERROR
    try:
        while tls.recv(65536):
            pass
    except (ssl.SSLError, OSError):
        pass
    tls.close()


def serve_smtp(sock, context):
    conn, _ = sock.accept()
    stream = conn.makefile('rwb', buffering=0)

    def reply(text):
        stream.write(text.encode() + b'\r\n')

    reply(f'220 {HOST} ESMTP xtractr-test')
    while True:
        line = stream.readline().strip().upper()
        if line.startswith(b'EHLO'):
            reply(f'250-{HOST}\r\n250-SIZE 1048576\r\n250 STARTTLS')
        elif line == b'STARTTLS':
            reply('220 2.0.0 Ready to start TLS')
            break
    tls = context.wrap_socket(conn, server_side=True)
    stream = tls.makefile('rwb', buffering=0)
    while True:
        line = stream.readline()
        command = line.strip().upper()
        if not line or command == b'QUIT':
            reply('221 2.0.0 Bye')
            try:  # the client closes first (its close_notify), then the server
                while stream.readline():
                    pass
            except (ssl.SSLError, OSError):
                pass
            break
        if command.startswith(b'EHLO'):
            reply(f'250-{HOST}\r\n250 SIZE 1048576')
        elif command == b'DATA':
            reply('354 End data with <CR><LF>.<CR><LF>')
            while stream.readline() not in (b'.\r\n', b''):
                pass
            reply('250 2.0.0 Ok: queued as 4711')
        else:
            reply('250 2.1.0 Ok')
    tls.close()


MAIL = b'''From: Alice <alice@xtractr.test>\r
To: Bob <bob@xtractr.test>\r
Subject: quarterly numbers\r
Date: Thu, 01 Jan 2026 00:00:00 +0000\r
Message-ID: <starttls-1@xtractr.test>\r
\r
Hi Bob,\r
\r
the numbers are attached inline; this message travels inside STARTTLS.\r
\r
Alice\r
'''


def record(out, port, serve, context, client_args, workdir):
    """Captures one session: dumpcap on lo, the server in a thread, curl as the client."""
    keylog = out + '.keylog'
    for stale in (out, keylog):
        if os.path.exists(stale):
            os.remove(stale)
    dumpcap = subprocess.Popen(['dumpcap', '-q', '-i', 'lo', '-f', f'tcp port {port}', '-w', out],
                               stderr=subprocess.PIPE)
    while b'Capturing on' not in dumpcap.stderr.readline():
        pass
    time.sleep(1)
    sock = listen(port)
    thread = threading.Thread(target=serve, args=(sock, context))
    thread.start()
    subprocess.run(['curl', '-sS', '-k', '--cacert', os.path.join(workdir, 'cert.pem')] + RESOLVE + client_args,
                   check=True, env=dict(os.environ, SSLKEYLOGFILE=keylog), cwd=workdir)
    thread.join()
    sock.close()
    time.sleep(1)
    dumpcap.send_signal(signal.SIGINT)
    dumpcap.wait()


def main():
    outdir = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory() as workdir:
        subprocess.run(['openssl', 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1',
                        '-nodes', '-days', '3650', '-utf8', '-subj', f'/O=xtractr tests/CN={CERT_CN}',
                        '-addext', f'subjectAltName=DNS:{HOST}', '-keyout', 'key.pem', '-out', 'cert.pem'],
                       check=True, cwd=workdir, stderr=subprocess.DEVNULL)
        with open(os.path.join(workdir, 'mail.eml'), 'wb') as f:
            f.write(MAIL)
        tls12, tls13 = ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3
        null = ['-o', '/dev/null']
        record(os.path.join(outdir, 'tls12_http11_objects__xtractr.pcapng'), 443, serve_http11,
               server_context(workdir, tls12, ['http/1.1']), ['--http1.1', f'https://{HOST}/index.html'] + null +
               [f'https://{HOST}/report.txt'] + null, workdir)
        h2 = os.path.join(outdir, 'tls13_http2__xtractr.pcapng')
        record(h2, 443, serve_http2, server_context(workdir, tls13, ['h2']),
               ['--http2', f'https://{HOST}/index.html'] + null + [f'https://{HOST}/style.css'] + null, workdir)
        dsb = os.path.join(outdir, 'tls13_http2_dsb__xtractr.pcapng')
        subprocess.run(['editcap', '--inject-secrets', f'tls,{h2}.keylog', h2, dsb], check=True)
        record(os.path.join(outdir, 'tls12_smtp2525_starttls__xtractr.pcapng'), 2525, serve_smtp,
               server_context(workdir, tls12), [f'smtp://{HOST}:2525/client.xtractr.test', '--ssl-reqd', '--mail-from', 'alice@xtractr.test',
                                                '--mail-rcpt', 'bob@xtractr.test', '-T', 'mail.eml'], workdir)


if __name__ == '__main__':
    main()
