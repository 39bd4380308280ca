#!/usr/bin/env python3
"""damage_index.py — damages one part of a built index, as a failing disk or a clumsy user would.

Usage: damage_index.py INDEX_DIR KIND

KIND is one of
  postlist   32 bytes flipped in the middle of search/0/postlist.glass (the first shard's posting lists)
  block      32 bytes flipped inside field block 0 (the docs table of index.db)
  page       the page holding the packets table's root overwritten with garbage (malformed)
  truncate   search/0/postlist.glass cut to half its size
  missing    the search/ folder removed
  rechecksum no damage: rewrites `checksums` for the files as they are now — after a damage
             made by hand, it stands for damage the checksums cannot see (a wrong value
             written at build time), so that a test reaches the errors behind them
Prints what it did. File sizes are kept except by truncate and missing.
"""
import os
import shutil
import sqlite3
import struct
import sys

M64 = (1 << 64) - 1
P1, P2, P3, P4, P5 = (11400714785074694791, 14029467366897019727, 1609587929392839161,
                      9650029242287828579, 2870177450012600261)


def xxh64(data, seed=0):
    """XXH64, as core/content_hash.h computes it."""
    def rotl(x, r):
        return ((x << r) | (x >> (64 - r))) & M64

    def lane(acc, word):
        return (rotl((acc + word * P2) & M64, 31) * P1) & M64

    n, p = len(data), 0
    if n >= 32:
        v = [(seed + P1 + P2) & M64, (seed + P2) & M64, seed, (seed - P1) & M64]
        words = struct.unpack_from("<%dQ" % (n // 32 * 4), data)
        for i in range(0, len(words), 4):
            v = [lane(v[k], words[i + k]) for k in range(4)]
        p = n // 32 * 32
        h = (rotl(v[0], 1) + rotl(v[1], 7) + rotl(v[2], 12) + rotl(v[3], 18)) & M64
        for x in v:
            h = ((h ^ lane(0, x)) * P1 + P4) & M64
    else:
        h = (seed + P5) & M64
    h = (h + n) & M64
    while p + 8 <= n:
        h = (rotl(h ^ lane(0, struct.unpack_from("<Q", data, p)[0]), 27) * P1 + P4) & M64
        p += 8
    if p + 4 <= n:
        h = (rotl(h ^ ((struct.unpack_from("<I", data, p)[0] * P1) & M64), 23) * P2 + P3) & M64
        p += 4
    while p < n:
        h = (rotl(h ^ ((data[p] * P5) & M64), 11) * P1) & M64
        p += 1
    h = ((h ^ (h >> 33)) * P2) & M64
    h = ((h ^ (h >> 29)) * P3) & M64
    return h ^ (h >> 32)


assert "%016x" % xxh64(b"abc") == "44bc2cf5ad770999"
index, kind = sys.argv[1], sys.argv[2]
db_path = os.path.join(index, "index.db")


def flip(path, offset, count=32):
    with open(path, "r+b") as f:
        f.seek(offset)
        data = bytearray(f.read(count))
        f.seek(offset)
        f.write(bytes(b ^ 0x5A for b in data))


if kind == "postlist":
    path = os.path.join(index, "search", "0", "postlist.glass")
    flip(path, os.path.getsize(path) // 2)
    print("flipped 32 bytes in search/0/postlist.glass")
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
    path = os.path.join(index, "search", "0", "postlist.glass")
    os.truncate(path, os.path.getsize(path) // 2)
    print("cut search/0/postlist.glass to half")
elif kind == "missing":
    shutil.rmtree(os.path.join(index, "search"))
    print("removed search/")
elif kind == "rechecksum":
    names = ["index.db"]
    for root, dirs, files in os.walk(os.path.join(index, "search")):  # the stub and each shard's files
        names += [os.path.relpath(os.path.join(root, f), index) for f in files]
    with open(os.path.join(index, "checksums"), "w") as out:
        for name in sorted(names):
            data = open(os.path.join(index, name), "rb").read()
            out.write("%016x %d %s\n" % (xxh64(data), len(data), name))
    print("rewrote the checksums")
else:
    sys.exit("unknown damage " + kind)
