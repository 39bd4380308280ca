#!/usr/bin/python3
"""run_readme_examples.py — runs every example of README.md in a host, so an edit of the README
or of xtractr cannot silently break one.

Usage (ctest readme:examples-*; run it under /usr/bin/python3):
  run_readme_examples.py --readme README.md --host sqlite3 --extension build/xtractr.so
  run_readme_examples.py --readme README.md --host python  --extension build/xtractr.so
  run_readme_examples.py --readme README.md --host node --node node --extension build/xtractr.so
      (NODE_PATH names better-sqlite3's node_modules)
  run_readme_examples.py ... --extension xtractr     # installed: loaded by name, as `.load xtractr`
  Options: --source DIR (the checkout: examples/, sql/, tests/data; default: the README's folder),
  --keep (leave the work folder), --list (print how each line of a fenced block is covered),
  --package (where the .deb is installed: its section's commands run too; tests/package),
  --tamper (every answer shown made wrong: passes only when each such example fails; every run
  also checks, example by example, that another answer would have failed).

Every line of every fenced block of the README is one of:
  - an SQL example (`SELECT ...;`, also after `sqlite> `, continued over indented lines), run
    in the host; the block's examples run in order on one connection (a process of their own:
    `xtractr_config` is per process), loaded as the host loads xtractr;
  - its expected answer: the `-- ...` lines after it (rows; two or more spaces also separate
    rows; `(...)` after two spaces is a remark; `...`/`…` inside a row matches anything, alone
    it means "more rows follow"), an inline `-- word` after its `;` when that is one word (more
    words, or one word of letters only, are a remark), or, after a `sqlite> ` example, the lines up to the next prompt (one
    row; `Error: ...` an error). The host's rows, printed as the shell prints them (list mode,
    `|`; trailing spaces ignored), must match;
  - a dot-command after `sqlite> ` (`.load PATH`: the host's load; an installed run loads by name);
  - a command for the shell (`$ ...`, or a line starting with `sqlite3 `) run by bash in the work
    folder (host sqlite3), its output lines after it checked as told in COMMAND_OUTPUT;
  - a Python line (`>>> ...`, or `db.execute(...)`) run by /usr/bin/python3 (host python), a Node
    line (`> ...`) run by node (host node);
  - one of ELSEWHERE: a line another test runs (the test's file must hold the marker).
A line that is none of these fails the run: a new example needs a way to run.

The examples name captures of the checkout (`examples/...`, `tests/data/...`, `tls/...` — the
TLS section runs from tests/data) and a few placeholders, made in the work folder from bundled
captures (PLACEHOLDERS, and the TLS section's as tests/sql/tls_settings.sql makes them). The work folder is a fresh temporary copy of examples/, sql/ and
tests/data (with `build` a link to the extension's folder), so indexes are written there.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

# placeholder name in the README -> the file of tests/data the work folder copies it from; the TLS
# section's (web.pcapng, mail.pcapng, sslkeys.log) are the copies tests/sql/tls_settings.sql makes
PLACEHOLDERS = {
    "evidence/day1.pcapng": "readme/ftp_ipv4_login_retr__zeek.pcap",  # an FTP login (xtractr_credentials' row)
    "day1.pcapng": "readme/ftp_ipv4_login_retr__zeek.pcap",
    "day1.pcap": "readme/ftp_ipv4_login_retr__zeek.pcap",
}
TLS_SETTINGS_SQL = os.path.join("tests", "sql", "tls_settings.sql")


def placeholders(source):
    """PLACEHOLDERS and the `.shell cp tls/X NAME` copies of tls_settings.sql."""
    names = dict(PLACEHOLDERS)
    with open(os.path.join(source, TLS_SETTINGS_SQL), encoding="utf-8") as f:
        for origin, name in re.findall(r"\bcp (tls/\S+) (\S+)", f.read()):
            names.setdefault(name, origin)
    return names

# lines another test runs: (pattern of the README line, file of that test, marker the file holds, test)
ELSEWHERE = [
    (r"bash examples/quickstart\.sh$", ".ci/run", "examples/quickstart.sh", "CI's quickstart step"),
    (r"bash tests/run\.sh$", ".ci/run", "tests/run.sh", "CI's tests step"),
    (r"cmake -S \. -B build && cmake --build build -j2$", "tests/run.sh", 'cmake --build "$build"',
     "CI's tests step (tests/run.sh builds)"),
    (r"cmake --install build --prefix ", "tests/install/install_test.sh", '--install "$build" --prefix',
     "install:relocated"),
    (r"cmake --install build  ", "tests/package/deb_test.sh", "cpack",
     "package:deb-in-fresh-debian (cpack -G DEB packages this install, prefix /usr)"),
    (r"cmake -S \. -B build && cmake --build build -j2 && \(cd build && cpack -G DEB\)", "tests/package/deb_test.sh",
     '"${CPACK:-cpack}" -G DEB', "package:deb-in-fresh-debian"),
    (r"apt-get install \./build/xtractr_.*\.deb sqlite3$", "tests/package/deb_test.sh",
     "apt-get install -y -qq --no-install-recommends ./", "package:deb-in-fresh-debian"),
    (r"sqlite3 :memory: '\.load xtractr' \"SELECT count\(\*\) FROM packets\('/usr/share/xtractr/examples/",
     "tests/package/deb_test.sh", "'.load xtractr' \"SELECT count(*) FROM packets(", "package:deb-in-fresh-debian"),
    # the format of a <capture>.xtractr-prefs file (a placeholder key log): tls_settings.sql writes one
    (r"# day1\.pcapng\.xtractr-prefs: ", "tests/sql/tls_settings.sql", "> mail.pcapng.xtractr-prefs", "sql:tls_settings"),
    (r"-d tcp\.port==2525,smtp$", "tests/sql/tls_settings.sql", "echo '-d tcp.port==2525,smtp'", "sql:tls_settings"),
    (r"-o tls\.keylog_file:", "tests/sql/tls_settings.sql", "echo '-o tls.keylog_file:mail.keys'", "sql:tls_settings"),
    # an indexer crash needs a crashing indexer (XTRACTR_INDEXER): sql:indexer_faults makes one
    (r"Error: stepping, xtractr: indexing '/…/day1\.pcapng' failed at frame 5: the indexing process crashed",
     "tests/sql/indexer_faults.expected", "the indexing process crashed (Segmentation fault); nothing was kept",
     "sql:indexer_faults"),
]

# what a shell command's output lines must show (the README prints a sample of a run)
COMMAND_OUTPUT = {
    # XTRACTR_DEBUG's phases on stderr: every phase the sample shows, but a lock wait, which needs
    # another process building the same capture (sql:debug_log makes one)
    "XTRACTR_DEBUG=1": "phases",
}

SQL_START = re.compile(r"(SELECT|WITH|PRAGMA)\b")
ERROR_PREFIX = re.compile(r"^(?:Error: (?:stepping|in prepare), |(?:Runtime|Parse) error near line \d+: |"
                          r"Error: near line \d+: )")


class Example:
    """One runnable line (or statement) of the README."""

    def __init__(self, kind, line, text):
        self.kind, self.line, self.text = kind, line, text
        self.expected = []  # rows (patterns)
        self.expected_more = False
        self.output_lines = []  # a shell command's sample output

    def __repr__(self):
        return "README:%d %s %s" % (self.line, self.kind, self.text.splitlines()[0])


def fenced_blocks(readme):
    """[(first line number, [lines])] of every fenced block, its indentation removed."""
    blocks, current, indent = [], None, ""
    for number, raw in enumerate(open(readme, encoding="utf-8"), 1):
        line = raw.rstrip("\n")
        stripped = line.strip()
        if stripped.startswith("```"):
            if current is None:
                indent = line[:len(line) - len(line.lstrip())]
                current = (number + 1, [])
            else:
                blocks.append(current)
                current = None
            continue
        if current is not None:
            current[1].append(line[len(indent):] if line.startswith(indent) else line.strip())
    return blocks


def split_comment(sql_line):
    """(code, comment) of one SQL line: the comment is a `--` outside quotes."""
    quote = None
    for i, c in enumerate(sql_line):
        if quote:
            if c == quote:
                quote = None
        elif c in "'\"":
            quote = c
        elif sql_line.startswith("--", i):
            return sql_line[:i].rstrip(), sql_line[i + 2:].strip()
    return sql_line.rstrip(), None


def add_rows(example, text):
    for part in re.split(r"\s{2,}", text.strip()):
        if part in ("...", "…"):
            example.expected_more = True
        elif part.startswith("(") and part.endswith(")"):
            continue  # a remark
        elif part:
            example.expected.append(part)


def elsewhere(text, source):
    for pattern, path, marker, test in ELSEWHERE:
        if re.match(pattern, text):
            with open(os.path.join(source, path), encoding="utf-8") as f:
                if marker not in f.read():
                    raise SystemExit("FAIL: README line '%s' is said to be run by %s, but %s lacks '%s'" %
                                     (text, test, path, marker))
            return test
    return None


def installed_package_line(line):
    """A command of the README's package section: run where the .deb is installed (--package)."""
    return line.startswith("sqlite3 ") and "/usr/share/xtractr/" in line


