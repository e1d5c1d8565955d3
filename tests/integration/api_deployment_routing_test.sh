#!/usr/bin/env bash
# Deployments stored through the HTTPS API route calls (docs/api.md, "How calls are routed"):
# an app and a deployment made with curl answer a `keyline call` to the deployment's number,
# with its deployment variables; moving the deployment to another app revision changes what the
# next call runs; a stored secure deployment refuses a call over UDP; deleting it gives 404.
source "$(dirname "$0")/lib.sh" "$1" "$2"
write_config
# No catch-all: a number no deployment claims must get 404. The config keeps one number of its
# own, so the config and the stored deployments are in the table together.
sed -i 's/numbers: \["\*"\]/numbers: ["5000"]/' "$WORK/keyline.yaml"
grep -q 'numbers: \["5000"\]' "$WORK/keyline.yaml" || fail "could not write the config"
start_server
API_PORT="$(sed -n 's/.*listening for HTTPS on 127.0.0.1:\([0-9]*\).*/\1/p' "$WORK/server.log")"
[ -n "$API_PORT" ] || fail "no API port in the server log"
CERT="$WORK/data/api-cert.pem"
BASE="https://127.0.0.1:$API_PORT"

api() { api_as "$ADMIN" "$@"; }  # api METHOD PATH [JSON], as the admin
tables_in_use() { grep -c "routing table [0-9]* in use" "$WORK/server.log" || true; }
# api_change EXPECTED_STATUS WHAT METHOD PATH [BODY] — a write, then waits until the worker
# uses the routing table the write caused (the log line), so the next call sees it.
api_change() {
  local want="$1" what="$2" before
  shift 2
  before="$(tables_in_use)"
  expect "$(api "$@")" "$want" "$what"
  for _ in $(seq 1 600); do
    [ "$(tables_in_use)" -gt "$before" ] && return 0
    sleep 0.1
  done
  fail "$what: the server never used a new routing table"
}
# call NUMBER — a call with the built-in phone; its output in $WORK/phone.txt
call() {
  "$KEYLINE" call "sip:$1@127.0.0.1:$SIP_PORT" --timeout 60 >"$WORK/phone.txt" 2>&1
}
# visits NUMBER — the module names of the newest call to NUMBER, from the API's call log
last_call=""
visits() {
  local id=""
  for _ in $(seq 1 600); do
    api GET "/v1/calls?number=$1&limit=1" >/dev/null
    id="$(json "d['calls'][0]['session_id'] if d['calls'] else ''")"
    [ -n "$id" ] && [ "$id" != "$last_call" ] && break
    sleep 0.1
  done
  [ -n "$id" ] && [ "$id" != "$last_call" ] || fail "the call to $1 never reached the call log"
  last_call="$id"
  expect "$(api GET "/v1/calls/$id")" 200 "get the call"
  json "' '.join(e['module'] for e in d['entries'])"
}

ADMIN="$("$KEYLINE" apikey create --email admin@example.com --role admin --data-dir "$WORK/data")"
grep -q "routing table 1 in use: 1 deployment" "$WORK/server.log" || fail "no first routing table"

# Two revisions of one app, told apart by their greeting module. The compare branches on the
# app variable `queue`, which a deployment variable overrides.
app() {
  cat <<JSON
{"name": "routed", "variables": {"queue": "general"}, "pages": [{"name": "main", "modules": [
  {"type": "prompt", "name": "$1", "text": "Thanks for calling."},
  {"type": "compare_variable", "name": "which_queue", "conditions": [
    {"variable": "queue", "operator": "=", "value": "sales", "goto": "sales_exit"}]},
  {"type": "exit", "name": "general_exit"},
  {"type": "exit", "name": "sales_exit"}]}]}
JSON
}
api_change 201 "create app" PUT /v1/apps/routed "$(app greeting_one)"
api_change 200 "second revision" PUT /v1/apps/routed "$(app greeting_two)"
api_change 201 "create deployment" POST /v1/deployments \
  '{"label":"sales","app":"routed","revision":1,"numbers":["7001"],"variables":{"queue":"sales"}}'
grep -q "in use: 2 deployment(s)" "$WORK/server.log" || fail "the stored deployment is not routed"

call 7001 || { cat "$WORK/phone.txt"; fail "call to the stored deployment failed"; }
grep -q "BYE received" "$WORK/phone.txt" || { cat "$WORK/phone.txt"; fail "the app did not end the call"; }
mods="$(visits 7001)"
[ "$mods" = "greeting_one which_queue sales_exit" ] || fail "revision 1 with queue=sales: got '$mods'"
expect "$(json "d['app']")" routed "the call log names the app"

# Another revision and no deployment variable: the next call runs revision 2's flow, with the
# app's own value of `queue`.
api_change 200 "move the deployment" PUT /v1/deployments/sales \
  '{"app":"routed","revision":2,"numbers":["7001"]}'
call 7001 || { cat "$WORK/phone.txt"; fail "call after the update failed"; }
mods="$(visits 7001)"
[ "$mods" = "greeting_two which_queue general_exit" ] || fail "revision 2, app variables: got '$mods'"

# A stored secure deployment enforces what a config one does: UDP is refused 403.
api_change 201 "secure deployment" POST /v1/deployments \
  '{"label":"vault","app":"routed","numbers":["7002"],"secure":true}'
if call 7002; then cat "$WORK/phone.txt"; fail "a UDP call to a secure stored deployment was answered"; fi
grep -q "call failed: 403" "$WORK/phone.txt" || { cat "$WORK/phone.txt"; fail "secure: want 403"; }
grep -q "rejected 403: deployment 'vault' is secure" "$WORK/server.log" || fail "no secure log line"

# Deleted: its number has no deployment any more.
api_change 204 "delete the deployment" DELETE /v1/deployments/sales
if call 7001; then cat "$WORK/phone.txt"; fail "a call to a deleted deployment was answered"; fi
grep -q "call failed: 404" "$WORK/phone.txt" || { cat "$WORK/phone.txt"; fail "deleted: want 404"; }
# The table left: the config's deployment and the secure stored one.
tail -n 1 <(grep "routing table [0-9]* in use" "$WORK/server.log") | grep -q "in use: 2 deployment(s)" ||
  fail "the last routing table should hold 2 deployments"
server_alive || fail "server died"
stop_server
echo PASS
