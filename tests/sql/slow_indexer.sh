#!/bin/sh
# slow_indexer.sh — an indexer for tests/sql/concurrent.sql (as XTRACTR_INDEXER): appends
# "start" and "end" around each build to $WORK/builds.log and makes each build last at least
# 0.5 s longer ($SLOW_INDEXER_SECONDS, if set), so that overlapping builds would show in the log. It runs the real indexer
# (beside $XTRACTR_EXT) as its child, and so leaves out the host's pid (the third argument):
# the indexer checks that pid is its parent.
echo start >> "$WORK/builds.log"
sleep "${SLOW_INDEXER_SECONDS:-0.5}"
"$(dirname "$XTRACTR_EXT")/xtractr-indexer" "$1" "$2"
rc=$?
echo end >> "$WORK/builds.log"
exit $rc