def parse(readme, source, package=False):
    """(blocks of Examples, [(line, text, test)] of lines run elsewhere, [unclaimed (line, text)]);
    with `package`, the commands that need the .deb installed are examples too."""
    runnable, others, unclaimed = [], [], []
    for first, lines in fenced_blocks(readme):
        block, last, i = [], None, 0
        while i < len(lines):
            number, line = first + i, lines[i]
            i += 1
            if not line.strip():
                continue
            prompt = line.startswith("sqlite> ")
            body = line[len("sqlite> "):] if prompt else line
            if prompt and body.startswith("."):
                last = Example("dot", number, body.strip())
                block.append(last)
            elif SQL_START.match(body):
                statement, comment = [body], None
                code, comment = split_comment(body)
                while not code.endswith(";") and i < len(lines) and lines[i].startswith((" ", "\t")):
                    statement.append(lines[i])
                    code, comment = split_comment(lines[i])
                    i += 1
                if not code.endswith(";"):
                    unclaimed.append((number, line + " (no ';' ends it)"))
                    continue
                last = Example("sql", number, "\n".join(split_comment(s)[0] for s in statement))
                if comment and not re.search(r"\s", comment) and not comment.isalpha():  # `-- 28`, not `-- scans`
                    last.expected.append(comment)
                block.append(last)
                if prompt:  # the shell's answer is printed up to the next prompt
                    answer = []
                    while i < len(lines) and lines[i].strip() and not lines[i].startswith("sqlite> "):
                        answer.append(lines[i].strip())
                        i += 1
                    if answer:
                        last.expected.append("".join(answer))
            elif line.startswith("-- ") and last is not None and last.kind == "sql":
                add_rows(last, line[3:])
            elif line.startswith("$ ") or line.startswith("sqlite3 ") and (
                    package and installed_package_line(line) or not elsewhere(line, source)):
                command = line[2:] if line.startswith("$ ") else line
                if command.strip() == "sqlite3":
                    continue  # the interactive shell the `sqlite> ` lines run in
                last = Example("shell", number, command)
                block.append(last)
                while i < len(lines) and lines[i].strip() and not lines[i].startswith(("$ ", "sqlite3 ")):
                    last.output_lines.append(lines[i])
                    i += 1
            elif line.startswith(">>> ") or line.startswith("db.execute("):
                last = Example("python", number, line[4:] if line.startswith(">>> ") else line)
                block.append(last)
            elif line.startswith("> "):
                last = Example("node", number, line[2:])
                block.append(last)
            else:
                test = elsewhere(line, source)
                if test:
                    others.append((number, line, test))
                else:
                    unclaimed.append((number, line))
        if block:
            runnable.append(block)
    return runnable, others, unclaimed


