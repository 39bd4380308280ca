"""deep_nesting.py — deeply nested queries and display filters never crash the host: past the
query language's bound a syntax error names the column and the limit; every display filter
libwireshark compiles is answered (like `tshark -Y`), however long its run of negations.

Usage (from tests/search/sql/deep_nesting.sql, in the folder holding the test captures):
  /usr/bin/python3 $TEST_DIR/deep_nesting.py http_get_simple__zeek.pcap

How it works: each case runs in its own child sqlite3 shell ($SQLITE3 with $XTRACTR_EXT
loaded, the SQL on stdin since the texts are longer than a command-line argument may be), so
a crash is an exit status printed here, not a crash of the test. Prints, per case, the
shell's output (or its error, cut to 240 characters) and its exit status.
"""
import os
import subprocess
import sys

capture = sys.argv[1]


def run(label, table_args):
    sql = "SELECT count(*) FROM packets('%s', %s);\n" % (capture, table_args)
    shell = subprocess.run([os.environ["SQLITE3"], "-bail", "-cmd", ".load " + os.environ["XTRACTR_EXT"], ":memory:"],
                           input=sql, capture_output=True, text=True)
    said = (shell.stdout + shell.stderr).strip().replace("\n", " | ")
    if len(said) > 240:
        said = said[:240] + "[...]"
    print("%s: %s (exit %d)" % (label, said, shell.returncode))


def query(label, text):
    run("query " + label, "'%s'" % text)


def display_filter(label, text):
    run("filter " + label, "NULL, '%s'" % text)


# the query language: nesting within the bound works, deeper is a syntax error
query("255 groups", "(" * 255 + "tcp.port:80" + ")" * 255)
query("256 negations", "-" * 256 + "tcp.port:80")
query("257 negations", "-" * 257 + "tcp.port:80")
query("30,000 negations", "-" * 30000 + "abc")
query("100,000 '('", "(" * 100000)
query("100,000 groups", "(" * 100000 + "abc" + ")" * 100000)
query("128 NOT (", "NOT (" * 128 + "tcp.port:80" + ")" * 128)
# display filters: what libwireshark compiles is answered as tshark -Y answers it. Its parser
# reads about 97 levels; deeper, it overflows and compiles what is left (tshark: 14 frames for
# 100,000 '!'), or nothing at all (99 or 99,999 '!': tshark then applies no filter and prints
# every frame; here that is an error)
display_filter("97 '!'", "!" * 97 + "frame")
display_filter("99 '!'", "!" * 99 + "frame")
display_filter("100,000 '!'", "!" * 100000 + "frame")
display_filter("99,999 '!'", "!" * 99999 + "frame")
display_filter("96 groups", "(" * 96 + "tcp.port == 80" + ")" * 96)
display_filter("48 '!('", "!(" * 48 + "frame" + ")" * 48)
display_filter("49 '!(' (tshark refuses it too)", "!(" * 49 + "frame" + ")" * 49)
