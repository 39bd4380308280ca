"""overview_test.py — sql/overview_html.sql makes a page a browser shows, with the capture's numbers.

Usage: /usr/bin/python3 tests/charts/overview_test.py EXTENSION CAPTURE REPORT CHROMIUM [SCREENSHOT]
       (ctest: charts:overview-in-chromium; SCREENSHOT keeps the PNG, else it is deleted)

How it works: the report runs twice, as README shows it — in the sqlite3 shell (`.parameter
set @capture`, `.once`) and from Python with a bound parameter, on a copy of the capture named
with `&`, `<` and a quote (which the page must escape) — and both pages must be equal but for
the name. Headless Chromium takes a screenshot of the page: the PNG (decoded here, no imaging
library) must be as large as the window and hold a picture, not a blank page (many colours, a
share of non-white pixels). Then the numbers: the summary's frames, bytes and times are
tshark's; each chart's marks (their aria-labels) are the SQL answer to the same question —
services by bytes from flows(), talkers from packets(), the I/O chart's bytes per bucket and
service from packets() — and the I/O chart's bytes per bucket, summed over services, are
tshark's frame lengths per bucket; the service table's cells are the same rows as its chart;
the DNS and HTTP tables are tshark's dns.qry.name and request fields counted.
"""
import html
import os
import re
import shutil
import sqlite3
import struct
import subprocess
import sys
import tempfile
import zlib

extension, capture, report, chromium = (os.path.abspath(a) if i < 3 else a for i, a in enumerate(sys.argv[1:5]))
keep = sys.argv[5] if len(sys.argv) > 5 else None
env = dict(os.environ, WIRESHARK_CONFIG_DIR="/nonexistent", TZ="UTC")
failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def png_pixels(path):
    """(width, height, rows of (r, g, b) tuples) of an 8-bit RGB/RGBA, non-interlaced PNG."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and colour in (2, 6) and interlace == 0, "unsupported PNG layout %r" % (header,)
    bpp = 3 if colour == 2 else 4
    raw, stride, rows, previous = zlib.decompress(idat), width * bpp, [], bytearray(width * bpp)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = previous[i]
            c = previous[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append([tuple(line[x * bpp:x * bpp + 3]) for x in range(width)])
        previous = line
    return width, height, rows


def tshark_frames(path):
    out = subprocess.run(["tshark", "-n", "-r", path, "-T", "fields", "-e", "frame.time_epoch", "-e", "frame.len"],
                         env=env, check=True, capture_output=True, text=True).stdout
    return [(float(t), int(n)) for t, n in (line.split("\t") for line in out.splitlines())]


def tshark_fields(path, display_filter, *fields):
    args = ["tshark", "-n", "-r", path, "-Y", display_filter, "-T", "fields"]
    for field in fields:
        args += ["-e", field]
    out = subprocess.run(args, env=env, check=True, capture_output=True, text=True).stdout
    return [line.split("\t") for line in out.splitlines()]


def table(part):
    """The data rows of the section's table, as lists of cell texts."""
    return [[html.unescape(c) for c in re.findall(r"<td[^>]*>([^<]*)</td>", row)]
            for row in re.findall(r"<tr>(.*?)</tr>", part) if "<td" in row]


def marks(svg):
    """The aria-labels of a chart's marks as dicts ('time: ...; service: HTTP; bytes: 12')."""
    labels = re.findall(r'aria-label="([^"]*)" role="graphics-symbol" aria-roledescription="(?:bar|point)"', svg)
    return [dict(part.split(": ", 1) for part in html.unescape(label).split("; ")) for label in labels]


def section(page, title):
    match = re.search(r"<section><h2>" + re.escape(title) + r"</h2>(.*?)</section>", page, re.S)
    return match.group(1) if match else ""


