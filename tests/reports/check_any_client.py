#!/usr/bin/python3
"""check_any_client.py — every script of sql/ runs unchanged from every client, on a capture
whose path has spaces and both quotes, with the same rows: the sqlite3 shell (CSV mode, the
parameter set with plain SQL as sql/README.md shows), Python statement by statement (the
README's example, run as it is printed), xtractr_nugget() by path from Python, and — when
better-sqlite3 is there — the README's Node example. Also: no script holds a dot-command.

Usage: check_any_client.py --extension build/xtractr.so --sql sql --capture examples/wikipedia_browse.pcap
                           --work /tmp/any [--node node]     (NODE_PATH finds better-sqlite3)
"""
import argparse
import csv
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys

ENV = dict(os.environ, WIRESHARK_CONFIG_DIR='/nonexistent', TZ='UTC')


def readme_block(readme, language):
    blocks = re.findall(r'```' + language + r'\n(.*?)```', open(readme).read(), re.S)
    if len(blocks) != 1:
        raise SystemExit('sql/README.md: expected one ```%s block, found %d' % (language, len(blocks)))
    return blocks[0]


def sections_of_csv(text):
    """CSV (a header before each statement's rows) -> [(title, rows)]: a one-cell row '## TITLE'
    starts a section, the next row is its rows' header; before any title, the first row is."""
    sections, header_next = [], True
    for row in csv.reader(io.StringIO(text)):
        if not row or row == ['']:
            continue  # the NULL row under a title, blank lines
        if len(row) == 1 and row[0].startswith('## '):
            sections.append((row[0][3:], []))
            header_next = True
        elif header_next:
            header_next = False
            if not sections:
                sections.append((None, []))
        else:
            sections[-1][1].append(row)
    return sections


def run(cmd, **kw):
    proc = subprocess.run(cmd, env=ENV, capture_output=True, text=True, timeout=600, **kw)
    if proc.returncode != 0 or proc.stderr.strip():
        raise RuntimeError('%s failed: %s' % (cmd[0], proc.stderr.strip()))
    return proc.stdout


def shell_sections(args, script, capture):
    quoted = capture.replace("'", "''")
    with open(script) as sql:
        out = run(['sqlite3', '-header', '-cmd', '.load ' + args.extension, '-cmd', '.mode csv', '-cmd', '.parameter init',
                   '-cmd', "INSERT INTO temp.sqlite_parameters VALUES ('@capture', '%s')" % quoted, ':memory:'], stdin=sql)
    return sections_of_csv(out)


def python_example_sections(example, script, capture):
    return sections_of_csv(run([sys.executable, example, script, capture]))


def nugget_sections(rows):
    """(section, JSON object) rows -> sections of value lists, as the shell prints them."""
    sections = []
    for section, result in rows:
        if not sections or sections[-1][0] != section:
            sections.append((section, []))
        sections[-1][1].append(['' if v is None else str(v) for v in json.loads(result).values()])
    return sections


def python_nugget_sections(args, script, capture):
    db = sqlite3.connect(':memory:')
    db.enable_load_extension(True)
    db.load_extension(args.extension)
    return nugget_sections(db.execute('SELECT section, result FROM xtractr_nugget(?, ?)', (script, capture)))


def node_example_sections(args, example, script, capture):
    out = run([args.node, example, script, capture])
    rows, section = [], None
    for line in out.split('\n'):
        if line.startswith('## '):
            section = line[3:]
        elif line:
            rows.append((section, line))
    return nugget_sections(rows)


def normalised(sections):
    """Sections with rows (an empty section prints its title in the shell, nothing from
    xtractr_nugget()), cells as text or as numbers."""
    def cell(v):
        try:
            return float(v)
        except ValueError:
            return v
    return [(t, [[cell(v) for v in row] for row in rows]) for t, rows in sections if rows]


def same(a, b):
    """Equal, numbers within 2e-6: round() differs in the last digit between SQLite versions
    (the shell's 3.40 and the one better-sqlite3 bundles)."""
    if isinstance(a, float) and isinstance(b, float):
        return abs(a - b) <= 2e-6 * max(1.0, abs(a))
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--extension', required=True)
    p.add_argument('--sql', required=True)
    p.add_argument('--capture', required=True)
    p.add_argument('--work', required=True)
    p.add_argument('--node')
    args = p.parse_args()
    args.extension = os.path.abspath(args.extension)
    ENV['XTRACTR_EXTENSION'] = args.extension
    folder = os.path.join(args.work, 'any client\'s "folder"')
    shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(folder)
    ENV['XTRACTR_INDEX_DIR'] = os.path.join(args.work, 'idx')
    capture = os.path.join(folder, 'day 1 "o\'brien".pcap')
    shutil.copyfile(args.capture, capture)
    readme = os.path.join(args.sql, 'README.md')
    python_example = os.path.join(args.work, 'report.py')
    with open(python_example, 'w') as f:
        f.write(readme_block(readme, 'python'))
    node_example = None
    if args.node and subprocess.run([args.node, '-e', "require('better-sqlite3')"], env=ENV,
                                   stderr=subprocess.DEVNULL).returncode == 0:
        node_example = os.path.join(args.work, 'report.js')
        with open(node_example, 'w') as f:
            f.write(readme_block(readme, 'js'))
    else:
        print('better-sqlite3 not found: the Node example is not run')

    failures = checks = 0
    scripts = sorted(n for n in os.listdir(args.sql) if n.endswith('.sql'))
    for name in scripts:
        script = os.path.abspath(os.path.join(args.sql, name))
        checks += 1
        dots = [line for line in open(script) if line.startswith('.')]
        if dots:
            failures += 1
            print('FAIL %s holds dot-commands: %s' % (name, dots[0].strip()))
            continue
        try:
            answers = {'shell': shell_sections(args, script, capture),
                       'python statement by statement': python_example_sections(python_example, script, capture),
                       'xtractr_nugget from python': python_nugget_sections(args, script, capture)}
            if node_example:
                answers['node example (xtractr_nugget)'] = node_example_sections(args, node_example, script, capture)
        except Exception as e:  # a script that fails in one client is a failure, not a crash
            failures += 1
            print('FAIL %s: %s' % (name, e))
            continue
        shell = normalised(answers['shell'])
        different = [client for client, sections in answers.items() if not same(normalised(sections), shell)]
        if different:
            failures += 1
            print('FAIL %s: %s differ from the shell' % (name, ', '.join(different)))
            for client in different:
                print('     %s: %s\n     shell: %s' % (client, normalised(answers[client])[:3], shell[:3]))
        else:
            print('ok   %s: %d sections, %d rows, the same from %d clients' % (
                name, len(answers['shell']), sum(len(r) for _, r in answers['shell']), len(answers)))
    print('%d checks, %d failed' % (checks, failures))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
