#!/usr/bin/env bash
# install_test.sh — `cmake --install` gives a working, relocatable xtractr: installs the build into
# a temporary prefix, moves the install elsewhere (the first copy deleted), then loads it by name
# (`.load xtractr`, as a default install under /usr is found) in the sqlite3 shell and in Python,
# and checks what the installed copy answers against tshark and plain SQL; then runs every README
# example from it (tests/readme/run_readme_examples.py) in the sqlite3 shell, Python and, when
# $NODE is set and $NODE_PATH holds better-sqlite3, Node.
#
# Usage: bash tests/install/install_test.sh BUILD_DIR CAPTURE [PYTHON]    # ctest: install:relocated
#        (cmake is $CMAKE, else the one on PATH; node is $NODE)
#
# How it works: the moved prefix's lib folder goes on LD_LIBRARY_PATH (a default install's is a
# system library folder the loader searches anyway). Nothing installed may name the source or
# build folders in its RUNPATH (only $ORIGIN), libnode must resolve inside the install or the
# system, and the queries exercise each installed piece: xtractr.so (packets), xtractr-indexer
# (the first query indexes), xtractr-v8.so (mapreduce), the reports in share/xtractr/sql.
set -euo pipefail
build=$(readlink -f "${1:?usage: install_test.sh BUILD_DIR CAPTURE [PYTHON]}")
capture=$(readlink -f "${2:?usage: install_test.sh BUILD_DIR CAPTURE [PYTHON]}")
python=${3:-/usr/bin/python3}
source_dir=$(sed -n 's/^CMAKE_HOME_DIRECTORY:INTERNAL=//p' "$build/CMakeCache.txt")

tmp=$(mktemp -d "${TMPDIR:-/tmp}/xtractr-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL install: $*" >&2; exit 1; }

"${CMAKE:-cmake}" --install "$build" --prefix "$tmp/first" >"$tmp/install.log"
cp -a "$tmp/first" "$tmp/moved"
rm -rf "$tmp/first"
prefix="$tmp/moved"
link=$(find "$prefix" -name xtractr.so -type l)
[ -n "$link" ] || fail "no xtractr.so link in the install: $(cd "$prefix" && find . | sort | tr '\n' ' ')"
libdir=$(dirname "$link")
private="$libdir/xtractr"
for f in xtractr.so xtractr-v8.so xtractr-indexer; do
  [ -f "$private/$f" ] || fail "$f is not installed in $private"
done
[ -x "$private/xtractr-indexer" ] || fail "xtractr-indexer is not executable"
ls "$prefix"/share/xtractr/sql/*.sql >/dev/null || fail "no reports in share/xtractr/sql"

# RUNPATHs: $ORIGIN only, never a build or source folder
for f in "$private"/*; do
  paths=$(readelf -d "$f" 2>/dev/null | sed -n 's/.*R\(UN\)\{0,1\}PATH.*\[\(.*\)\]/\2/p')
  for p in ${paths//:/ }; do
    case "$p" in
      '$ORIGIN' | '$ORIGIN/'*) ;;
      *) fail "$(basename "$f") has RUNPATH $p (only \$ORIGIN may appear)" ;;
    esac
  done
done
libnode=$(ldd "$private/xtractr-v8.so" | awk '/libnode/ {print $3}')
case "$libnode" in
  "$private"/* | /usr/lib/* | /lib/*) ;;
  *) fail "xtractr-v8.so loads libnode from '$libnode', not from the install or the system" ;;
esac
if [ -n "$source_dir" ] && ldd "$private"/xtractr.so "$private"/xtractr-v8.so "$private"/xtractr-indexer | grep -q -- "$source_dir\|$build"; then
  fail "an installed file loads a library from the source or build folder"
fi
echo "installed: $(cd "$prefix" && find . -type f -o -type l | sort | tr '\n' ' ')"
echo "libnode: ${libnode/#$prefix/PREFIX}"

mkdir "$tmp/work"
cp "$capture" "$tmp/work/cap.pcap"
cd "$tmp/work"
frames=$(WIRESHARK_CONFIG_DIR=/nonexistent TZ=UTC tshark -n -r cap.pcap | wc -l)
export LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

shell=$(sqlite3 -bail -cmd ".load xtractr" :memory: \
  "SELECT count(*) FROM packets('cap.pcap');
   SELECT (SELECT sum(value) FROM json_each(mapreduce(doc, 'function (p) { emit(p.service, 1); }', '_sum')))
          = count(*) FROM packets('cap.pcap');" 2>&1) || fail "sqlite3: $shell"
[ "$shell" = "$frames"$'\n'"1" ] || fail "sqlite3 answered '$shell', expected $frames frames (tshark) and 1"
echo "sqlite3 .load xtractr: $frames frames (tshark: $frames), mapreduce agrees"

report=$(sqlite3 -bail -header -cmd ".load xtractr" -cmd ".parameter set @capture cap.pcap" :memory: \
  ".read $prefix/share/xtractr/sql/top_talkers.sql" 2>&1) || fail "top_talkers.sql: $report"
[ "$(echo "$report" | grep -c .)" -gt 2 ] || fail "top_talkers.sql printed: $report"
echo "installed report top_talkers.sql: $(echo "$report" | grep -c .) lines"

out=$("$python" - <<'PY' 2>&1) || fail "python: $out"
import sqlite3
db = sqlite3.connect(":memory:")
db.enable_load_extension(True)
db.load_extension("xtractr")
frames = db.execute("SELECT count(*) FROM packets('cap.pcap')").fetchone()[0]
db.execute("SELECT js_create_function('twice', 'function (x) { return 2 * x; }')")
same = db.execute("SELECT sum(twice(length)) = 2 * sum(length) FROM packets('cap.pcap')").fetchone()[0]
print(frames, same)
PY
[ "$out" = "$frames 1" ] || fail "python answered '$out', expected '$frames 1'"
echo "python load_extension('xtractr'): $frames frames, a JavaScript function agrees"

# the README's examples, from the moved install, loaded by name in each host
readme=(--readme "$source_dir/README.md" --extension xtractr --python "$python")
"$python" "$source_dir/tests/readme/run_readme_examples.py" "${readme[@]}" --host sqlite3 || fail "the README's examples in sqlite3"
"$python" "$source_dir/tests/readme/run_readme_examples.py" "${readme[@]}" --host python || fail "the README's examples in python"
if [ -n "${NODE:-}" ] && [ -d "${NODE_PATH:-/nonexistent}/better-sqlite3" ]; then
  "$python" "$source_dir/tests/readme/run_readme_examples.py" "${readme[@]}" --host node --node "$NODE" ||
    fail "the README's examples in node"
else
  echo "node: not run (no \$NODE, or no better-sqlite3 in \$NODE_PATH)"
fi
echo "ok install"
