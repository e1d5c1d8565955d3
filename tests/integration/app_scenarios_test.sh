#!/usr/bin/env bash
# `keyline test`: every example app passes its example scenarios; a scenario that expects the
# wrong thing fails with exit 1 and says why.
source "$(dirname "$0")/lib.sh" "$1" "$2"

for app in "$SOURCE_DIR"/examples/apps/*.json; do
  name="$(basename "$app" .json)"
  scenarios="$SOURCE_DIR/examples/apps/scenarios/$name.yaml"
  [ -f "$scenarios" ] || fail "example app $name has no scenarios ($scenarios)"
  "$KEYLINE" test "$app" "$scenarios" >"$WORK/out.txt" 2>&1 || { cat "$WORK/out.txt"; fail "$name scenarios fail"; }
  cat "$WORK/out.txt"
  grep -qE "^[1-9][0-9]* passed, 0 failed$" "$WORK/out.txt" || fail "$name: no scenario ran"
done

cat >"$WORK/wrong.yaml" <<'YAML'
name: expects the wrong ending
steps:
  - press: "1"
  - press: "12345#"
expect:
  end: caller_hangup
  variables: {account: "54321"}
YAML
rc=0; "$KEYLINE" test "$SOURCE_DIR/examples/apps/demo.json" "$WORK/wrong.yaml" >"$WORK/out.txt" 2>&1 || rc=$?
cat "$WORK/out.txt"
[ "$rc" = 1 ] || fail "a failing scenario exits $rc, expected 1"
grep -q "FAIL .*wrong.yaml: expects the wrong ending" "$WORK/out.txt" || fail "no FAIL line"
grep -q "end: expected caller_hangup, got exit_module" "$WORK/out.txt" || fail "end mismatch not explained"
grep -q 'variable account: expected "54321", got "\[private\]"' "$WORK/out.txt" || fail "private value not hidden"
grep -q "12345" "$WORK/out.txt" && fail "a private value reached the report"

printf 'steps:\n  - dance: true\n' >"$WORK/bad.yaml"
rc=0; "$KEYLINE" test "$SOURCE_DIR/examples/apps/demo.json" "$WORK/bad.yaml" >"$WORK/out.txt" 2>&1 || rc=$?
[ "$rc" = 2 ] || fail "a malformed scenario exits $rc, expected 2"
grep -q "bad.yaml:2:5: unknown step 'dance'" "$WORK/out.txt" || fail "scenario error has no position"
echo PASS
