#!/usr/bin/env bash
# run_sql_test.sh — runs one SQL test through the real sqlite3 shell and diffs its output.
#
# Usage: tests/sql/run_sql_test.sh tests/sql/NAME.sql build/xtractr.so tests/data
#        UPDATE_EXPECTED=1 tests/sql/run_sql_test.sh ...   # rewrite NAME.expected
#        XTRACTR_SQL_HOST=node tests/sql/run_sql_test.sh ...  # through better-sqlite3 in Node
#
# With XTRACTR_SQL_HOST=node the host is tests/node/sqlite_shell.js (the shell's behaviour over
# better-sqlite3, found through NODE_PATH; node is $XTRACTR_NODE or the one on PATH) instead of
# sqlite3, and the output must still equal NAME.expected.
#
# How it works: tests/data is copied into a fresh temporary folder (indexes are written beside
# captures), and `sqlite3 -bail -cmd '.load <extension>' :memory: < NAME.sql` runs with that
# copy as its working directory. What it prints — stdout, then stderr after a
# `-- stderr --` line, then `-- exit N` when the status is not 0 — with the folder's path
# replaced by WORK, must equal NAME.expected. Lines of NAME.sql starting with
#   -- env: NAME=VALUE      set an environment variable for sqlite3 ($WORK expands)
#   -- as-nobody            when run as root, run sqlite3 as user nobody (root ignores file
#                           permissions, which some tests are about)
# configure the run. Inside the SQL, `.shell` commands see $WORK (the folder), $XTRACTR_EXT
# (the extension), $SQLITE3 and $TEST_DIR (the folder of NAME.sql, for helper scripts); the
# per-user index cache is $WORK/cache.
set -euo pipefail
test_sql=$(readlink -f "$1")
extension=$(readlink -f "$2")
data=$(readlink -f "$3")
expected="${test_sql%.sql}.expected"
name=$(basename "${test_sql%.sql}")

work=$(mktemp -d "${TMPDIR:-/tmp}/xtractr-sql-$name.XXXXXX")
cleanup() { chmod -R u+rwX "$work" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
mkdir -p "$work/data" "$work/cache"
cp -r "$data/." "$work/data/"

env_args=(WORK="$work" XTRACTR_EXT="${extension%.so}" SQLITE3="$(command -v sqlite3)" TEST_DIR="$(dirname "$test_sql")"
          XDG_CACHE_HOME="$work/cache" HOME="$work" TZ=UTC LC_ALL=C.UTF-8)
run_as=()
while IFS= read -r line; do
  case "$line" in
    "-- env: "*) env_args+=("${line#-- env: }") ;;
    "-- as-nobody")
      if [ "$(id -u)" = 0 ]; then
        chmod 755 "$work"
        chown -R nobody:nogroup "$work"
        run_as=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
      fi ;;
  esac
done < "$test_sql"
env_args=("${env_args[@]//\$WORK/$work}")
if [ ${#run_as[@]} -gt 0 ] &&
   [ "$("${run_as[@]}" sqlite3 -cmd ".load ${extension%.so}" :memory: "SELECT 6*7" 2>&1)" != 42 ]; then
  # e.g. a checkout under /root: user nobody cannot reach the extension or its libraries
  echo "SKIP $name: user nobody cannot load ${extension} (move the checkout somewhere world-readable)"
  exit 77
fi

host=(sqlite3)
if [ "${XTRACTR_SQL_HOST:-sqlite3}" = node ]; then
  host=("${XTRACTR_NODE:-node}" "$(dirname "$(readlink -f "$0")")/../node/sqlite_shell.js")
  env_args+=(NODE_PATH="${NODE_PATH:-}")
fi

status=0
(cd "$work/data" && env -u XTRACTR_INDEX_DIR -u XTRACTR_CACHE_DIR -u XDG_CACHE_HOME -u XDG_CONFIG_HOME -u XTRACTR_NUGGETS \
   "${env_args[@]}" "${run_as[@]}" "${host[@]}" -bail -cmd ".load ${extension%.so}" :memory: \
   < "$test_sql" > "$work/stdout" 2> "$work/stderr") || status=$?

{
  cat "$work/stdout"
  if [ -s "$work/stderr" ]; then echo "-- stderr --"; cat "$work/stderr"; fi
  if [ "$status" != 0 ]; then echo "-- exit $status"; fi
} | sed "s|$work|WORK|g" > "$work/actual"

if [ "${UPDATE_EXPECTED:-0}" = 1 ]; then
  cp "$work/actual" "$expected"
  echo "updated $expected"
  exit 0
fi
if ! diff -u "$expected" "$work/actual"; then
  echo "FAIL $name: output differs from $(basename "$expected") (- expected, + actual)" >&2
  exit 1
fi
echo "ok $name"