def strip_shell_comment(command):
    """The command without a trailing `# remark` (outside quotes) and the remark."""
    quote = None
    for i, c in enumerate(command):
        if quote:
            if c == quote:
                quote = None
        elif c in "'\"":
            quote = c
        elif c == "#" and (i == 0 or command[i - 1] in " \t"):
            return command[:i].rstrip(), command[i + 1:].strip()
    return command, None


def row_pattern(text):
    return re.compile(re.escape(text).replace(re.escape("…"), ".*").replace(re.escape("..."), ".*"), re.S)


def check_answer(example, rows, error):
    """A message when the host's rows (or error) do not match the README, else None."""
    wants_error = example.expected and example.expected[0].startswith("Error: ")
    if error is not None:
        message = ERROR_PREFIX.sub("", error.strip())
        if not wants_error:
            return "error: %s" % message
        expected = ERROR_PREFIX.sub("", example.expected[0])
        if not row_pattern(expected).fullmatch(message):
            return "error '%s', the README says '%s'" % (message, expected)
        return None
    if wants_error:
        return "no error, the README shows '%s'" % example.expected[0]
    if not example.expected:
        return None
    if len(rows) < len(example.expected) or (not example.expected_more and len(rows) != len(example.expected)):
        return "%d rows, the README shows %d%s:\n  %s" % (len(rows), len(example.expected),
                                                          " and more" if example.expected_more else "",
                                                          "\n  ".join(r[:300] for r in rows[:12]))
    for want, got in zip(example.expected, rows):
        if not row_pattern(want.rstrip()).fullmatch(got.rstrip()):  # a trailing space is not seen in print
            return "row '%s', the README says '%s'" % (got[:400], want)
    return None


