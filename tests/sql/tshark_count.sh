#!/bin/sh
# tshark_count.sh OUT CAPTURE FILTER [TSHARK OPTION...] — writes to OUT the number of frames
# `tshark -n -r CAPTURE -Y FILTER OPTIONS` prints, run as the project's oracle (Wireshark's
# default preferences, UTC): the SQL tests compare it with xtractr's answer (readfile(OUT)).
out=$1 capture=$2 filter=$3
shift 3
WIRESHARK_CONFIG_DIR=/nonexistent TZ=UTC tshark -n -r "$capture" -Y "$filter" "$@" -T fields -e frame.number 2>/dev/null |
  wc -l | tr -d ' \n' > "$out"
