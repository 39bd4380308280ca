#!/usr/bin/env bash
# index_damage.sh KIND... — for index_damage.sql: for each kind of damage (damage_index.py),
# restores cap.pcap's intact index, damages it, and runs the answer (index_damage.answer) in a
# new sqlite3 process with SQLite's log on stdout — the warning, then the same answer — then
# in another new process, which finds the rebuilt index intact (no warning).
set -u
for kind in "$@"; do
  rm -rf cap.pcap.xtractr && cp -r intact.xtractr cap.pcap.xtractr
  echo "== $kind: $(/usr/bin/python3 "$TEST_DIR/damage_index.py" cap.pcap.xtractr "$kind")"
  "$SQLITE3" -cmd ".load $XTRACTR_EXT" -cmd ".log stdout" -cmd ".headers on" :memory: < answer.sql 2>&1 |
    sed "s,$WORK,WORK,g"
  echo "next process: $("$SQLITE3" -cmd ".load $XTRACTR_EXT" -cmd ".log stdout" :memory: < answer.sql 2>&1 | tr '\n' ' ')"
done