def tampered(rows):
    return ["X" + row if not row.startswith("Error: ") else row + "X" for row in rows]


def judge(example, rows, error):
    """check_answer, and that it would have failed had the README shown another answer."""
    problem = check_answer(example, rows, error)
    if problem is None and example.expected:
        wrong = Example(example.kind, example.line, example.text)
        wrong.expected, wrong.expected_more = tampered(example.expected), example.expected_more
        if check_answer(wrong, rows, error) is None:
            problem = "the check cannot fail: another answer than the README's passes too"
    return problem


# ---- the hosts ------------------------------------------------------------------------------


def load_target(args, dot_argument):
    """What a `.load` of the README loads here: the path itself in a checkout, the name when installed."""
    return dot_argument if args.in_checkout else args.extension


def run_shell_host(args, block, env, work):
    """Runs the block's SQL (and dot-commands) in one sqlite3 (or Node's sqlite_shell.js) process."""
    script, ranges, markers = [], [], {}
    has_load = any(e.kind == "dot" for e in block)
    for n, example in enumerate(e for e in block if e.kind in ("sql", "dot")):
        script.append(".print @@README-%d" % n)
        markers[n] = example
        if example.kind == "dot":
            verb, _, argument = example.text.partition(" ")
            script.append("%s %s" % (verb, load_target(args, argument.strip())))
            continue
        begin = len(script) + 1
        script.extend(example.text.split("\n"))
        ranges.append((begin, len(script), example))
    if not markers:
        return []
    host = [args.node, os.path.join(HERE, "..", "node", "sqlite_shell.js")] if args.host == "node" else ["sqlite3"]
    cmd = host + ([] if has_load else ["-cmd", ".load " + args.extension]) + [":memory:"]
    run = subprocess.run(cmd, input="\n".join(script) + "\n", capture_output=True, text=True, cwd=work, env=env)
    rows, current = {}, None
    for line in run.stdout.split("\n"):
        m = re.fullmatch(r"@@README-(\d+)", line)
        if m:
            current = int(m.group(1))
            rows[current] = []
        elif current is not None:
            rows[current].append(line)
    rows = {n: r[:-1] if r and r[-1] == "" else r for n, r in rows.items()}
    errors = {}
    for line in run.stderr.splitlines():
        m = re.search(r"near line (\d+)", line)
        if not m:
            continue
        at = int(m.group(1))
        for begin, end, example in ranges:
            if begin <= at <= end:
                errors.setdefault(id(example), line)
    failures = []
    for n, example in markers.items():
        if example.kind == "dot":
            if n not in rows or n + 1 not in rows and n + 1 in markers:
                failures.append((example, "the shell stopped (stderr: %s)" % run.stderr.strip()[:500]))
            continue
        if n not in rows:
            failures.append((example, "did not run (stderr: %s)" % run.stderr.strip()[:500]))
            continue
        problem = judge(example, rows[n], errors.get(id(example)))
        if problem:
            failures.append((example, problem))
    leftover = [line for line in run.stderr.splitlines() if "near line" not in line and line.strip()]
    if leftover:
        failures.append((block[0], "stderr: %s" % "\n".join(leftover)[:500]))
    return failures


