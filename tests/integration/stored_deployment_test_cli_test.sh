#!/usr/bin/env bash
# `keyline test --config FILE --deployment LABEL` on a deployment stored
# through the API (not in the config file): the scenarios run against the
# revision the deployment pins, read from the configured database, and a
# deployment following the latest revision picks up a new one.
# Usage: stored_deployment_test_cli_test.sh KEYLINE SOURCE_DIR
source "$(dirname "$0")/lib.sh" "$1" "$2"
write_config
start_server
API_PORT="$(sed -n 's/.*listening for HTTPS on 127.0.0.1:\([0-9]*\).*/\1/p' "$WORK/server.log")"
[ -n "$API_PORT" ] || fail "no API port in the server log"
ADMIN="$(grep -o '^kl_[0-9a-f]*_[0-9a-f]*$' "$WORK/server.log" | head -n 1)"
[ -n "$ADMIN" ] || fail "no first-start admin key printed"
CERT="$WORK/data/api-cert.pem"
api() { api_as "$ADMIN" "$@"; }  # api METHOD PATH [JSON], as the admin

v1="$(sed 's/"name": "demo"/"name": "stored"/' "$SOURCE_DIR/examples/apps/demo.json")"
v2="$(printf '%s' "$v1" | sed 's/Welcome to Keyline\./Welcome to revision two./')"
expect "$(api PUT /v1/apps/stored "$v1")" 201 "revision 1"
expect "$(api PUT /v1/apps/stored "$v2")" 200 "revision 2"
expect "$(api POST /v1/deployments '{"label":"pinned","app":"stored","revision":1,"numbers":["501"]}')" 201 "pinned deployment"
expect "$(api POST /v1/deployments '{"label":"latest","app":"stored","numbers":["502"]}')" 201 "latest deployment"

scenarios="$SOURCE_DIR/examples/apps/scenarios/demo.yaml"
# The pinned deployment runs revision 1: the demo's scenarios pass.
"$KEYLINE" test --config "$WORK/keyline.yaml" --deployment pinned "$scenarios" >"$WORK/pinned.out" 2>&1 ||
  { cat "$WORK/pinned.out" >&2; fail "scenarios failed on the pinned stored deployment"; }
grep -q "0 failed" "$WORK/pinned.out" || { cat "$WORK/pinned.out" >&2; fail "pinned: not all passed"; }
# The one that follows the latest runs revision 2, whose greeting differs: the greeting step fails.
if "$KEYLINE" test --config "$WORK/keyline.yaml" --deployment latest "$scenarios" >"$WORK/latest.out" 2>&1; then
  cat "$WORK/latest.out" >&2
  fail "revision 2 should fail the greeting scenario"
fi
grep -q "heard: Welcome to revision two" "$WORK/latest.out" ||
  { cat "$WORK/latest.out" >&2; fail "the latest deployment did not run revision 2"; }
# A label in neither the file nor the database.
if "$KEYLINE" test --config "$WORK/keyline.yaml" --deployment nowhere "$scenarios" >"$WORK/none.out" 2>&1; then
  fail "an unknown deployment passed"
fi
grep -q "no deployment named 'nowhere' in the file or the database" "$WORK/none.out" ||
  { cat "$WORK/none.out" >&2; fail "unknown deployment message"; }
echo "PASS: keyline test --deployment on stored deployments"
