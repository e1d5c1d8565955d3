#!/usr/bin/env bash
# `keyline validate` on deliberately broken apps reports every problem at once, each as
# file:line:col, and exits 1; the example apps validate cleanly; `keyline audit` reports their
# private-value paths.
source "$(dirname "$0")/lib.sh" "$1" "$2"
APPS="$SOURCE_DIR/tests/integration/apps"

expect() {  # expect FILE PATTERN: the output holds PATTERN (an extended regex)
  grep -qE "$2" "$WORK/out.txt" || fail "$1: missing: $2"
}

rc=0; "$KEYLINE" validate "$APPS/broken_settings.json" >"$WORK/out.txt" 2>&1 || rc=$?
cat "$WORK/out.txt"
[ "$rc" = 1 ] || fail "broken_settings: exit $rc, expected 1"
expect settings "broken_settings.json:5:[0-9]+: 'max_decimals' must be a whole number"
expect settings "broken_settings.json:6:[0-9]+: unknown 'format' 'DDMM'"
expect settings "broken_settings.json:7:[0-9]+: 'pattern' at character 2: unterminated \{"
expect settings "broken_settings.json:8:[0-9]+: 'expression' at character 9: the expression ends too early"
expect settings "broken_settings.json:9:[0-9]+: .*'over'"
expect settings "broken_settings.json:9:[0-9]+: duplicate module name 'amount'"
expect settings "broken_settings.json:10:[0-9]+: unknown module type 'teleport'"
expect settings "broken_settings.json:12:[0-9]+: there is no module 'nowhere' on page 'main'"
expect settings "broken_settings.json:13:[0-9]+: .*'colour'"
[ "$(wc -l <"$WORK/out.txt")" -ge 9 ] || fail "broken_settings: not every problem reported"

rc=0; "$KEYLINE" validate "$APPS/broken_flow.json" >"$WORK/out.txt" 2>&1 || rc=$?
cat "$WORK/out.txt"
[ "$rc" = 1 ] || fail "broken_flow: exit $rc, expected 1"
expect flow "broken_flow.json:5:[0-9]+: module 'hello' reads variable 'caller_name', which no module sets"
expect flow "broken_flow.json:6:[0-9]+: module 'confirm' reads variable 'amount' before it is set"
expect flow "broken_flow.json:10:[0-9]+: module 'orphan' on page 'main' can never be reached"
expect flow "broken_flow.json:13:[0-9]+: module 'log' reads variable 'amount' before it is set"

# Evaluate JS: scripts are compiled (never run) at load; a list-of-lines script points at the line.
rc=0; "$KEYLINE" validate "$APPS/broken_js.json" >"$WORK/out.txt" 2>&1 || rc=$?
cat "$WORK/out.txt"
[ "$rc" = 1 ] || fail "broken_js: exit $rc, expected 1"
expect js "broken_js.json:4:[0-9]+: library 'util' line 1: SyntaxError"
expect js "broken_js.json:8:7: 'script' line 2: SyntaxError"
expect js "broken_js.json:9:[0-9]+: an evaluate_js module needs exactly one of 'script' or 'function'"
expect js "broken_js.json:10:[0-9]+: 'time_limit_ms' must be a whole number from 10 to 10000"

for app in "$SOURCE_DIR"/examples/apps/*.json; do
  "$KEYLINE" validate "$app" || fail "$app does not validate"
done

"$KEYLINE" graph "$SOURCE_DIR/examples/apps/demo.json" >"$WORK/demo.dot" || fail "graph failed"
grep -q '^digraph "demo" {' "$WORK/demo.dot" || fail "graph: no digraph"
grep -q 'subgraph cluster_' "$WORK/demo.dot" || fail "graph: no page clusters"
grep -q '"main/main_menu" -> "balance/account" \[label="1"\]' "$WORK/demo.dot" || fail "graph: menu option edge missing"
if command -v dot >/dev/null; then
  dot -Tsvg "$WORK/demo.dot" >"$WORK/demo.svg" || fail "dot cannot read the graph"
fi
# `keyline audit`: the payment example logs the card's last four in a Call Log line (an error:
# the log would read [private]); the demo only speaks the account number back (a warning).
rc=0; "$KEYLINE" audit "$SOURCE_DIR/examples/apps/payment.json" >"$WORK/out.txt" 2>&1 || rc=$?
cat "$WORK/out.txt"
[ "$rc" = 1 ] || fail "audit payment: exit $rc, expected 1"
expect audit "payment.json:[0-9]+:[0-9]+: error: private value 'last4' \(from module 'card'\) is written to the call log by 'charge'.*\(path: card -> summary -> charge\)"
expect audit "payment.json:[0-9]+:[0-9]+: warning: private value 'last4' .* spoken by 'confirm'"
rc=0; "$KEYLINE" audit "$SOURCE_DIR/examples/apps/demo.json" >"$WORK/out.txt" 2>&1 || rc=$?
cat "$WORK/out.txt"
[ "$rc" = 0 ] || fail "audit demo: exit $rc, expected 0"
expect audit "demo.json:[0-9]+:[0-9]+: warning: private value 'account' .*\(path: account -> readback\)"
grep -q "error:" "$WORK/out.txt" && fail "audit demo: unexpected error"
rc=0; "$KEYLINE" audit >/dev/null 2>&1 || rc=$?
[ "$rc" = 2 ] || fail "audit without an app: exit $rc, expected 2"
echo PASS
