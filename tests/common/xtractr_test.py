"""xtractr_test.py — what the differential test scripts (tests/**/diff_*.py) share: run tshark
the way the project's oracle is run (many display filters in one pass: filter_frames), open the extension, copy captures into a scratch folder,
read the command line of the extraction scripts.

Usage (from a script in tests/<suite>/, run as `/usr/bin/python3 tests/<suite>/diff_x.py ...`
from any folder):

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
    from xtractr_test import connect, script_args, scratch_copies, tshark

    args = script_args(sys.argv, tamper=True, max_flows=200)   # EXTENSION SCRATCH CAPTURE...
    db = connect(args.extension)
    for original, capture in scratch_copies(args.captures, args.scratch):
        want = tshark("-r", capture, "-q", "-z", "credentials")

A capture with Wireshark settings beside it (`<capture>.keylog`, `<capture>.xtractr-prefs`:
README "TLS decryption, Decode As and preferences") is read by tshark with the same settings
as tshark options (settings_options), and scratch copies take those files along.

How it works: tshark runs as DEVELOPERS.md says the oracle runs — `tshark -n`, a personal
configuration folder that does not exist (Wireshark's default preferences) and TZ=UTC, like the
extension. The extension is loaded into an in-memory database of /usr/bin/python3's sqlite3
(other Pythons' may not load extensions); loading is switched off again afterwards. Scripts
name the folder of this module from their own path, so ctest's working folder does not matter.
"""
import json
import os
import re
import shutil
import sqlite3
import struct
import subprocess
import tempfile
import types

FILTER_SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "filter_frames.lua")


def tshark_env(**extra):
    """The environment tshark runs in: default preferences, UTC (plus `extra` variables)."""
    return dict(os.environ, WIRESHARK_CONFIG_DIR="/nonexistent", TZ="UTC", **extra)


SETTINGS_SUFFIXES = (".keylog", ".xtractr-prefs")


def settings_options(capture):
    """The tshark options that give tshark the settings xtractr takes from beside `capture`:
    `-o tls.keylog_file:<capture>.keylog`, and each `-o`/`-d` line of <capture>.xtractr-prefs
    (a key log named there relative to the capture's folder)."""
    options = []
    if os.path.isfile(capture + ".keylog"):
        options += ["-o", "tls.keylog_file:" + os.path.abspath(capture + ".keylog")]
    if os.path.isfile(capture + ".xtractr-prefs"):
        folder = os.path.dirname(os.path.abspath(capture))
        with open(capture + ".xtractr-prefs") as f:
            for line in f:
                line = line.strip()
                if not line or line.startswith("#"):
                    continue
                option, value = line[:2], line[2:].strip()
                name, _, path = value.partition(":")
                if option == "-o" and name.strip() in ("tls.keylog_file", "ssl.keylog_file"):
                    value = "tls.keylog_file:" + os.path.join(folder, path.strip())
                options += [option, value]
    return options


