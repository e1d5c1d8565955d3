#!/usr/bin/env bash
# Outbound calls end to end (docs/api.md "Outbound calls"): the API queues calls on a stored
# deployment of the appointment-reminder example; the dialer INVITEs a test phone in answer
# mode (`keyline call --answer`), which hears the app, receives the post-connect key (postd)
# and presses 1 to confirm; the call completes, its call log says outbound, and an HTTPS
# result_url receives call_details. A busy target is retried after reattempt_wait and then
# fails; a call queued for later is cancelled. Every wait is polled, with generous limits.
source "$(dirname "$0")/lib.sh" "$1" "$2"

# --- an HTTPS endpoint for result_url: appends each POSTed body (one JSON per line) ---------
PKI="$WORK/pki"
mkdir -p "$PKI"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=Test CA" \
  -keyout "$PKI/ca.key" -out "$PKI/ca.pem" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=127.0.0.1" \
  -keyout "$PKI/server.key" -out "$PKI/server.csr" 2>/dev/null
printf "subjectAltName=IP:127.0.0.1\n" >"$PKI/ext.cnf"
openssl x509 -req -in "$PKI/server.csr" -CA "$PKI/ca.pem" -CAkey "$PKI/ca.key" -CAcreateserial \
  -days 2 -extfile "$PKI/ext.cnf" -out "$PKI/server.pem" 2>/dev/null
