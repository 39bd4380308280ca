#!/usr/bin/env bash
# run.sh — builds xtractr and runs the whole test suite (installing dependencies only when missing).
#
# Usage: bash tests/run.sh                     # build/ in the checkout
#        BUILD_DIR=/tmp/b JOBS=4 bash tests/run.sh
#
# How it works: `.ci/install-deps --check` looks for the Debian 12 packages (dpkg only, about a
# second); only when one is missing does .ci/install-deps (as root, or through sudo) run
# apt-get, so a fresh machine needs no other step and a provisioned one never touches the
# network. CMake configures and builds into $BUILD_DIR (default build/) with the tests on;
# ctest runs every test — Catch2 unit tests, SQL tests through the sqlite3 shell, and the
# differential tests against tshark (over ../shared/corpus too when it exists beside the
# checkout) — and prints the output of any that fail. CI runs it from .ci/run, after the
# install and the format check.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$here/build}
jobs=${JOBS:-2}
started=$(date +%s)

bash "$here/.ci/install-deps" --check || bash "$here/.ci/install-deps"
cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=ON
cmake --build "$build" -j "$jobs"
status=0
(cd "$build" && ctest --output-on-failure -j "$jobs") || status=$?
echo "tests/run.sh: $(( $(date +%s) - started )) s, ctest exit status $status"
exit $status
