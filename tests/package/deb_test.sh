#!/usr/bin/env bash
# deb_test.sh — the Debian package installs on a fresh Debian 12 with its declared dependencies
# and works there: builds it with `cpack -G DEB`, bootstraps a minimal Debian 12 root into a
# temporary folder, installs the package in it with apt-get (which fetches every dependency
# from the Debian archive), and runs the README's query on the sample capture the package
# ships, checked against tshark on this machine.
#
# Usage: bash tests/package/deb_test.sh BUILD_DIR CAPTURE     # ctest: package:deb-in-fresh-debian
#        (as root; needs mmdebstrap or debootstrap and the Debian archive, $XTRACTR_DEBIAN_MIRROR
#        or deb.debian.org; exits 77, "skipped", when it cannot bootstrap)
#
# How it works: nothing is cached between runs (CI starts clean). mmdebstrap is preferred (apt
# downloads in parallel: 2.5 minutes on the loaded 2-core CI machine, where debootstrap's
# minbase took 4.5). The
# package must not depend on libnode108 (a newer nodejs, e.g. nodesource's on the CI machine,
# blocks it): it carries libnode.so.108 privately, and `apt-get install --simulate` of it on
# this machine, nodejs or not, must succeed. In the root, `apt-get install ./xtractr_*.deb
# sqlite3` is the README's command; `.load xtractr` (no path) then counts the frames of
# /usr/share/xtractr/examples/wikipedia_browse.pcap (xtractr.so and its indexer) and a
# mapreduce over them (xtractr-v8.so and the private libnode).
set -euo pipefail
build=$(readlink -f "${1:?usage: deb_test.sh BUILD_DIR CAPTURE}")
capture=$(readlink -f "${2:?usage: deb_test.sh BUILD_DIR CAPTURE}")
mirror=${XTRACTR_DEBIAN_MIRROR:-http://deb.debian.org/debian}
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

# a fresh Debian 12
root="$tmp/root"
if command -v mmdebstrap >/dev/null; then
  # the apt variant (Essential packages and apt) is minbase without the other required ones;
  # the package lists stay for the apt-get below
  mmdebstrap --variant=apt --skip=cleanup/apt/lists bookworm "$root" "deb $mirror bookworm main" \
    "deb $mirror bookworm-updates main" \
    >"$tmp/bootstrap.log" 2>&1 || fail "mmdebstrap: $(tail -5 "$tmp/bootstrap.log")"
else
  debootstrap --variant=minbase bookworm "$root" "$mirror" >"$tmp/bootstrap.log" 2>&1 ||
    fail "debootstrap: $(tail -5 "$tmp/bootstrap.log")"
  echo "deb $mirror bookworm-updates main" >>"$root/etc/apt/sources.list"
  chroot "$root" apt-get update -qq >"$tmp/update.log" 2>&1 || fail "apt-get update: $(tail -5 "$tmp/update.log")"
fi
echo "Debian 12 root bootstrapped ($(elapsed))"

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
out=$(chroot "$root" sh -c 'cd /tmp && sqlite3 :memory: ".load xtractr" \
  "SELECT count(*) FROM packets('"'/usr/share/xtractr/examples/$(basename "$capture")'"')" \
  "SELECT (SELECT sum(value) FROM json_each(mapreduce(doc, '"'function (p) { emit(p.service, 1); }'"', '"'_sum'"'))) FROM packets('"'/usr/share/xtractr/examples/$(basename "$capture")'"')"' 2>"$tmp/query.err") ||
  fail "the query in the root: $(cat "$tmp/query.err")"
[ "$out" = "$frames"$'\n'"$frames" ] || fail "in the root: '$out', expected $frames frames twice (tshark)"
echo "in the root: .load xtractr counts $frames frames (tshark: $frames), mapreduce too ($(elapsed))"
echo "ok package"
