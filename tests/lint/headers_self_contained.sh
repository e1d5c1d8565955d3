#!/usr/bin/env bash
# Every header under src/ compiles on its own (includes what it uses).
# Headers are checked in parallel, one compiler per core.
set -euo pipefail
src="$1/src"
cxx="${2:-c++}"
jobs="$(nproc 2>/dev/null || echo 2)"
results="$(mktemp -d /tmp/hdr-check.XXXXXX)"
trap 'rm -rf "$results"' EXIT

check_one() {
  local src="$1" cxx="$2" results="$3" header="$4"
  local name="${header#$src/}"
  local out="$results/$(echo "$name" | tr '/' '_').err"
  # Included from a one-line file, as a user would (a header as the main
  # file trips "#pragma once in main file").
  if ! echo "#include \"$name\"" |
      "$cxx" -std=c++20 -fsyntax-only -Wall -Wextra -Werror -I"$src" -x c++ - 2>"$out"; then
    { echo "NOT SELF-CONTAINED: $name"; head -5 "$out"; } >"$out.failed"
  fi
}
export -f check_one

# Every header, including those their own .cc includes first: the unity build compiles a
# .cc after others of its batch, so the build no longer shows that a header stands alone.
list="$results/headers"
find "$src" -mindepth 2 -maxdepth 2 -name '*.h' -print0 >"$list"
count=$(tr -cd '\0' <"$list" | wc -c)
xargs -0 -n 1 -P "$jobs" bash -c 'check_one "$@"' _ "$src" "$cxx" "$results" <"$list"
failed=0
for f in "$results"/*.failed; do
  [ -e "$f" ] || continue
  cat "$f"
  failed=$((failed + 1))
done
echo "$count headers checked, $failed failed"
[ "$failed" -eq 0 ]
