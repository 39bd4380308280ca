#!/usr/bin/env bash
# run.sh — installs what xtractr needs, builds it and runs the whole test suite.
#
# Usage: bash tests/run.sh                     # build/ in the checkout
#        BUILD_DIR=/tmp/b JOBS=4 bash tests/run.sh
#
# How it works: .ci/install-deps (as root, or through sudo) puts the Debian 12 packages in
# place; CMake configures and builds into $BUILD_DIR (default build/) with the tests on;
# ctest runs every test — Catch2 unit tests, SQL tests through the sqlite3 shell, and the
# differential tests against tshark (over ../shared/corpus too when it exists beside the
# checkout) — and prints the output of any that fail. .ci/run runs exactly this.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$here/build}
jobs=${JOBS:-2}
started=$(date +%s)

bash "$here/.ci/install-deps"
cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=ON
cmake --build "$build" -j "$jobs"
status=0
(cd "$build" && ctest --output-on-failure -j "$jobs") || status=$?
echo "tests/run.sh: $(( $(date +%s) - started )) s, ctest exit status $status"
exit $status