cat >"$WORK/endpoint.py" <<'PY'
import http.server, json, os, ssl, sys
work = sys.argv[1]
class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
        with open(work + "/results.log", "a") as log:
            log.write(json.dumps(json.loads(body)) + "\n")
        self.send_response(204)
        self.end_headers()
    def log_message(self, *args):
        pass
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(work + "/pki/server.pem", work + "/pki/server.key")
server.socket = context.wrap_socket(server.socket, server_side=True)
with open(work + "/endpoint.port.tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(work + "/endpoint.port.tmp", work + "/endpoint.port")
server.serve_forever()
PY
python3 "$WORK/endpoint.py" "$WORK" >"$WORK/endpoint.out" 2>&1 &
ENDPOINT_PID=$!
PHONE_PIDS=""
trap 'kill $ENDPOINT_PID $PHONE_PIDS 2>/dev/null || true; cleanup' EXIT
for _ in $(seq 1 300); do [ -f "$WORK/endpoint.port" ] && break; sleep 0.1; done
[ -f "$WORK/endpoint.port" ] || { cat "$WORK/endpoint.out"; fail "the result endpoint did not start"; }
EP_PORT="$(cat "$WORK/endpoint.port")"
RESULT_URL="https://127.0.0.1:$EP_PORT/result"

# --- the server: t1_ms 100 so an INVITE nobody answers times out in 6.4 s -------------------
SIP_PORT="$(free_port)"
rtp_min=$(( (RANDOM % 200) * 100 + 20000 ))
cat >"$WORK/keyline.yaml" <<YAML
sip:
  listen: 127.0.0.1
  port: $SIP_PORT
  t1_ms: 100
media:
  rtp_port_min: $rtp_min
  rtp_port_max: $((rtp_min + 98))
data_dir: $WORK/data
log_level: info
api:
  port: 0
http:
  egress:
    allow: ["127.0.0.1"]
  ca_file: $PKI/ca.pem
outbound:
  caller_id: "8005550000"
  poll_ms: 200
  allow_sip_uris: true
  amd: {enabled: true, decision_ms: 2000}
YAML
start_server
grep -q "outbound.*dialer on" "$WORK/server.log" || fail "the dialer did not start"
API_PORT="$(sed -n 's/.*listening for HTTPS on 127.0.0.1:\([0-9]*\).*/\1/p' "$WORK/server.log")"
[ -n "$API_PORT" ] || fail "no API port in the server log"
CERT="$WORK/data/api-cert.pem"
BASE="https://127.0.0.1:$API_PORT"
ADMIN="$("$KEYLINE" apikey create --email admin@example.com --role admin --data-dir "$WORK/data")"

api() { api_as "$ADMIN" "$@"; }  # api METHOD PATH [JSON], as the admin
# wait_status ID STATUS SECONDS: polls the call's status
wait_status() {
  local i s=""
  for i in $(seq 1 $(( $3 * 5 ))); do
    expect "$(api GET "/v1/outbound/$1")" 200 "status of $1"
    s="$(json "d['call_details']['status']")"
    [ "$s" = "$2" ] && return 0
    sleep 0.2
  done
  cat "$WORK/body" >&2
  fail "call $1 is $s, not $2, after $3 s"
}
queue() {  # JSON [DEPLOYMENT] -> the new call id in $CALL_ID
  expect "$(api POST "/v1/deployments/${2:-reminders}/outbound" "$1")" 201 "queue $1"
  CALL_ID="$(json "d['call_id']")"
}
phone() {  # NAME PORT ARGS... : an answering test phone in the background
  local name="$1" port="$2"
  shift 2
  "$KEYLINE" call --answer "sip:$name@127.0.0.1:$port" --timeout 300 "$@" >"$WORK/$name.txt" 2>&1 &
  PHONE_PIDS="$PHONE_PIDS $!"
  LAST_PHONE=$!
  for _ in $(seq 1 100); do grep -q "listening on" "$WORK/$name.txt" && return 0; sleep 0.1; done
  cat "$WORK/$name.txt"
  fail "phone $name did not start"
}

# The example app, stored, and a deployment of it (outbound calls need no number of their own,
# but a deployment has at least one).
python3 -c "import json,sys; print(json.dumps(json.load(open(sys.argv[1]))))" \
  "$SOURCE_DIR/examples/apps/appointment_reminder.json" >"$WORK/app.json"
expect "$(api PUT /v1/apps/appointment_reminder "$(cat "$WORK/app.json")")" 201 "store the app"
expect "$(api POST /v1/deployments \
  '{"label":"reminders","app":"appointment_reminder","numbers":["reminder"]}')" 201 "deployment"
expect "$(api POST /v1/deployments \
  '{"label":"later","app":"appointment_reminder","numbers":["later"]}')" 201 "second deployment"
for _ in $(seq 1 600); do grep -q "in use: 2 deployment" "$WORK/server.log" && break; sleep 0.1; done
grep -q "in use: 2 deployment" "$WORK/server.log" || fail "the deployments were never routed"

echo "== a busy target: retried after reattempt_wait, busy again, failed (queued first: 60 s)"
BUSY_PORT="$(free_port)"
phone busy "$BUSY_PORT" --reject 486 --calls 2
BUSY_PHONE=$LAST_PHONE
queue "{\"phone_number\":\"sip:busy@127.0.0.1:$BUSY_PORT\",\"max_attempts\":2,
        \"reattempt_wait\":60,\"result_url\":\"$RESULT_URL\"}"
BUSY_ID="$CALL_ID"

echo "== cancel: a call queued for later is cancelled before it is dialled"
queue "{\"phone_number\":\"6175551234\",\"start\":\"2099-01-01T00:00:00Z\",
        \"result_url\":\"$RESULT_URL\"}" later
LATER_ID="$CALL_ID"
expect "$(api DELETE /v1/deployments/later/outbound)" 202 "cancel"
[ "$(json "d['canceled']")" -ge 1 ] || fail "nothing was cancelled"
wait_status "$LATER_ID" canceled 10

echo "== answered: the app runs, postd reaches the callee, 1 confirms"
PHONE_PORT="$(free_port)"
phone patient "$PHONE_PORT" --dtmf 1
PATIENT_PHONE=$LAST_PHONE
queue "{\"phone_number\":\"sip:patient@127.0.0.1:$PHONE_PORT;ani=8005551111;postd=9\",
        \"parameters\":{\"patient\":\"Ada\",\"appointment\":\"Tuesday\"},
        \"result_url\":\"$RESULT_URL\"}"
ANSWER_ID="$CALL_ID"
wait "$PATIENT_PHONE" || { cat "$WORK/patient.txt"; fail "the patient's phone failed"; }
cat "$WORK/patient.txt"
grep -q "INVITE received from .*sip:8005551111@" "$WORK/patient.txt" || fail "the ani was not the caller id"
grep -q "DTMF received: 9" "$WORK/patient.txt" || fail "postd did not reach the callee"
grep -q "sent DTMF \"1\"" "$WORK/patient.txt" || fail "the phone did not key 1"
grep -q "ended=remote_bye" "$WORK/patient.txt" || fail "the app did not hang up"
speech_ms="$(sed -n 's/.* speech_ms=\([0-9]*\).*/\1/p' "$WORK/patient.txt")"
[ "${speech_ms:-0}" -ge 1000 ] || fail "the phone heard no prompts (speech_ms=$speech_ms)"
wait_status "$ANSWER_ID" completed 60
# Detection decided while the call ran (which way depends on the detector: the phone only keys).
grep -qE "answering-machine detection: (voice|answeringmachine|fax|unknown)" "$WORK/server.log" ||
  fail "answering-machine detection never decided"
[ "$(json "d['call_details']['attempts']")" = 1 ] || fail "answered call: attempts"
events="$(json "' '.join(e['event'] for e in d['call_details']['events'])")"
[ "$events" = "queued dialing connected disconnected" ] || fail "answered call events: $events"
grep -q "Ada" "$WORK/body" && fail "call_details shows a parameter"
SESSION="$(json "d['call_details']['session_ids'][0]")"
for _ in $(seq 1 300); do
  [ "$(api GET "/v1/calls/$SESSION")" = 200 ] && break
  sleep 0.2
done
expect "$(api GET "/v1/calls/$SESSION")" 200 "the call log of the answered call"
[ "$(json "d['direction']")" = outbound ] || fail "the call log does not say outbound"
modules="$(json "' '.join(e['module'] for e in d['entries'])")"
case "$modules" in *"confirm confirmed"*) ;; *) fail "the app did not confirm: $modules" ;; esac