def tshark(*args, check=True):
    """tshark -n ARGS; returns stdout (bytes). With `-r CAPTURE` among ARGS, the capture's
    settings are tshark's too (settings_options)."""
    args = list(args)
    if "-r" in args[:-1]:
        args = settings_options(args[args.index("-r") + 1]) + args
    r = subprocess.run(["tshark", "-n", *args], env=tshark_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if check and r.returncode != 0:
        raise RuntimeError("tshark %s failed: %s" % (" ".join(args), r.stderr.decode(errors="replace")))
    return r.stdout


def filter_frames(capture, filters, program="tshark"):
    """{filter: (frame numbers, None) or (None, tshark's error)} as `tshark -n -r CAPTURE -Y
    FILTER` answers each, all in one tshark pass (filter_frames.lua: a tap listener per filter;
    starting tshark costs more than reading most captures). A filter the tap cannot stand for —
    frame.time_delta_displayed depends on which frames -Y displays; a line break — runs alone
    with -Y. A damaged capture gives the frames read before the damage, as -Y does."""
    alone = {f for f in filters if "displayed" in f or "\n" in f or "\r" in f}
    batch = list(dict.fromkeys(f for f in filters if f not in alone))
    answers = {}
    with tempfile.TemporaryDirectory(prefix="xtractr-filters-") as tmp:
        listed, frames = os.path.join(tmp, "filters.txt"), os.path.join(tmp, "frames.txt")
        with open(listed, "w") as f:
            f.writelines(flt + "\n" for flt in batch)
        if batch:
            p = subprocess.run([program, "-n", "-r", capture, "-X", "lua_script:" + FILTER_SCRIPT, "-T", "fields",
                                "-e", "frame.number"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               env=tshark_env(XTRACTR_FILTERS=listed, XTRACTR_FILTER_FRAMES=frames))
            if not os.path.exists(frames):
                raise RuntimeError("tshark -X lua_script:%s over %s wrote nothing: %s"
                                   % (FILTER_SCRIPT, capture, p.stderr.decode(errors="replace")))
            with open(frames) as f:
                for flt, line in zip(batch, f):
                    _, status, rest = (line.rstrip("\n") + " ").split(" ", 2)
                    answers[flt] = ([int(x) for x in rest.split()], None) if status == "ok" else (None, rest.strip())
            if len(answers) != len(batch):
                raise RuntimeError("filter_frames.lua answered %d of %d filters over %s"
                                   % (len(answers), len(batch), capture))
    for flt in alone:
        p = subprocess.run([program, "-n", "-r", capture, "-Y", flt, "-T", "fields", "-e", "frame.number"],
                           capture_output=True, text=True, env=tshark_env())
        # a refused filter; a damaged capture also ends in an error, after the frames it could read
        refused = p.returncode != 0 and not p.stdout and not re.search(r"damaged|corrupt|cut short|truncat", p.stderr, re.I)
        answers[flt] = (None, p.stderr.strip()) if refused else ([int(x) for x in p.stdout.split()], None)
    return answers


def connect(extension):
    """An in-memory database with the extension loaded."""
    db = sqlite3.connect(":memory:")
    db.enable_load_extension(True)
    db.load_extension(extension)
    db.enable_load_extension(False)
    return db


def scratch_copy(capture, scratch):
    """A private copy of a corpus capture (indexes are written beside captures)."""
    os.makedirs(scratch, exist_ok=True)
    target = os.path.join(scratch, os.path.basename(capture))
    if not os.path.exists(target):
        shutil.copyfile(capture, target)
    for suffix in SETTINGS_SUFFIXES:  # its Wireshark settings go with it
        if os.path.isfile(capture + suffix) and not os.path.exists(target + suffix):
            shutil.copyfile(capture + suffix, target + suffix)
    return target


def scratch_copies(captures, scratch):
    """(original, private copy) for each capture, copied as it is reached."""
    for original in captures:
        yield original, scratch_copy(original, scratch)


def index_db(db, capture):
    """The capture's own index database (for facts the tables do not show, e.g. tcp_stream)."""
    info = json.loads(db.execute("SELECT xtractr_index(?)", (capture,)).fetchone()[0])
    return sqlite3.connect(os.path.join(info["files"][0]["index"], "index.db"))


def frame_flows(db, capture):
    """Frame id -> the flows flows() counts it in: its own flow and the tunnels it travels in
    (its innermost tunnel, and the tunnels those flows travel in, transitively)."""
    tunnel_of = dict(db.execute("SELECT id, tunnel FROM flows(?) WHERE tunnel IS NOT NULL", (capture,)))
    out = {}
    for frame, flow, tunnel in db.execute("SELECT id, flow, tunnel FROM packets(?)", (capture,)):
        pending, flows = [f for f in (flow, tunnel) if f], set()
        while pending:
            f = pending.pop()
            if f not in flows:
                flows.add(f)
                pending.extend([tunnel_of[f]] if f in tunnel_of else [])
        out[frame] = flows
    return out


def script_args(argv, tamper=False, **numbers):
    """The command line of an extraction script: [--tamper] [--NAME N ...] EXTENSION SCRATCH
    CAPTURE..., the flags anywhere. `tamper`: the script accepts --tamper (spoil xtractr's side
    on purpose: the script must then fail); `numbers`: integer options and their defaults
    (max_flows=200 reads --max-flows). Returns a namespace: extension, scratch, captures,
    tamper and each number."""
    argv = list(argv)
    args = types.SimpleNamespace(tamper=False)
    if tamper and "--tamper" in argv:
        args.tamper = True
        argv.remove("--tamper")
    for name, default in numbers.items():
        flag = "--" + name.replace("_", "-")
        value = default
        if flag in argv:
            i = argv.index(flag)
            value = int(argv[i + 1])
            del argv[i:i + 2]
        setattr(args, name, value)
    args.extension, args.scratch, args.captures = argv[1], argv[2], argv[3:]
    return args


def internet_checksum(data):
    """The IPv4/TCP/UDP ones'-complement checksum of `data`, for the scripts that derive captures."""
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF
