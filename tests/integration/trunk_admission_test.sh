#!/usr/bin/env bash
# Stored trunks decide SIP admission (docs/sip.md, "Stored trunks"), with no restart:
#  1. a trunk made through the API with max_calls 1: a call held ringing on it, and a second
#     call from the same source gets 503 with Retry-After;
#  2. the trunk updated with digest credentials (password_ref env:VAR): a call without
#     credentials gets 401, a wrong password 401, the right one is answered;
#  3. a stored deployment naming another trunk refuses the call 404; named this one, answers.
source "$(dirname "$0")/lib.sh" "$1" "$2"
PHONE_PID=""
trap 'if [ -n "$PHONE_PID" ]; then kill "$PHONE_PID" 2>/dev/null || true; fi; cleanup' EXIT

trunk_pw="trunk-$RANDOM-$RANDOM"
export KL_TEST_TRUNK_PW="$trunk_pw"
write_config
# Number 9000 rings for a minute before it is answered: a call to it holds its trunk's slot.
cat >>"$WORK/keyline.yaml" <<YAML
  - name: hold
    numbers: ["9000"]
    app: demo
    answer_delay_ms: 60000
YAML
start_server
API_PORT="$(sed -n 's/.*listening for HTTPS on 127.0.0.1:\([0-9]*\).*/\1/p' "$WORK/server.log")"
[ -n "$API_PORT" ] || fail "no API port in the server log"
CERT="$WORK/data/api-cert.pem"
ADMIN="$("$KEYLINE" apikey create --email admin@example.com --role admin --data-dir "$WORK/data")"

api() { api_as "$ADMIN" "$@"; }  # api METHOD PATH [JSON], as the admin
tables() { grep -c "trunk table [0-9]* in use" "$WORK/server.log" || true; }
# trunk_change STATUS WHAT METHOD PATH BODY — an API write, then waits until the worker uses the
# trunk table it caused (its log line), so the next call meets it.
trunk_change() {
  local want="$1" what="$2" before
  shift 2
  before="$(tables)"
  expect "$(api "$@")" "$want" "$what"
  for _ in $(seq 1 600); do
    [ "$(tables)" -gt "$before" ] && return 0
    sleep 0.1
  done
  fail "$what: the server never used a new trunk table"
}
# call NAME EXPECTED NUMBER [phone args] — EXPECTED is ok or the failing status
call() {
  local name="$1" want="$2" number="$3"
  shift 3
  local out="$WORK/phone-$name.txt"
  if "$KEYLINE" call "sip:$number@127.0.0.1:$SIP_PORT" --hangup-after-ms 300 --timeout 60 "$@" \
    >"$out" 2>&1; then
    [ "$want" = ok ] || { cat "$out"; fail "$name: answered, expected $want"; }
    grep -q "answered: 200 OK" "$out" || { cat "$out"; fail "$name: not answered"; }
  else
    [ "$want" != ok ] || { cat "$out"; fail "$name: call failed"; }
    grep -q "call failed: $want" "$out" || { cat "$out"; fail "$name: expected $want"; }
  fi
  echo "$name: $want"
}

for _ in $(seq 1 600); do [ "$(tables)" -ge 1 ] && break; sleep 0.1; done
grep -q "trunk table 1 in use: 0 trunk(s)" "$WORK/server.log" || fail "no first trunk table"

# 1. max_calls 1.
trunk_change 201 "create the trunk" POST /v1/trunks \
  '{"name":"loop","allow":["127.0.0.1/32"],"max_calls":1}'
grep -q "in use: 1 trunk(s)" "$WORK/server.log" || fail "the trunk is not in the table"
"$KEYLINE" call "sip:9000@127.0.0.1:$SIP_PORT" --hangup-after-ms 100 --timeout 300 \
  >"$WORK/phone-held.txt" 2>&1 &
PHONE_PID=$!
for _ in $(seq 1 600); do
  grep -q "to 9000 via" "$WORK/server.log" && break
  sleep 0.1
done
grep -q "to 9000 via" "$WORK/server.log" || fail "the held call never arrived"
call second-call 503 100
grep -q "refused 503: trunk 'loop' is at max_calls (1)" "$WORK/server.log" ||
  fail "no max_calls log line"

# 2. Digest credentials on the trunk, and no call cap: the held call no longer matters.
trunk_change 200 "add credentials" PUT /v1/trunks/loop \
  '{"allow":["127.0.0.1/32"],"max_calls":0,"digest":{"username":"carrier","password_ref":"env:KL_TEST_TRUNK_PW"}}'
call no-credentials 401 100
WRONG="not-$trunk_pw" call wrong-password 401 100 --auth-user carrier --auth-password-env WRONG
call right-password ok 100 --auth-user carrier --auth-password-env KL_TEST_TRUNK_PW
grep -q "on trunk 'loop' authenticated as carrier" "$WORK/server.log" || fail "no trunk auth line"
if grep -q -- "$trunk_pw" "$WORK/server.log"; then fail "the trunk password reached the log"; fi

# 3. A stored deployment on another trunk: a call from this source gets 404.
trunk_change 201 "another trunk" POST /v1/trunks '{"name":"elsewhere","allow":["192.0.2.1"]}'
app='{"name":"ontrunk","pages":[{"name":"main","modules":[{"type":"prompt","name":"hi","text":"Hello."},{"type":"exit","name":"done"}]}]}'
expect "$(api PUT /v1/apps/ontrunk "$app")" 201 "create the app"
before="$(grep -c "routing table [0-9]* in use" "$WORK/server.log" || true)"
expect "$(api POST /v1/deployments \
  '{"label":"ontrunk","app":"ontrunk","numbers":["7001"],"trunk":"elsewhere"}')" 201 "deployment"
for _ in $(seq 1 600); do
  [ "$(grep -c "routing table [0-9]* in use" "$WORK/server.log" || true)" -gt "$before" ] && break
  sleep 0.1
done
call other-trunk 404 7001 --auth-user carrier --auth-password-env KL_TEST_TRUNK_PW
grep -q "rejected 404: deployment 'ontrunk' takes calls on trunk 'elsewhere' only" \
  "$WORK/server.log" || fail "no trunk-mismatch log line"
before="$(grep -c "routing table [0-9]* in use" "$WORK/server.log" || true)"
expect "$(api PUT /v1/deployments/ontrunk \
  '{"app":"ontrunk","numbers":["7001"],"trunk":"loop"}')" 200 "move the deployment"
for _ in $(seq 1 600); do
  [ "$(grep -c "routing table [0-9]* in use" "$WORK/server.log" || true)" -gt "$before" ] && break
  sleep 0.1
done
call this-trunk ok 7001 --auth-user carrier --auth-password-env KL_TEST_TRUNK_PW

server_alive || fail "server died"
stop_server
wait "$PHONE_PID" 2>/dev/null || true
PHONE_PID=""
echo PASS
