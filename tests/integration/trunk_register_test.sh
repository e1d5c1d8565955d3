#!/usr/bin/env bash
# A trunk made through the API alone (docs/sip.md, "Stored trunks in admission" and "REGISTER
# to a trunk"), with no config edit and no restart:
#  1. its allow list names a host (localhost), which the server resolves off its workers: once
#     resolved, a call from 127.0.0.1 arrives on the trunk (a deployment that takes calls on
#     that trunk only answers it);
#  2. its REGISTER settings (password_ref env:VAR) make the server register with SIPp as the
#     registrar (sipp/uas_registrar.xml: 401, its own digest check, a 4 s grant, the refresh);
#     the metric counts it;
#  3. deleting the trunk removes the binding (Expires: 0), and SIPp's scenario ends cleanly.
source "$(dirname "$0")/lib.sh" "$1" "$2"
SCEN="$(cd "$(dirname "$0")" && pwd)/sipp"
command -v sipp >/dev/null || fail "sipp not installed (scripts/setup installs sip-tester)"
SIPP_PID=""
trap 'if [ -n "$SIPP_PID" ]; then kill "$SIPP_PID" 2>/dev/null || true; fi; cleanup' EXIT

REG_PORT="$(free_port)"
mport=$(( (RANDOM % 500) * 2 + 33000 ))
(cd "$WORK" && exec timeout 300 sipp -sf "$SCEN/uas_registrar.xml" -m 1 -i 127.0.0.1 \
  -p "$REG_PORT" -mi 127.0.0.1 -mp "$mport" -nostdin -trace_err -trace_msg \
  >"$WORK/sipp.out" 2>&1) &
SIPP_PID=$!

export KL_TEST_REG_PW="sipp-registrar-pw"  # the password uas_registrar.xml checks
write_config
start_server
API_PORT="$(sed -n 's/.*listening for HTTPS on 127.0.0.1:\([0-9]*\).*/\1/p' "$WORK/server.log")"
[ -n "$API_PORT" ] || fail "no API port in the server log"
CERT="$WORK/data/api-cert.pem"
ADMIN="$("$KEYLINE" apikey create --email admin@example.com --role admin --data-dir "$WORK/data")"

api() { api_as "$ADMIN" "$@"; }  # api METHOD PATH [JSON], as the admin
wait_log() {  # wait_log PATTERN COUNT WHAT
  for _ in $(seq 1 600); do
    [ "$(grep -c "$1" "$WORK/server.log" || true)" -ge "$2" ] && return 0
    kill -0 "$SIPP_PID" 2>/dev/null || break  # the registrar gave up: no use waiting
    sleep 0.1
  done
  [ "$(grep -c "$1" "$WORK/server.log" || true)" -ge "$2" ] || { tail -40 "$WORK/sipp.out"; fail "$3"; }
}

# A bad body is a JSON problem and changes nothing.
expect "$(api POST /v1/trunks '{"name":"carrier","allow":["localhost"],"register":{"aor":"x"}}')" \
  422 "a bad register body"
grep -q '"/register/registrar"' "$WORK/body" || fail "the problem does not name /register/registrar"

trunk='{"name":"carrier","allow":["localhost"],
  "register":{"registrar":"sip:127.0.0.1:'"$REG_PORT"'","aor":"sip:4420@registrar.test",
              "username":"4420","password_ref":"env:KL_TEST_REG_PW","expires":60}}'
expect "$(api POST /v1/trunks "$trunk")" 201 "create the trunk"
grep -q '"password_set":true' "$WORK/body" || fail "the trunk does not say its password is set"
if grep -q "KL_TEST_REG_PW" "$WORK/body"; then fail "the API showed the password reference"; fi

# 1. The host name resolves, and the table is rebuilt with its address.
wait_log "trunk host names resolved to new addresses" 1 "localhost was never resolved"
app='{"name":"ontrunk","pages":[{"name":"main","modules":[{"type":"prompt","name":"hi","text":"Hello."},{"type":"exit","name":"done"}]}]}'
expect "$(api PUT /v1/apps/ontrunk "$app")" 201 "create the app"
before="$(grep -c "routing table [0-9]* in use" "$WORK/server.log" || true)"
expect "$(api POST /v1/deployments \
  '{"label":"ontrunk","app":"ontrunk","numbers":["7001"],"trunk":"carrier"}')" 201 "deployment"
wait_log "routing table [0-9]* in use" $((before + 1)) "the deployment never reached the routing table"
out="$WORK/phone.txt"
"$KEYLINE" call "sip:7001@127.0.0.1:$SIP_PORT" --hangup-after-ms 300 --timeout 60 >"$out" 2>&1 ||
  { cat "$out"; fail "the call on the trunk failed"; }
grep -q "answered: 200 OK" "$out" || { cat "$out"; fail "the call on the trunk was not answered"; }

# 2. Registered, then refreshed at half the granted 4 s.
wait_log "registration trunk carrier: registered" 2 "no registration and refresh"
grep -q "registration trunk carrier: registered (registered for 4 s" "$WORK/server.log" ||
  fail "the granted 4 s was not read"
curl -sS --max-time 60 --cacert "$CERT" -H "Authorization: Bearer $ADMIN" \
  "https://127.0.0.1:$API_PORT/metrics" >"$WORK/metrics.txt"
grep -q '^keyline_sip_registrations{state="registered"} 1$' "$WORK/metrics.txt" ||
  { grep registrations "$WORK/metrics.txt"; fail "the metric does not show the registration"; }
if grep -q "$KL_TEST_REG_PW" "$WORK/server.log"; then fail "the password reached the log"; fi

# 3. The trunk goes (its deployment first): the binding is removed.
expect "$(api DELETE /v1/deployments/ontrunk)" 204 "delete the deployment"
expect "$(api DELETE /v1/trunks/carrier)" 204 "delete the trunk"
wait_log "registration trunk carrier: unregistered (binding removed)" 1 "no un-REGISTER"
rc=0
wait "$SIPP_PID" || rc=$?
SIPP_PID=""
[ "$rc" = 0 ] || { tail -40 "$WORK/sipp.out"; fail "the registrar scenario failed ($rc)"; }
server_alive || fail "server died"
stop_server
echo PASS
