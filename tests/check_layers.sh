#!/usr/bin/env bash
# check_layers.sh — fails when a static library uses a symbol of a layer above (or beside) it.
#
# Usage: bash tests/check_layers.sh build        # the build folder; ctest runs it as layers:*
#
# How it works: the layers, bottom up, are core, dissect, index, then search / udf / extract
# side by side (the extension, build/xtractr.so, sits on top and may use them all). For each
# library, `nm -u` lists what it needs and `nm --defined-only` what every library defines; a
# needed symbol that is not defined in the library itself or in a layer below it, but is
# defined (strongly) in another xtractr library, is an upward (or sideways) dependency. It also prints
# the link graph those symbols make (library -> the libraries it really uses).
set -euo pipefail
build=${1:?usage: check_layers.sh BUILD_DIR}
layers=("core" "dissect" "index" "search udf extract")

lib_path() { echo "$build/$1/libxtractr_$1.a"; }
# strong definitions only (T, D, B, R...): weak ones (W, V) are inline and template copies
# (typeinfo for std::exception, ...) that every user emits, not what a library owns
defined() { nm --defined-only -g "$(lib_path "$1")" 2>/dev/null | awk 'NF == 3 && $2 !~ /^[UWwVvu]$/ {print $3}' | sort -u; }
needed() { nm -u "$(lib_path "$1")" 2>/dev/null | awk '{print $NF}' | sort -u; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
all=()
for layer in "${layers[@]}"; do
  for lib in $layer; do
    [ -f "$(lib_path "$lib")" ] || { echo "check_layers: $(lib_path "$lib") not built" >&2; exit 1; }
    defined "$lib" >"$tmp/$lib.def"
    needed "$lib" >"$tmp/$lib.use"
    all+=("$lib")
  done
done

status=0
below=()
for layer in "${layers[@]}"; do
  for lib in $layer; do
    # what `lib` needs and does not define itself
    comm -23 "$tmp/$lib.use" "$tmp/$lib.def" >"$tmp/$lib.ext"
    uses=()
    for other in "${all[@]}"; do
      [ "$other" = "$lib" ] && continue
      comm -12 "$tmp/$lib.ext" "$tmp/$other.def" >"$tmp/both"
      [ -s "$tmp/both" ] || continue
      uses+=("$other")
      allowed=no
      for b in "${below[@]+"${below[@]}"}"; do [ "$b" = "$other" ] && allowed=yes; done
      if [ $allowed = no ] && [ -s "$tmp/both" ]; then
        status=1
        echo "check_layers: xtractr_$lib uses $(wc -l <"$tmp/both") symbol(s) of xtractr_$other, which is not below it:"
        c++filt <"$tmp/both" | head -5 | sed 's/^/    /'
      fi
    done
    echo "xtractr_$lib -> ${uses[*]/#/xtractr_}" | sed 's/-> $/-> (no xtractr library)/'
  done
  below+=($layer)
done
[ $status = 0 ] && echo "check_layers: no library uses a layer above or beside it"
exit $status
