#!/usr/bin/env bash
# run_fuzz.sh — one bounded libFuzzer run of a fuzz target, as CI runs it (ctest "fuzz:NAME").
#
# Usage: tests/fuzz/run_fuzz.sh build-fuzz/tests/fuzz/fuzz_query tests/fuzz/corpus/query OUT SECONDS [RUNS]
#        nice -n 10 tests/fuzz/run_fuzz.sh ... /tmp/fq 86400 1000000   # until 1 M inputs ran
#
# How it works: libFuzzer explores from the committed inputs for SECONDS (or until RUNS inputs
# have run, when given: -runs counts inputs, seeds included), writing what it finds
# new into OUT/corpus (never into the checkout) and a failing input into OUT/ as crash-*,
# leak-*, oom-* or timeout-* (copy it into the committed corpus as regress-* with the fix).
# Limits: 2 GB of memory, 60 s per input (a loaded machine stalls a process for seconds: 10 s
# reported a 26-ms query as a timeout; a real hang still fails, at ctest's timeout). The last
# lines of its statistics say how many inputs ran (stat::number_of_executed_units). Exit status: libFuzzer's (0 when nothing was found).
set -euo pipefail
target=$1 committed=$2 out=$3 seconds=$4 runs=${5:--1}
mkdir -p "$out/corpus"
exec "$target" -max_total_time="$seconds" -runs="$runs" -timeout=60 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$out/" "$out/corpus" "$committed"
