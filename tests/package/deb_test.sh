#!/usr/bin/env bash
# deb_test.sh — the Debian package installs on a fresh Debian 12 with its declared dependencies
# and works there: builds it with `cpack -G DEB`, bootstraps a minimal Debian 12 root into a
# temporary folder, installs the package in it with apt-get (which fetches every dependency
# from the Debian archive), and runs the README's query on the sample capture the package
# ships, checked against tshark on this machine.
#
# Usage: bash tests/package/deb_test.sh BUILD_DIR CAPTURE     # ctest: package:deb-in-fresh-debian
#        bash tests/package/deb_test.sh --bootstrap ROOT         # .ci/run, beside the build
#        (as root; needs mmdebstrap or debootstrap and the Debian archive, $XTRACTR_DEBIAN_MIRROR
#        or deb.debian.org; exits 77, "skipped", when it cannot bootstrap)
#
# How it works: nothing is cached between runs (CI starts clean). mmdebstrap is preferred (apt
# downloads in parallel: 2.5 minutes on the loaded 2-core CI machine, where debootstrap's
# minbase took 4.5). Bootstrapping needs the network and the disk, hardly the CPU, so .ci/run
# starts it ahead, while it builds (--bootstrap ROOT, then ROOT.ready or ROOT.failed), and
# passes ROOT as $XTRACTR_DEB_ROOT: the test waits for it and takes it (moves it: one use);
# without it, or when that bootstrap failed, the test bootstraps its own. The
# package must not depend on libnode108 (a newer nodejs, e.g. nodesource's on the CI machine,
# blocks it): it carries libnode.so.108 privately, and `apt-get install --simulate` of it on
# this machine, nodejs or not, must succeed. In the root, `apt-get install ./xtractr_*.deb
# sqlite3` is the README's command; `.load xtractr` (no path) then counts the frames of
# /usr/share/xtractr/examples/wikipedia_browse.pcap (xtractr.so and its indexer), a
# mapreduce over them (xtractr-v8.so and the private libnode) and a chart (Vega in V8); then
# every README example runs there (tests/readme/run_readme_examples.py --package) in the sqlite3
# shell and Debian's python3, loading xtractr by name. Last, the package removed, `cmake --install`
# of the build (prefix /usr, DESTDIR the root) must load by name there too.
set -euo pipefail
mirror=${XTRACTR_DEBIAN_MIRROR:-http://deb.debian.org/debian}

# bootstrap ROOT LOG: a fresh Debian 12 in ROOT, with apt's package lists
bootstrap() {
  if command -v mmdebstrap >/dev/null; then
    # the apt variant (Essential packages and apt) is minbase without the other required ones
    mmdebstrap --variant=apt --skip=cleanup/apt/lists bookworm "$1" "deb $mirror bookworm main" \
      "deb $mirror bookworm-updates main" >"$2" 2>&1
  else
    debootstrap --variant=minbase bookworm "$1" "$mirror" >"$2" 2>&1 &&
      echo "deb $mirror bookworm-updates main" >>"$1/etc/apt/sources.list" &&
      chroot "$1" apt-get update -qq >>"$2" 2>&1
  fi
}
if [ "${1:-}" = "--bootstrap" ]; then
  ahead=${2:?usage: deb_test.sh --bootstrap ROOT}
  if bootstrap "$ahead" "$ahead.log"; then touch "$ahead.ready"; else touch "$ahead.failed"; fi
  exit 0
fi

build=$(readlink -f "${1:?usage: deb_test.sh BUILD_DIR CAPTURE}")
capture=$(readlink -f "${2:?usage: deb_test.sh BUILD_DIR CAPTURE}")
skip() { echo "SKIP package: $*"; exit 77; }
fail() { echo "FAIL package: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || skip "bootstrapping a Debian root needs root"
command -v mmdebstrap >/dev/null || command -v debootstrap >/dev/null || skip "neither mmdebstrap nor debootstrap"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/xtractr-deb.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
started=$(date +%s)
elapsed() { echo "$(( $(date +%s) - started )) s"; }

# the package, from the build's install rules
(cd "$build" && "${CPACK:-cpack}" -G DEB -B "$tmp/pkg" >"$tmp/cpack.log" 2>&1) || fail "cpack: $(tail -5 "$tmp/cpack.log")"
deb=$(ls "$tmp"/pkg/xtractr_*.deb)
depends=$(dpkg-deb -f "$deb" Depends)
echo "package $(basename "$deb") ($(( $(stat -c %s "$deb") / 1048576 )) MiB, $(elapsed)); Depends: $depends"
case "$depends" in *libnode*) fail "the package depends on libnode (a newer nodejs blocks libnode108): $depends" ;; esac
for need in libwireshark libwiretap libxapian libsqlite3 libicu; do
  case "$depends" in *"$need"*) ;; *) fail "Depends lacks $need: $depends" ;; esac
