#!/usr/bin/env bash
# lock_wait.sh — for tests/sql/lock_wait.sql: one sqlite3 builds CAPTURE's index through a slow
# indexer (slow_indexer.sh, 2 s) and is stopped (SIGSTOP) while it holds the index lock;
# another queries the same capture and must give up with an error naming the stopped builder
# (its pid shown as HOLDER); then the builder is resumed and must finish as usual.
# Usage: bash $TEST_DIR/lock_wait.sh CAPTURE   (in the folder of CAPTURE; the run_sql_test.sh environment)
set -u
capture=$1
SLOW_INDEXER_SECONDS=2 XTRACTR_INDEXER="$TEST_DIR/slow_indexer.sh" "$SQLITE3" -cmd ".load $XTRACTR_EXT" :memory: \
  "SELECT count(*) AS builder FROM packets('$capture')" > builder.out 2>&1 &
builder=$!
for _ in $(seq 200); do [ -s "$capture.xtractr.lock" ] && break; sleep 0.05; done
holder=$(cat "$capture.xtractr.lock")
[ "$holder" = "$builder" ] || echo "the lock file names $holder, not the builder $builder"
kill -STOP "$builder"
"$SQLITE3" -cmd ".load $XTRACTR_EXT" :memory: "SELECT count(*) FROM packets('$capture')" 2>&1 |
  sed -e "s,$WORK,WORK,g" -e "s/$builder/HOLDER/g"
kill -CONT "$builder"
wait "$builder"
echo "the builder, resumed (exit status $?):"
cat builder.out
