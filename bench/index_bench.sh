#!/usr/bin/env bash
# index_bench.sh — indexing speed, size and memory against tshark, measured in the same run.
#
# Usage: bash bench/index_bench.sh [CAPTURE]
#   Without CAPTURE, builds bench/data/big.pcap (~0.4 GB) from ../shared/corpus with
#   ../shared/tools/make-big-capture (needs wireshark-common and tcpreplay; installed if missing).
#
# Prints, for the same file: index time vs `tshark -n -r F -V > /dev/null` and
# `tshark -n -r F -T ek > /dev/null`, index size / capture size, peak RSS vs tshark -V's, and the
# time of a pushed-down point lookup (WHERE id = N) in a new process. Targets (issue 2): index time
# <= 1.0x tshark -V, >= 4x faster than tshark -T ek, index <= 1.0x capture, peak RSS <= tshark's.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
extension=${XTRACTR_EXTENSION:-$here/build/xtractr}
capture=${1:-}
if [ -z "$capture" ]; then
  capture=$here/bench/data/big.pcap
  if [ ! -f "$capture" ]; then
    command -v tcprewrite >/dev/null || apt-get install -y -qq tcpreplay wireshark-common >/dev/null
    mkdir -p "$(dirname "$capture")"
    "$here/../shared/tools/make-big-capture" "$capture.tmp"
    mv "$capture.tmp" "$capture"
  fi
fi
[ -f "$extension.so" ] || { echo "index_bench: build the extension first (cmake --build build)" >&2; exit 2; }
export WIRESHARK_CONFIG_DIR=/nonexistent TZ=UTC
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
export XTRACTR_INDEX_DIR=$work/index

# XTRACTR_BENCH_PRIORITY: a command prefix for every measured run, e.g. "chrt -f 10" (as root):
# on a shared machine other work takes the cores from xtractr's threads and workers far more
# than from single-threaded tshark; realtime priority for both sides approximates an idle machine
priority=${XTRACTR_BENCH_PRIORITY:-}

# sum_rss PID: the peak summed RSS (KB) of PID and its descendants, sampled every 0.2 s
sum_rss() {
  local pid=$1 peak=0
  while kill -0 "$pid" 2>/dev/null; do
    local tree="$pid" next="$pid"
    while next=$(pgrep -d, -P "$next" 2>/dev/null) && [ -n "$next" ]; do tree="$tree,$next"; done
    local sum=$(ps -o rss= -p "$tree" 2>/dev/null | awk '{s += $1} END {print s + 0}')
    [ "$sum" -gt "$peak" ] && peak=$sum
    sleep 0.2
  done
  echo "$peak"
}

# measure NAME COMMAND...: wall seconds, peak RSS of the largest process and of all (KB) of one run
measure() {
  local name=$1; shift
  $priority /usr/bin/time -f "%e %M" -o "$work/$name.time" "$@" > /dev/null 2> "$work/$name.err" &
  local pid=$! sum
  sum=$(sum_rss $pid)
  wait $pid || { echo "index_bench: $name failed:" >&2; cat "$work/$name.err" >&2; exit 1; }
  read -r secs rss < "$work/$name.time"
  eval "${name}_secs=$secs ${name}_rss=$rss ${name}_sum=$sum"
}

size=$(stat -L -c %s "$capture")
frames=$(capinfos -T -r -c "$capture" 2>/dev/null | cut -f2)
echo "capture: $capture ($size bytes, $frames frames)"
measure tshark_v tshark -n -r "$capture" -V
measure tshark_ek tshark -n -r "$capture" -T ek
measure index sqlite3 -cmd ".load $extension" :memory: "SELECT xtractr_index('$capture');"
# the indexer's own peak, as it recorded it (%M above is the largest of sqlite3 and the indexer)
indexer_rss=$(sqlite3 "$(find "$XTRACTR_INDEX_DIR" -name index.db | head -1)" \
  "SELECT value FROM meta WHERE key = 'peak_rss_kb'" 2>/dev/null || echo n/a)
index_size=$(du -sb "$XTRACTR_INDEX_DIR" | cut -f1)
middle=$((frames / 2))
measure lookup sqlite3 -cmd ".load $extension" :memory: "SELECT id, time, src, dst, title FROM packets('$capture') WHERE id = $middle;"
# .timer reports only statements read from input, not one given as an argument
lookup_query_secs=$(echo "SELECT id, time, src, dst, title FROM packets('$capture') WHERE id = $middle;" | \
  sqlite3 -cmd ".load $extension" -cmd ".timer on" :memory: 2>&1 | awk '/^Run Time/ {print $4}' | tail -1)

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
cat <<REPORT

| measure | xtractr | tshark | ratio | target |
|---|---|---|---|---|
| index time vs tshark -V (s) | $index_secs | $tshark_v_secs | $(ratio "$index_secs" "$tshark_v_secs")x | <= 1.0x |
| index time vs tshark -T ek (s) | $index_secs | $tshark_ek_secs | $(ratio "$tshark_ek_secs" "$index_secs")x faster | >= 4x faster |
| index size / capture size (bytes) | $index_size | $size | $(ratio "$index_size" "$size")x | <= 1.0x |
| peak RSS, largest process, vs tshark -V (KB) | $index_rss | $tshark_v_rss | $(ratio "$index_rss" "$tshark_v_rss")x | <= 1.0x |
| peak RSS, all processes together, vs tshark -V (KB) | $index_sum | $tshark_v_sum | $(ratio "$index_sum" "$tshark_v_sum")x | <= 1.0x |
| peak RSS of the indexer process (KB) | $indexer_rss | | | |
| point lookup WHERE id = $middle, new process (s) | $lookup_secs | | | |
| point lookup, query alone (s) | $lookup_query_secs | | | |
REPORT

echo
# queries on an indexed capture while this one indexes again, in the same process
/usr/bin/python3 "$here/bench/build_stall.py" "$extension.so" "$capture" "$here/examples/http_get_simple.pcap"