done
dpkg-deb -c "$deb" >"$tmp/contents"
grep -q '/xtractr/libnode.so.108$' "$tmp/contents" || fail "libnode.so.108 is not in the package"
# here, beside this machine's nodejs (if any): apt would install it
apt-get install --simulate --no-install-recommends "$deb" >"$tmp/simulate.log" 2>&1 ||
  fail "apt-get install --simulate on this machine: $(tail -5 "$tmp/simulate.log")"
echo "installable here$(dpkg-query -W -f=' beside nodejs ${Version}' nodejs 2>/dev/null || true)"

# a fresh Debian 12: the one .ci/run bootstrapped ahead, else our own
root="$tmp/root"
how="here"
ahead=${XTRACTR_DEB_ROOT:-}
if [ -n "$ahead" ] && [ -d "$(dirname "$ahead")" ]; then
  for _ in $(seq 900); do [ -e "$ahead.ready" ] || [ -e "$ahead.failed" ] && break; sleep 1; done
  if [ -e "$ahead.ready" ] && mv "$ahead" "$root"; then
    rm -f "$ahead.ready"
    how="ahead, by .ci/run"
  fi
fi
[ -d "$root" ] || bootstrap "$root" "$tmp/bootstrap.log" || fail "bootstrap: $(tail -5 "$tmp/bootstrap.log")"
echo "Debian 12 root bootstrapped $how ($(elapsed))"

# the README's install command, in the root
cp "$deb" "$root/tmp/"
(cd "$root/tmp" && DEBIAN_FRONTEND=noninteractive chroot "$root" sh -c \
  "cd /tmp && apt-get install -y -qq --no-install-recommends ./$(basename "$deb") sqlite3") >"$tmp/install.log" 2>&1 ||
  fail "apt-get install in the root: $(tail -8 "$tmp/install.log")"
echo "installed with $(grep -c '^Setting up' "$tmp/install.log") packages ($(elapsed))"

# the README's query, in the root, against tshark here
frames=$(WIRESHARK_CONFIG_DIR=/nonexistent TZ=UTC tshark -n -r "$capture" | wc -l)
cmp -s "$capture" "$root/usr/share/xtractr/examples/$(basename "$capture")" ||
  fail "the package's $(basename "$capture") is not $capture"
example="/usr/share/xtractr/examples/$(basename "$capture")"
in_root() { chroot "$root" sh -c 'cd /tmp && exec "$@"' sh "$@" 2>>"$tmp/query.err"; }
count=$(in_root sqlite3 :memory: '.load xtractr' "SELECT count(*) FROM packets('$example')") ||
  fail "the README's query in the root: $(cat "$tmp/query.err")"