work = tempfile.mkdtemp(prefix="xtractr-overview-", dir=os.environ.get("TMPDIR"))
try:
    os.chdir(work)
    shutil.copy(capture, "cap.pcap")
    odd = "cap & <b> 'x'.pcap"
    shutil.copy(capture, odd)

    # the README's shell command
    subprocess.run(["sqlite3", "-cmd", ".load " + extension, "-cmd", ".parameter set @capture cap.pcap",
                    "-cmd", ".once overview.html", ":memory:", ".read " + report], check=True, env=env)
    page = open("overview.html", encoding="utf-8").read().rstrip("\n")  # the shell ends its output with a newline
    # the README's Python, with a name to escape
    db = sqlite3.connect(":memory:")
    db.enable_load_extension(True)
    db.load_extension(extension)
    odd_page = db.execute(open(report).read(), {"capture": odd}).fetchone()[0]
    check("cap &amp; &lt;b&gt; 'x'.pcap</h1>" in odd_page and "<b>" not in odd_page,
          "the capture's name is escaped in the page")
    check(odd_page.replace("cap &amp; &lt;b&gt; 'x'.pcap", "cap.pcap") == page, "Python and the shell make the same page")

    # the summary is tshark's
    frames = tshark_frames("cap.pcap")
    first, last = min(t for t, _ in frames), max(t for t, _ in frames)
    stamp = lambda t: __import__("time").strftime("%Y-%m-%d %H:%M:%S", __import__("time").gmtime(int(t)))
    summary = "%d frames, %d bytes, from %s to %s UTC" % (len(frames), sum(n for _, n in frames), stamp(first), stamp(last))
    check('<p id="summary">%s</p>' % summary in page, "summary: " + summary + " (tshark)")

    # services: chart marks and table rows = flows() grouped by service
    services = db.execute("SELECT service, sum(bytes) FROM flows('cap.pcap') GROUP BY 1 ORDER BY 2 DESC, 1").fetchall()
    part = section(page, "Services")
    got = [(m["service"], int(m["bytes"])) for m in marks(part)]
    check(got == [(s, int(b)) for s, b in services], "services chart = SQL: %s" % got)
    cells = re.findall(r'<tr><td>([^<]*)</td><td class="n">\d+</td><td class="n">\d+</td><td class="n">(\d+)</td></tr>', part)
    check([(html.unescape(s), int(b)) for s, b in cells] == got, "services table = its chart (%d rows)" % len(cells))

    # talkers: bytes sent and received per address = packets() src/dst
    talkers = dict(((a, d), b) for a, d, b in db.execute(
        "SELECT src, 'sent', sum(length) FROM packets('cap.pcap') GROUP BY 1 UNION ALL "
        "SELECT dst, 'received', sum(length) FROM packets('cap.pcap') GROUP BY 1"))
    got = marks(section(page, "Top talkers"))
    check(len(got) > 0 and all(talkers.get((m["address"], m["direction"]), 0) == int(m["bytes"]) for m in got),
          "top talkers chart = SQL (%d marks)" % len(got))

    # I/O over time: per bucket and service = packets(); per bucket = tshark
    part = section(page, "I/O over time")
    step = int(re.search(r"bytes per (\d+) s by service", part).group(1))
    io = db.execute("SELECT CAST(time / ? AS INTEGER) * ?, service, sum(length) FROM packets('cap.pcap') GROUP BY 1, 2",
                    (step, step)).fetchall()
    got = sorted((m["time"], m["service"], int(m["bytes"])) for m in marks(part))
    check(got == sorted((stamp(t) + " UTC", s, b) for t, s, b in io), "I/O chart = SQL (%d marks, %d s buckets)" % (len(got), step))
    per_bucket, oracle = {}, {}
    for t, _, b in got:
        per_bucket[t] = per_bucket.get(t, 0) + b
    for t, n in frames:
        key = stamp(int(t // step) * step) + " UTC"
        oracle[key] = oracle.get(key, 0) + n
    check(per_bucket == oracle, "I/O chart's bytes per bucket = tshark's frame lengths: %s" % sorted(per_bucket.items()))
    # the DNS and HTTP tables (all their rows: fewer than 20 in this capture) = tshark's fields
    dns = table(section(page, "DNS: names queried"))
    names = {}
    for line in tshark_fields("cap.pcap", "dns.qry.name", "dns.qry.name"):
        for name in set(line[0].split(",")):
            names[name] = names.get(name, 0) + 1
    check(len(dns) > 0 and sorted(dns) == sorted([n, str(c)] for n, c in names.items()),
          "DNS table = tshark's frames per dns.qry.name (%d names)" % len(dns))
    http = table(section(page, "HTTP: requests"))
    requests = {}
    for line in tshark_fields("cap.pcap", "http.request", "http.request.method", "http.host", "http.request.uri"):
        requests[tuple(line)] = requests.get(tuple(line), 0) + 1
    check(len(http) > 0 and sorted(http) == sorted(list(k) + [str(c)] for k, c in requests.items()),
          "HTTP table = tshark's requests per method, host, URI (%d rows)" % len(http))
    check("none in this capture" in section(page, "TLS: server names (SNI)"), "TLS: none in this capture (no ClientHello)")

    # the browser's picture
    png = os.path.join(work, "overview.png")
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--user-data-dir=" + os.path.join(work, "profile"), "--window-size=800,1000",
                    "--screenshot=" + png, "file://" + os.path.join(work, "overview.html")],
                   check=True, capture_output=True, timeout=300,
                   # its crash-report folder goes under $XDG_CONFIG_HOME (the suite's is
                   # /nonexistent): keep it in the work folder, not in a new /nonexistent
                   env=dict(os.environ, HOME=work, XDG_CONFIG_HOME=os.path.join(work, "config")))
    width, height, rows = png_pixels(png)
    pixels = [p for row in rows[::2] for p in row[::2]]
    colours = len(set(pixels))
    ink = sum(1 for p in pixels if p != (255, 255, 255)) / len(pixels)
    check((width, height) == (800, 1000), "screenshot is %dx%d" % (width, height))
    check(colours >= 20 and ink > 0.03, "screenshot holds a picture: %d colours, %.1f%% not white" % (colours, 100 * ink))
    # the charts' colours are in it (Vega's first category colour, #4c78a8, the services' bars)
    check(any(abs(r - 0x4c) < 8 and abs(g - 0x78) < 8 and abs(b - 0xa8) < 8 for r, g, b in pixels),
          "the bars' colour is on screen")
    if keep:
        shutil.copy(png, keep)
finally:
    os.chdir("/")
    shutil.rmtree(work, ignore_errors=True)
print("FAILED: %d checks" % len(failures) if failures else "ok overview")
sys.exit(1 if failures else 0)
