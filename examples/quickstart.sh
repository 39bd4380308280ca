#!/usr/bin/env bash
# quickstart.sh — the main job, from a fresh Debian 12 machine: install the dependencies,
# build the extension, load it in the sqlite3 shell on the bundled sample capture and print a
# flows report. Run as root (apt-get), or with sudo available.
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/install-deps
build=${BUILD_DIR:-build}  # .ci/run: the folder tests/run.sh builds next
cmake -S . -B "$build" -DBUILD_TESTING=OFF >/dev/null
cmake --build "$build" -j"$(nproc)" >/dev/null
sample=examples/wikipedia_browse.pcap
sqlite3 -bail -cmd ".load $build/xtractr" -cmd '.mode box' :memory: <<SQL
.print 'What happened in $sample, by service:'
SELECT service, count(*) AS flows, sum(packets) AS packets, sum(bytes) AS bytes
  FROM flows('$sample') GROUP BY service ORDER BY bytes DESC;
.print 'Top 10 flows by bytes:'
SELECT id, src, dst, dport, service, packets, bytes, title
  FROM flows('$sample') ORDER BY bytes DESC LIMIT 10;
SQL