def python_child(block_json):
    """In a /usr/bin/python3 child (its LD_LIBRARY_PATH set): one connection runs the block."""
    import sqlite3
    spec = json.load(open(block_json))

    def text(v):
        if v is None:
            return ""
        if isinstance(v, float):
            s = "%.15g" % v
            return s if re.search(r"[.eEn]", s) else s + ".0"
        if isinstance(v, bytes):
            return v.decode("latin1")
        return str(v)

    db = sqlite3.connect(":memory:")
    db.enable_load_extension(True)
    loaded = False
    results = []
    for example in spec["examples"]:
        kind, body = example["kind"], example["text"]
        if kind == "dot":
            db.load_extension(body)
            loaded = True
            results.append({"rows": [], "error": None})
            continue
        if not loaded and not spec["has_load"]:
            db.load_extension(spec["extension"])
            loaded = True
        if kind == "python":
            scope = {"sqlite3": sqlite3, "db": db}
            try:
                value = eval(compile(body, "README", "eval"), scope) if spec["eval"].get(str(example["n"])) else None
                if value is None:
                    exec(compile(body, "README", "exec"), scope)
                results.append({"rows": [text(value)] if value is not None else [], "error": None})
            except Exception as e:  # noqa: BLE001 (reported as the example's failure)
                results.append({"rows": [], "error": "%s: %s" % (type(e).__name__, e)})
            continue
        try:
            rows = ["|".join(text(v) for v in row) for row in db.execute(body).fetchall()]
            results.append({"rows": rows, "error": None})
        except sqlite3.Error as e:
            results.append({"rows": [], "error": str(e)})
    json.dump(results, sys.stdout)


def run_python_host(args, block, env, work):
    examples = [e for e in block if e.kind in ("sql", "dot", "python")]
    if not examples:
        return []
    spec = {"extension": args.extension, "has_load": any(e.kind == "dot" for e in examples), "eval": {},
            "examples": []}
    for n, e in enumerate(examples):
        text = e.text
        if e.kind == "dot":
            text = load_target(args, e.text.partition(" ")[2].strip())
        elif e.kind == "python":
            text = strip_shell_comment(e.text)[0]
            spec["eval"][str(n)] = text.startswith("db.execute(")  # an expression: its value is the answer
        spec["examples"].append({"n": n, "kind": e.kind, "text": text})
    path = os.path.join(work, "block.json")
    json.dump(spec, open(path, "w"))
    run = subprocess.run([args.python, os.path.abspath(__file__), "--python-child", path], capture_output=True,
                         text=True, cwd=work, env=env)
    if run.returncode != 0:
        return [(examples[0], "python exited %d: %s" % (run.returncode, run.stderr.strip()[-800:]))]
    failures = []
    for e, result in zip(examples, json.loads(run.stdout)):
        if e.kind == "python":
            if result["error"]:
                failures.append((e, result["error"]))
            elif e.text.startswith("db.execute(") and not result["rows"][0].lstrip().lower().startswith("<!doctype html"):
                failures.append((e, "the value is no HTML page: %s" % result["rows"][0][:200]))
            continue
        problem = judge(e, result["rows"], result["error"]) if e.kind == "sql" else result["error"]
        if problem:
            failures.append((e, problem))
    return failures


