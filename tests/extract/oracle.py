"""oracle.py — shared helpers of the extraction differential tests: run tshark the way the
project's oracle is run, open the extension, copy captures into a scratch folder."""
import json
import os
import shutil
import sqlite3
import subprocess

TSHARK_ENV = dict(os.environ, WIRESHARK_CONFIG_DIR="/nonexistent", TZ="UTC")


def tshark(*args, check=True):
    """tshark -n ARGS; returns stdout (bytes)."""
    r = subprocess.run(["tshark", "-n", *args], env=TSHARK_ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if check and r.returncode != 0:
        raise RuntimeError("tshark %s failed: %s" % (" ".join(args), r.stderr.decode(errors="replace")))
    return r.stdout


def connect(extension):
    db = sqlite3.connect(":memory:")
    db.enable_load_extension(True)
    db.load_extension(extension)
    return db


def scratch_copy(capture, scratch):
    """A private copy of a corpus capture (indexes are written beside captures)."""
    os.makedirs(scratch, exist_ok=True)
    target = os.path.join(scratch, os.path.basename(capture))
    if not os.path.exists(target):
        shutil.copyfile(capture, target)
    return target


def index_db(db, capture):
    """The capture's own index database (for facts the tables do not show, e.g. tcp_stream)."""
    info = json.loads(db.execute("SELECT xtractr_index(?)", (capture,)).fetchone()[0])
    return sqlite3.connect(os.path.join(info["files"][0]["index"], "index.db"))
