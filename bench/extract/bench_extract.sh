#!/usr/bin/env bash
# bench_extract.sh — extraction speed against tshark, measured in the same run.
#
# Usage: bench/extract/bench_extract.sh BUILD/xtractr.so [BIG.pcap]
#   BIG.pcap defaults to $TMPDIR/xtractr-bench/big.pcap, built with
#   ../shared/tools/make-big-capture (4 rounds) when missing.
#
# What it measures (wall clock, the capture already indexed — we read the index, tshark reads
# the capture):
#   1. every object of the capture: SELECT … FROM xtractr_objects(big) (HTTP, SMB, IMF, TFTP,
#      DICOM, FTP-DATA) vs `tshark -r big -q --export-objects http,DIR` (HTTP only); the HTTP
#      counts must agree.
#   2. a 1,000-packet slice: xtractr_write_pcap over ids from the middle of the capture vs
#      `tshark -r big -Y "frame.number >= A && frame.number < A+1000" -w out.pcap`; both files
#      must hold the same 1,000 frames.
# Prints the times and the ratios tshark/xtractr. A benchmark, not a test: nothing asserts a time.
set -euo pipefail
ext=$(readlink -f "${1:?usage: bench_extract.sh BUILD/xtractr.so [BIG.pcap]}")
ext=${ext%.so}
work=${TMPDIR:-/tmp}/xtractr-bench
mkdir -p "$work"
big=${2:-$work/big.pcap}
here=$(cd "$(dirname "$0")" && pwd)
if [ ! -f "$big" ]; then
  "$here/../../../shared/tools/make-big-capture" "$big" 4
fi
big=$(readlink -f "$big")
export WIRESHARK_CONFIG_DIR=/nonexistent TZ=UTC XTRACTR_INDEX_DIR=${XTRACTR_INDEX_DIR:-$work/indexes}
sql() { sqlite3 -bail -cmd ".load $ext" :memory: "$@"; }
now() { date +%s.%N; }
# CPU seconds (user+sys) of the finished children so far: the machine may be shared, and CPU
# time is less disturbed by other load than wall time.
cpu() { awk '{print $14 + $15 + $16 + $17}' /proc/$$/stat | awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", $1 / hz}'; }
elapsed() { echo "$2 - $1" | bc; }
ratio() { echo "scale=1; $1 / $2" | bc; }

# builds the index when there is none (not timed); never rebuilds one that is current
frames=$(sql "SELECT count(*) FROM packets('$big')")
echo "capture: $big ($(du -h "$big" | cut -f1), $frames frames; index ready)"

# 1. objects
out=$(mktemp -d "$work/objects.XXXXXX")
c0=$(cpu); t0=$(now)
ours=$(sql "SELECT count(*), coalesce(sum(size),0), sum(protocol='HTTP') FROM xtractr_objects('$big')")
t1=$(now); c1=$(cpu)
tshark -n -r "$big" -q --export-objects "http,$out/http" >/dev/null 2>&1
t2=$(now); c2=$(cpu)
theirs=$(ls "$out/http" 2>/dev/null | wc -l)  # fewer than objects: tshark overwrites a name used 1000 times
x_obj=$(elapsed "$t0" "$t1"); t_obj=$(elapsed "$t1" "$t2")
echo "objects: xtractr ${x_obj}s (all protocols; count|bytes|http = $ours)  tshark http ${t_obj}s ($theirs files)  ratio $(ratio "$t_obj" "$x_obj")x"
echo "         cpu: xtractr $(elapsed "$c0" "$c1")s  tshark $(elapsed "$c1" "$c2")s  ratio $(ratio "$(elapsed "$c1" "$c2")" "$(elapsed "$c0" "$c1")")x"
rm -rf "$out"

# 2. a 1,000-packet slice from the middle
first=$(( frames / 2 ))
last=$(( first + 999 ))
rm -f "$work/slice-x.pcap" "$work/slice-t.pcap"
c0=$(cpu); t0=$(now)
n=$(sql "SELECT xtractr_write_pcap('$work/slice-x.pcap', '$big', id) FROM packets('$big') WHERE id BETWEEN $first AND $last")
t1=$(now); c1=$(cpu)
tshark -n -r "$big" -Y "frame.number >= $first && frame.number <= $last" -w "$work/slice-t.pcap" >/dev/null 2>&1
t2=$(now); c2=$(cpu)
same=$([ "$(tshark -n -r "$work/slice-x.pcap" -T fields -e frame.time_epoch -e frame.len | md5sum)" = \
         "$(tshark -n -r "$work/slice-t.pcap" -T fields -e frame.time_epoch -e frame.len | md5sum)" ] && echo same || echo DIFFERENT)
x_sl=$(elapsed "$t0" "$t1"); t_sl=$(elapsed "$t1" "$t2")
echo "slice:   xtractr ${x_sl}s ($n frames)  tshark ${t_sl}s  ratio $(ratio "$t_sl" "$x_sl")x  (frames $same)"
echo "         cpu: xtractr $(elapsed "$c0" "$c1")s  tshark $(elapsed "$c1" "$c2")s  ratio $(ratio "$(elapsed "$c1" "$c2")" "$(elapsed "$c0" "$c1")")x"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
