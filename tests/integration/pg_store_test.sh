#!/usr/bin/env bash
# The repository and call-log contract tests (tests/store/*_contract_test.cc)
# against a real PostgreSQL server: a throwaway cluster on a free port.
# Usage: pg_store_test.sh KEYLINE SOURCE_DIR STORE_TESTS_BINARY
source "$(dirname "$0")/lib.sh" "$1" "$2"
STORE_TESTS="$3"
source "$(dirname "$0")/pg_lib.sh"

out="$WORK/gtest.log"
KEYLINE_TEST_POSTGRES_URL="$PG_URL" "$STORE_TESTS" --gtest_filter='*Contract/Postgres.*' \
  >"$out" 2>&1 || { cat "$out" >&2; fail "contract tests failed on PostgreSQL"; }
# Every case ran for real: none skipped, and as many as SQLite has.
if grep -q '\[  SKIPPED \]' "$out"; then cat "$out" >&2; fail "PostgreSQL cases were skipped"; fi
ran="$(sed -n 's/.*\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$out")"
want="$("$STORE_TESTS" --gtest_list_tests --gtest_filter='*Contract/Sqlite.*' | grep -c '^  ')"
[ -n "$ran" ] && [ "$ran" -ge 5 ] && [ "$ran" = "$want" ] || { cat "$out" >&2; fail "ran $ran cases, want $want"; }
echo "PASS: $ran repository and call-log contract cases on PostgreSQL"