def run_commands(args, block, env, work):
    """The block's shell (host sqlite3) or Node (host node) lines."""
    failures = []
    for e in block:
        if e.kind == "shell" and args.host == "sqlite3":
            command, remark = strip_shell_comment(e.text)
            if not args.in_checkout:
                command = command.replace("./build/xtractr", args.extension)
            run = subprocess.run(["bash", "-c", command], capture_output=True, text=True, cwd=work, env=env)
            if run.returncode != 0:
                failures.append((e, "exit %d: %s" % (run.returncode, (run.stderr or run.stdout).strip()[:800])))
                continue
            if remark and not re.search(r"\s", remark) and not remark.isalpha():  # `# 136`: its answer
                want = remark + ("X" if args.tamper else "")
                if run.stdout.strip() != want:
                    failures.append((e, "printed '%s', the README says '%s'" % (run.stdout.strip()[:300], want)))
            if ".once overview.html" in command:
                page = open(os.path.join(work, "overview.html"), encoding="utf-8").read()
                if not page.lstrip().lower().startswith("<!doctype html"):
                    failures.append((e, "overview.html is no HTML page: %s" % page[:200]))
            if COMMAND_OUTPUT.get(command.split(" ")[0]) == "phases":
                phases = lambda lines: {m.group(1) for m in (re.match(r"xtractr debug \[pid \d+\]: ([a-z ]+):", l)
                                                             for l in lines) if m}
                wanted = phases(e.output_lines) - {"lock wait"}
                missing = wanted - phases(run.stderr.splitlines())
                if not wanted or missing:
                    failures.append((e, "phases %s missing from stderr: %s" % (sorted(missing), run.stderr[:800])))
            elif e.output_lines:
                failures.append((e, "no rule in COMMAND_OUTPUT checks its sample output"))
        elif e.kind == "node" and args.host == "node":
            code = strip_shell_comment(e.text.replace("//", "#", 1))[0]
            script = "const db = %s;\nconsole.log(db.prepare('SELECT xtractr_version() IS NOT NULL').pluck().get());" % code
            run = subprocess.run([args.node, "-e", script], capture_output=True, text=True, cwd=work, env=env)
            if run.returncode != 0 or run.stdout.strip() != "1":
                failures.append((e, "node: exit %d %s %s" % (run.returncode, run.stdout.strip(), run.stderr.strip()[:800])))
    return failures


# ---- the work folder ------------------------------------------------------------------------