echo "== the busy call: attempt 2 (60 s after the first) busy again, so it failed"
wait_status "$BUSY_ID" failed 240
wait "$BUSY_PHONE" || { cat "$WORK/busy.txt"; fail "the busy phone failed"; }
[ "$(grep -c "refusing with 486" "$WORK/busy.txt")" = 2 ] || { cat "$WORK/busy.txt"; fail "not 2 attempts"; }
[ "$(json "d['call_details']['attempts']")" = 2 ] || fail "busy call: attempts"
events="$(json "' '.join(e['event'] for e in d['call_details']['events'])")"
[ "$events" = "queued dialing busy queued dialing busy failed" ] || fail "busy call events: $events"

echo "== result_url: one POST per final call, with call_details"
for _ in $(seq 1 300); do
  [ "$(cat "$WORK/results.log" 2>/dev/null | wc -l)" -ge 3 ] && break
  sleep 0.2
done
python3 - "$WORK/results.log" "$ANSWER_ID" "$BUSY_ID" "$LATER_ID" <<'PY' || fail "result POSTs"
import json, sys
got = {}
for line in open(sys.argv[1]):
    d = json.loads(line)["call_details"]
    assert d["call_id"] not in got, "two POSTs for " + d["call_id"]
    got[d["call_id"]] = d["status"]
want = {sys.argv[2]: "completed", sys.argv[3]: "failed", sys.argv[4]: "canceled"}
assert got == want, (got, want)
assert "Ada" not in open(sys.argv[1]).read()
print("result POSTs:", got)
PY
server_alive || fail "server died"
stop_server
echo PASS
