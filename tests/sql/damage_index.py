#!/usr/bin/env python3
"""damage_index.py — damages one part of a built index, as a failing disk or a clumsy user would.

Usage: damage_index.py INDEX_DIR KIND

KIND is one of
  postlist   32 bytes flipped in the middle of search/postlist.glass (Xapian's posting lists)
  block      32 bytes flipped inside field block 0 (the docs table of index.db)
  page       the page holding the packets table's root overwritten with garbage (malformed)
  truncate   search/postlist.glass cut to half its size
  missing    the search/ folder removed
Prints what it did. File sizes are kept except by truncate and missing.
"""
import os
import shutil
import sqlite3
import sys

index, kind = sys.argv[1], sys.argv[2]
db_path = os.path.join(index, "index.db")


def flip(path, offset, count=32):
    with open(path, "r+b") as f:
        f.seek(offset)
        data = bytearray(f.read(count))
        f.seek(offset)
        f.write(bytes(b ^ 0x5A for b in data))


if kind == "postlist":
    path = os.path.join(index, "search", "postlist.glass")
    flip(path, os.path.getsize(path) // 2)
    print("flipped 32 bytes in search/postlist.glass")
elif kind == "block":
    con = sqlite3.connect("file:%s?mode=ro" % db_path, uri=True)
    blob = con.execute("SELECT data FROM docs WHERE block = 0").fetchone()[0]
    con.close()
    raw = open(db_path, "rb").read()
    for start in range(len(blob) // 2, len(blob) - 32, 7):  # a stretch that lies within one page
        at = raw.find(blob[start:start + 32])
        if at >= 0:
            flip(db_path, at)
            print("flipped 32 bytes of block 0 in index.db")
            break
    else:
        sys.exit("block 0 not found in " + db_path)
elif kind == "page":
    con = sqlite3.connect("file:%s?mode=ro" % db_path, uri=True)
    page_size = con.execute("PRAGMA page_size").fetchone()[0]
    root = con.execute("SELECT rootpage FROM sqlite_master WHERE name = 'packets'").fetchone()[0]
    con.close()
    with open(db_path, "r+b") as f:
        f.seek((root - 1) * page_size)
        f.write(bytes((i * 37) & 0xFF for i in range(page_size)))
    print("overwrote the root page of the packets table in index.db")
elif kind == "truncate":
    path = os.path.join(index, "search", "postlist.glass")
    os.truncate(path, os.path.getsize(path) // 2)
    print("cut search/postlist.glass to half")
elif kind == "missing":
    shutil.rmtree(os.path.join(index, "search"))
    print("removed search/")
else:
    sys.exit("unknown damage " + kind)