[ "$count" = "$frames" ] || fail "in the root: $count frames, tshark counts $frames"
# V8 (xtractr-v8.so, the private libnode) and the charts' libraries, in the root
js=$(in_root sqlite3 :memory: '.load xtractr' "SELECT (SELECT sum(value) FROM json_each(mapreduce(doc,
  'function (p) { emit(p.service, 1); }', '_sum'))) = count(*), xtractr_chart('bar', json_group_array(
  json_object('service', service, 'frames', 1))) LIKE '<svg %' FROM packets('$example')") ||
  fail "JavaScript in the root: $(cat "$tmp/query.err")"
[ "$js" = "1|1" ] || fail "in the root: mapreduce and xtractr_chart answered '$js', expected 1|1"
echo "in the root: .load xtractr counts $frames frames (tshark: $frames); mapreduce agrees; a chart is drawn ($(elapsed))"

# every README example, in the root, through the installed package (loaded by name, no
# LD_LIBRARY_PATH): the sqlite3 shell and Debian's python3 (installed for this), on a copy of
# the checkout's examples and test captures
source_dir=$(sed -n 's/^CMAKE_HOME_DIRECTORY:INTERNAL=//p' "$build/CMakeCache.txt")
(cd "$root/tmp" && DEBIAN_FRONTEND=noninteractive chroot "$root" apt-get install -y -qq --no-install-recommends \
  python3) >"$tmp/python.log" 2>&1 || fail "apt-get install python3 in the root: $(tail -8 "$tmp/python.log")"
echo "python3 installed in the root ($(elapsed))"
mkdir "$root/tmp/src"
tar -C "$source_dir" --exclude=./.git --exclude='./build*' --exclude=./third_party --exclude='*.xtractr' -cf - . |
  tar -C "$root/tmp/src" -xf -
for host in sqlite3 python; do
  in_root python3 /tmp/src/tests/readme/run_readme_examples.py --readme /tmp/src/README.md --extension xtractr \
    --package --host "$host" || fail "the README's examples in the root ($host): $(cat "$tmp/query.err")"
  echo "($(elapsed))"
done
echo "in the root: the README's examples pass in sqlite3 and python3 ($(elapsed))"

# `cmake --install build` itself (the README's Install, default prefix /usr) into the same root:
# the package removed (its dependencies stay), the build's install rules run with DESTDIR; then
# `.load xtractr`, no path, in the sqlite3 shell and python3, JavaScript included
prefix=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$build/CMakeCache.txt")
if [ "$prefix" = /usr ]; then
  chroot "$root" apt-get remove -y -qq xtractr >"$tmp/remove.log" 2>&1 || fail "apt-get remove: $(tail -5 "$tmp/remove.log")"
  ! in_root sqlite3 :memory: '.load xtractr' 2>/dev/null || fail "xtractr still loads after apt-get remove"
  DESTDIR="$root" "${CMAKE:-cmake}" --install "$build" >"$tmp/cmake-install.log" 2>&1 ||
    fail "cmake --install: $(tail -5 "$tmp/cmake-install.log")"
  query="SELECT count(*), sum(js_twice(1)) / 2 FROM packets('$example')"
  js="SELECT js_create_function('js_twice', 'function (x) { return 2 * x; }')"
  shell=$(in_root sqlite3 :memory: '.load xtractr' "$js" "$query" | tail -1) || fail "sqlite3 after cmake --install"
  py=$(in_root python3 -c "import sqlite3; db = sqlite3.connect(':memory:'); db.enable_load_extension(True)
db.load_extension('xtractr'); db.execute(\"$js\"); print('|'.join(map(str, db.execute(\"$query\").fetchone())))") ||
    fail "python3 after cmake --install: $(cat "$tmp/query.err")"
  [ "$shell" = "$frames|$frames" ] && [ "$py" = "$frames|$frames" ] ||
    fail "after cmake --install: sqlite3 '$shell', python3 '$py', expected $frames|$frames"
  echo "in the root, cmake --install (prefix /usr): .load xtractr in sqlite3 and python3 counts $frames frames ($(elapsed))"
else
  echo "cmake --install not tried in the root: the build's prefix is $prefix, not /usr"
fi
echo "ok package"
