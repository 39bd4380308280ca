#!/usr/bin/env bash
# install_better_sqlite3.sh — puts better-sqlite3@12 (from the npm registry) into DIR/node_modules,
# for the SQL tests run in Node (tests/node/sqlite_shell.js). ctest runs it as the fixture
# "node:install better-sqlite3".
#
# Usage: bash tests/node/install_better_sqlite3.sh DIR [NODE [NPM]]
#
# How it works: nothing to do when DIR already holds a copy that opens a database in this node;
# else `npm install` into DIR (a private package.json there). npm fetches a prebuilt addon or,
# when it cannot, compiles it with node-gyp (several minutes; once per build folder).
set -euo pipefail
dir=${1:?usage: install_better_sqlite3.sh DIR [NODE [NPM]]}
node=${2:-node}
npm=${3:-npm}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
works() { NODE_PATH="$dir/node_modules" "$node" -e "new (require('better-sqlite3'))(':memory:').close()" 2>/dev/null; }
if works; then
  echo "install_better_sqlite3: $dir/node_modules/better-sqlite3 already works"
  exit 0
fi
cd "$dir"
[ -f package.json ] || echo '{"name": "xtractr-tests", "private": true}' > package.json
# npm runs node-gyp with the node first on PATH: make it this one
PATH="$(dirname "$(command -v "$node")"):$PATH" "$npm" install --no-audit --no-fund --no-save better-sqlite3@12
works || { echo "install_better_sqlite3: better-sqlite3 was installed but does not load in $node" >&2; exit 1; }
echo "install_better_sqlite3: installed better-sqlite3 $(NODE_PATH="$dir/node_modules" "$node" -p "require('better-sqlite3/package.json').version") into $dir"
