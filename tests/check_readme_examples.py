#!/usr/bin/python3
"""check_readme_examples.py — the README's examples of a section are statements a test runs.

Usage: check_readme_examples.py README.md "SECTION HEADING" TEST.sql

Every line of the section's fenced code blocks that starts with SELECT must be a line of
TEST.sql (a SQL test with expected output), so an example that stops working fails that test.
Exit status 1, naming the lines, when one is not there or the section has none.
"""
import sys


def section_examples(readme, heading):
    lines, inside, fenced = [], False, False
    for line in open(readme, encoding="utf-8"):
        if line.startswith("## "):
            inside = line[3:].strip() == heading
            continue
        if not inside:
            continue
        if line.strip().startswith("```"):
            fenced = not fenced
        elif fenced and line.startswith("SELECT"):
            lines.append(line.rstrip("\n"))
    return lines


def main(readme, heading, sql):
    examples = section_examples(readme, heading)
    test_lines = {line.rstrip("\n") for line in open(sql, encoding="utf-8")}
    missing = [e for e in examples if e not in test_lines]
    for e in missing:
        print("README example not run by %s: %s" % (sql, e))
    if not examples:
        print("no SELECT examples in README section '%s'" % heading)
        return 1
    print("%d README examples of '%s', all in %s" % (len(examples), heading, sql) if not missing else "")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
