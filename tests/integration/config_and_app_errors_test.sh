#!/usr/bin/env bash
# Bad configuration and bad app documents are rejected with file:line:col
# before any socket opens; `keyline simulate` runs the demo without SIP.
source "$(dirname "$0")/lib.sh" "$1" "$2"

printf 'sip:\n  listen: 127.0.0.1\n  prot: 5060\n' >"$WORK/bad-key.yaml"
rc=0; "$KEYLINE" serve --config "$WORK/bad-key.yaml" >"$WORK/out.txt" 2>&1 || rc=$?
cat "$WORK/out.txt"
[ "$rc" = 2 ] || fail "unknown key: exit $rc, expected 2"
grep -q "bad-key.yaml:3:3: sip.prot: unknown key" "$WORK/out.txt" || fail "unknown key not reported with its path"
grep -q "listening" "$WORK/out.txt" && fail "server listened despite a bad config"

printf 'sip:\n  port: 70000\nlog_level: loud\n' >"$WORK/bad-values.yaml"
rc=0; "$KEYLINE" serve --config "$WORK/bad-values.yaml" >"$WORK/out.txt" 2>&1 || rc=$?
cat "$WORK/out.txt"
[ "$rc" = 2 ] || fail "bad values: exit $rc"
grep -q "bad-values.yaml:2:9: sip.port: must be between 0 and 65535" "$WORK/out.txt" || fail "bad port not reported"
grep -q "log_level: must be one of" "$WORK/out.txt" || fail "bad log level not reported"

printf '{\n  "name": "broken",\n  "pages": [\n    {"name": "main", "modules": [\n      {"type": "prompt", "name": "p" "text": "hi"}\n    ]}\n  ]\n}\n' >"$WORK/broken.json"
rc=0; "$KEYLINE" validate "$WORK/broken.json" >"$WORK/out.txt" 2>&1 || rc=$?
cat "$WORK/out.txt"
[ "$rc" = 1 ] || fail "broken app: exit $rc"
grep -qE "broken.json:5:[0-9]+: " "$WORK/out.txt" || fail "broken app error has no file:line:col"

printf '{\n  "name": "semantic",\n  "start_page": "main",\n  "pages": [\n    {"name": "main", "modules": [\n      {"type": "teleport", "name": "p"}\n    ]}\n  ]\n}\n' >"$WORK/semantic.json"
rc=0; "$KEYLINE" validate "$WORK/semantic.json" >"$WORK/out.txt" 2>&1 || rc=$?
cat "$WORK/out.txt"
[ "$rc" = 1 ] || fail "unknown module type accepted"
grep -qE "semantic.json:6:[0-9]+: .*teleport" "$WORK/out.txt" || fail "unknown module type not reported at its position"

"$KEYLINE" validate "$SOURCE_DIR/examples/apps/demo.json" || fail "demo app does not validate"
"$KEYLINE" validate --config "$SOURCE_DIR/config/keyline.yaml" || fail "shipped config does not validate"

printf '1\n12345#\n' | "$KEYLINE" simulate "$SOURCE_DIR/examples/apps/demo.json" >"$WORK/sim.txt" 2>&1 || { cat "$WORK/sim.txt"; fail "simulate failed"; }
cat "$WORK/sim.txt"
grep -q "Welcome to Keyline" "$WORK/sim.txt" || fail "simulate: no greeting"
grep -q "You entered 1 2 3 4 5" "$WORK/sim.txt" || fail "simulate: account not read back"
echo PASS