def make_work(args, work):
    source = args.source
    shutil.copytree(os.path.join(source, "examples"), os.path.join(work, "examples"))
    shutil.copytree(os.path.join(source, "sql"), os.path.join(work, "sql"))
    shutil.copytree(os.path.join(source, "tests", "data"), os.path.join(work, "tests", "data"))
    shutil.copytree(os.path.join(source, "tests", "data", "tls"), os.path.join(work, "tls"))
    data = os.path.join(source, "tests", "data")
    for name, origin in placeholders(source).items():
        os.makedirs(os.path.dirname(os.path.join(work, name)), exist_ok=True)
        shutil.copyfile(os.path.join(data, origin), os.path.join(work, name))
    with open(os.path.join(work, "notes.txt"), "w") as f:
        f.write("not a capture\n")
    subprocess.run([args.python, os.path.join(source, "tests", "extract", "make_gzip_body_capture.py"),
                    os.path.join(data, "http_get_simple__zeek.pcap"), os.path.join(work, "gzip_corrupt.pcap"),
                    "--corrupt"], check=True, capture_output=True)
    if args.in_checkout:
        os.symlink(os.path.dirname(os.path.abspath(args.extension)), os.path.join(work, "build"))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--readme")
    parser.add_argument("--source")
    parser.add_argument("--host", choices=["sqlite3", "python", "node"])
    parser.add_argument("--extension")
    parser.add_argument("--node", default="node")
    parser.add_argument("--python", default="/usr/bin/python3")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--package", action="store_true")
    parser.add_argument("--tamper", action="store_true")
    parser.add_argument("--python-child")
    args = parser.parse_args()
    if args.python_child:
        return python_child(args.python_child)
    args.readme = os.path.abspath(args.readme)
    args.source = os.path.abspath(args.source or os.path.dirname(args.readme))
    blocks, others, unclaimed = parse(args.readme, args.source, args.package)
    checked = [e for b in blocks for e in b if e.expected]
    if args.tamper:  # every answer the README shows made wrong: each of those examples must fail
        for e in checked:
            e.expected = tampered(e.expected)
    if args.list:
        for block in blocks:
            for e in block:
                print(e, "| expects", e.expected, "more" if e.expected_more else "")
        for number, text, test in others:
            print("README:%d elsewhere (%s) %s" % (number, test, text))
    if unclaimed:
        for number, text in unclaimed:
            print("FAIL: README:%d is no example this test can run nor one another test runs: %s" % (number, text))
        return 1
    # a path: the checkout's build (`.load ./build/xtractr` as printed); a bare name: an install
    args.in_checkout = "/" in args.extension
    if args.in_checkout:
        args.extension = os.path.abspath(args.extension)
    env = dict(os.environ, TZ="UTC", WIRESHARK_CONFIG_DIR="/nonexistent", LC_ALL="C.UTF-8")
    for name in ("XTRACTR_INDEX_DIR", "XTRACTR_CACHE_DIR", "XTRACTR_NUGGETS", "XTRACTR_PAYLOAD_INDEX"):
        env.pop(name, None)
    if args.in_checkout:  # `.load xtractr` by name finds the build's, as README's Install says
        folder = os.path.dirname(args.extension)
        env["LD_LIBRARY_PATH"] = folder + (":" + env["LD_LIBRARY_PATH"] if env.get("LD_LIBRARY_PATH") else "")
    work = tempfile.mkdtemp(prefix="xtractr-readme-%s." % args.host)
    env["HOME"] = work
    env["XDG_CACHE_HOME"] = os.path.join(work, ".cache")
    env["XDG_CONFIG_HOME"] = os.path.join(work, ".config")
    failures, ran = [], 0
    try:
        make_work(args, work)
        for block in blocks:
            if args.host == "python":
                failures += run_python_host(args, block, env, work)
                ran += sum(e.kind in ("sql", "python") for e in block)
            else:
                failures += run_shell_host(args, block, env, work)
                ran += sum(e.kind == "sql" for e in block)
                failures += run_commands(args, block, env, work)
                ran += sum(e.kind == ("shell" if args.host == "sqlite3" else "node") for e in block)
    finally:
        if args.keep:
            print("work folder kept:", work)
        else:
            shutil.rmtree(work, ignore_errors=True)
    if args.tamper:
        caught = {id(e) for e, _ in failures}
        missed = [e for e in checked if id(e) not in caught]
        for e in missed:
            print("FAIL --tamper: a wrong answer passed: %r" % e)
        print("%s --tamper: %d of %d examples with a wrong answer failed" %
              ("ok" if not missed else "FAIL", len(checked) - len(missed), len(checked)))
        return 1 if missed or not checked else 0
    for example, problem in failures:
        print("FAIL %r:\n  %s" % (example, problem))
    print("%s: %d README examples run in %s (%d with their answer checked), %d lines run by other tests; %d failed"
          % ("ok" if not failures else "FAIL", ran, args.host, len(checked), len(others), len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
