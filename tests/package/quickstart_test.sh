#!/usr/bin/env bash
# quickstart_test.sh — the README's Quick start on a fresh Debian 12: bootstraps a minimal
# Debian 12 root (mmdebstrap, as tests/package/deb_test.sh), copies the checkout into it (as a
# clone would be, without build folders or third_party) and runs `bash examples/quickstart.sh`
# there as root: .ci/install-deps installs every build dependency from the Debian archive, the
# build runs from scratch, and the flows report of the sample capture must print.
#
# Usage: bash tests/package/quickstart_test.sh [ROOT_PARENT]     # as root, with the network
#        (not a ctest: it downloads ~1 GB of packages and compiles everything without ccache,
#        15-40 minutes on 2 cores; CI runs quickstart.sh on its own machine, .ci/run)
#
# How it works: the root gets /proc, /sys and /dev bound for apt's maintainer scripts and the
# build; they are unmounted and the root removed at exit. The output of each phase and its
# time are printed; the exit status is quickstart.sh's.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
mirror=${XTRACTR_DEBIAN_MIRROR:-http://deb.debian.org/debian}
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
tmp=$(mktemp -d "${1:-${TMPDIR:-/tmp}}/xtractr-quickstart.XXXXXX")
root="$tmp/root"
cleanup() {
  for m in dev/pts dev sys proc; do umount "$root/$m" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
started=$(date +%s)
elapsed() { echo "$(( $(date +%s) - started )) s"; }

mmdebstrap --variant=minbase --skip=cleanup/apt/lists bookworm "$root" "deb $mirror bookworm main" \
  "deb $mirror bookworm-updates main" >"$tmp/bootstrap.log" 2>&1 || { tail -5 "$tmp/bootstrap.log"; exit 1; }
echo "fresh Debian 12 root bootstrapped ($(elapsed))"
for m in proc sys dev dev/pts; do mount --bind "/$m" "$root/$m"; done
mkdir -p "$root/root/xtractr"
tar -C "$here" --exclude=./.git --exclude='./build*' --exclude=./third_party --exclude='*.xtractr' -cf - . |
  tar -C "$root/root/xtractr" -xf -
status=0
chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
  bash -c 'cd /root/xtractr && bash examples/quickstart.sh' >"$tmp/quickstart.log" 2>&1 || status=$?
cat "$tmp/quickstart.log"
grep -q "Top 10 flows by bytes" "$tmp/quickstart.log" || { [ "$status" != 0 ] || status=1; }
echo "quickstart.sh in a fresh Debian 12: exit status $status ($(elapsed))"
exit $status
