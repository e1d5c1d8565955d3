#!/usr/bin/env bash
# The PostgreSQL connection pool's cases (tests/store/pg_pool_test.cc) against
# a real server: a throwaway cluster on a free port (pg_lib.sh).
# Usage: pg_pool_test.sh KEYLINE SOURCE_DIR STORE_TESTS_BINARY
source "$(dirname "$0")/lib.sh" "$1" "$2"
STORE_TESTS="$3"
source "$(dirname "$0")/pg_lib.sh"

out="$WORK/gtest.log"
KEYLINE_TEST_POSTGRES_URL="$PG_URL" "$STORE_TESTS" --gtest_filter='PgPool/Postgres.*' \
  >"$out" 2>&1 || { cat "$out" >&2; fail "pool tests failed on PostgreSQL"; }
if grep -q '\[  SKIPPED \]' "$out"; then cat "$out" >&2; fail "pool cases were skipped"; fi
ran="$(sed -n 's/.*\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$out")"
[ -n "$ran" ] && [ "$ran" -ge 4 ] || { cat "$out" >&2; fail "ran ${ran:-no} pool cases, want 4"; }
echo "PASS: $ran connection-pool cases on PostgreSQL"
