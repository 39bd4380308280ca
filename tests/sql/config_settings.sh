#!/bin/sh
# config_settings.sh — the settings xtractr_config() takes, one a line, read from its error for an
# unknown one (which lists them); tests/sql/help.sql checks that xtractr_help names each.
# Usage (from an SQL test): .shell sh "$TEST_DIR/config_settings.sh" > settings.txt
"$SQLITE3" -cmd ".load $XTRACTR_EXT" :memory: "SELECT xtractr_config('no such setting')" 2>&1 |
  sed -n "s/.*(there are \(.*\))\$/\1/p" | tr -d "' " | tr ',' '\n'
