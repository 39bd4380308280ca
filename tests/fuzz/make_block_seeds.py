#!/usr/bin/python3
"""make_block_seeds.py — seeds for fuzz_block: the blocks of real indexes, in the target's input form.

Usage: /usr/bin/python3 tests/fuzz/make_block_seeds.py OUT_FOLDER INDEX.db... [--max-bytes 6000]

How it works: for each `docs` row of each index.db (see index/block_codec.h), the stored block
(8-byte size + zstd frame) is decompressed with the zstd program, and written as fuzz_block
reads it: flags 0, the dictionary's size (2 bytes, little-endian) and each entry's ValueKind
(`dictionary.kind` by id), then the uncompressed layout. Blocks whose input would exceed
--max-bytes are left out (libFuzzer mutates small inputs faster); one stored block as it is
(flags 1) is kept too, so the zstd path has a seed."""
import os
import re
import sqlite3
import subprocess
import sys


def main(argv):
    max_bytes = 6000
    if "--max-bytes" in argv:
        i = argv.index("--max-bytes")
        max_bytes = int(argv[i + 1])
        del argv[i:i + 2]
    out, indexes = argv[1], argv[2:]
    os.makedirs(out, exist_ok=True)
    written = 0
    for path in indexes:
        db = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
        kinds = dict(db.execute("SELECT id, kind FROM dictionary"))
        header = bytes([0]) + (max(kinds) + 1).to_bytes(2, "little") + bytes(kinds.get(i, 0) for i in range(max(kinds) + 1))
        name = re.sub(r"-[0-9a-f]{16}\.xtractr$", "", os.path.basename(os.path.dirname(path)))
        for block, data in db.execute("SELECT block, data FROM docs ORDER BY block"):
            raw = subprocess.run(["zstd", "-d", "-c", "-q"], input=bytes(data[8:]), capture_output=True, check=True).stdout
            seed = header + raw
            if len(seed) <= max_bytes:
                with open(os.path.join(out, "seed-%s-%d" % (name, block)), "wb") as f:
                    f.write(seed)
                written += 1
            if len(data) + len(header) <= max_bytes and not os.path.exists(os.path.join(out, "seed-stored")):
                with open(os.path.join(out, "seed-stored"), "wb") as f:
                    f.write(bytes([1]) + header[1:] + bytes(data))
    print("make_block_seeds: %d seeds in %s" % (written, out))


if __name__ == "__main__":
    main(sys.argv)
