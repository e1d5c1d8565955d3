#!/usr/bin/env bash
# Every header under src/ compiles on its own (includes what it uses).
set -euo pipefail
src="$1/src"
cxx="${2:-c++}"
failed=0
count=0
for header in "$src"/*/*.h; do
  count=$((count + 1))
  # Included from a one-line file, as a user would (a header as the main
  # file trips "#pragma once in main file").
  if ! echo "#include \"${header#$src/}\"" |
      "$cxx" -std=c++20 -fsyntax-only -Wall -Wextra -Werror -I"$src" -x c++ - 2>"/tmp/hdr-check.$$"; then
    echo "NOT SELF-CONTAINED: ${header#$src/}"
    head -5 "/tmp/hdr-check.$$"
    failed=$((failed + 1))
  fi
done
rm -f "/tmp/hdr-check.$$"
echo "$count headers checked, $failed failed"
[ "$failed" -eq 0 ]
