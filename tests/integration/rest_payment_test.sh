#!/usr/bin/env bash
# The payment example end to end: a caller keys a card, expiry, CVV and amount over SIP and
# confirms; the REST module charges them at a local HTTPS "payment endpoint" (python3 ssl,
# a certificate from a CA made by this test, on a free port). The call log must show the
# success branch, the endpoint must have received the card, and no file the server wrote
# may hold the card number. A second run with the endpoint's host off the egress allow-list
# must take the declined branch without the endpoint seeing a request.
source "$(dirname "$0")/lib.sh" "$1" "$2"

CARD=4111111111111111
EXPIRY=0829
CVV=737

# `keyline validate` warns (and `keyline audit` fails) when a private value would go over http.
sed 's#https://{{payment_host}}#http://{{payment_host}}#' "$SOURCE_DIR/examples/apps/payment.json" \
  >"$WORK/plain.json"
"$KEYLINE" validate "$WORK/plain.json" >"$WORK/validate.txt" 2>&1 || true
cat "$WORK/validate.txt"
grep -qE "plain.json:[0-9]+:[0-9]+: warning: private value 'card' .* not https://" "$WORK/validate.txt" ||
  fail "validate did not warn about a private value over http"
rc=0; "$KEYLINE" audit "$WORK/plain.json" >"$WORK/audit.txt" 2>&1 || rc=$?
[ "$rc" = 1 ] || fail "audit of the http variant: exit $rc, expected 1"
grep -q "error: private value 'cvv' .* not https://" "$WORK/audit.txt" || fail "audit did not flag the cvv"

# --- a test CA and a certificate for 127.0.0.1 ---------------------------------------------
make_test_pki "Keyline REST test CA"

# --- the payment endpoint -------------------------------------------------------------------
# Records what it received in endpoint.log (outside the server's tree): whether the card,
# expiry and CVV were the ones keyed — never the values themselves.
cat >"$WORK/endpoint.py" <<'PY'
import http.server, json, ssl, sys, urllib.parse
work, card, expiry, cvv = sys.argv[1:5]
class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        form = urllib.parse.parse_qs(self.rfile.read(length).decode())
        one = lambda k: form.get(k, [""])[0]
        ok = one("card") == card and one("cvv") == cvv and expiry[:2] in one("expiry")
        with open(work + "/endpoint.log", "a") as log:
            log.write(f"{self.command} {self.path} card_ok={int(ok)} amount={one('amount')} "
                      f"currency={one('currency')} type={self.headers.get('Content-Type')}\n")
        body = json.dumps({"status": "approved" if ok else "declined",
                           "reference": "ch_test_1"}).encode()
        self.send_response(201 if ok else 402)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(work + "/pki/server.pem", work + "/pki/server.key")
server.socket = context.wrap_socket(server.socket, server_side=True)
with open(work + "/endpoint.port.tmp", "w") as f:
    f.write(str(server.server_address[1]))
import os
os.rename(work + "/endpoint.port.tmp", work + "/endpoint.port")
server.serve_forever()
PY
python3 "$WORK/endpoint.py" "$WORK" "$CARD" "$EXPIRY" "$CVV" >"$WORK/endpoint.out" 2>&1 &
ENDPOINT_PID=$!
trap 'kill $ENDPOINT_PID 2>/dev/null || true; cleanup' EXIT
for _ in $(seq 1 300); do [ -f "$WORK/endpoint.port" ] && break; sleep 0.1; done
[ -f "$WORK/endpoint.port" ] || { cat "$WORK/endpoint.out"; fail "the endpoint did not start"; }
EP_PORT="$(cat "$WORK/endpoint.port")"

# run_call NAME ALLOW — a server whose egress allow-list is ALLOW, one call through the
# payment example (pointed at the endpoint), the call log in $SRV/logs.txt.
run_call() {
  SRV="$WORK/$1"
  mkdir -p "$SRV/apps"
  sed "s/payments.example.com/127.0.0.1:$EP_PORT/" "$SOURCE_DIR/examples/apps/payment.json" \
    >"$SRV/apps/payment.json"
  local sip_port rtp_min
  sip_port="$(free_port)"
  rtp_min=$(( (RANDOM % 200) * 100 + 20000 ))
  cat >"$SRV/keyline.yaml" <<YAML
sip:
  listen: 127.0.0.1
  port: $sip_port
media:
  rtp_port_min: $rtp_min
  rtp_port_max: $((rtp_min + 98))
apps_dir: $SRV/apps
data_dir: $SRV/data
log_level: debug
api:
  port: 0
http:
  egress:
    allow: ["$2"]
  ca_file: $PKI/ca.pem
deployments:
  - name: payment
    numbers: ["*"]
    app: payment
YAML
  SIP_PORT="$sip_port"
  SERVER_DIR="$SRV" start_server
  sip_port="$SIP_PORT"  # start_server may have moved to a free port
  "$KEYLINE" call "sip:100@127.0.0.1:$sip_port" --dtmf "$CARD# $EXPIRY $CVV# 12*50# 1" \
    --timeout 180 >"$WORK/$1-phone.txt" 2>&1 ||
    { cat "$WORK/$1-phone.txt"; tail -n 80 "$SRV/server.log"; fail "$1: phone exited non-zero"; }
  grep -q "BYE received" "$WORK/$1-phone.txt" || { cat "$WORK/$1-phone.txt"; fail "$1: server did not hang up"; }
  for _ in $(seq 1 100); do
    "$KEYLINE" logs --data-dir "$SRV/data" >"$SRV/logs.txt" 2>&1 && grep -q "exit" "$SRV/logs.txt" && break
    sleep 0.1
  done
  cat "$SRV/logs.txt"
  kill -TERM "$SERVER_PID"
  local rc=0
  wait "$SERVER_PID" || rc=$?
  SERVER_PID=""
  [ "$rc" = 0 ] || fail "$1: server exited with $rc on SIGTERM"
}

# --- 1. allowed: the charge goes through ------------------------------------------------------
run_call allowed 127.0.0.1
grep -q "main/charge_card (rest): success:201" "$WORK/allowed/logs.txt" || fail "no success branch"
grep -q "main/charge (call_log)" "$WORK/allowed/logs.txt" || fail "the call log module did not run"
grep -q "exit exit_module" "$WORK/allowed/logs.txt" || fail "call did not end through the Exit module"
grep -q "rest charge_card -> 201" "$WORK/allowed/server.log" || fail "no REST line in the server log"
grep -q "POST /v1/charges card_ok=1 amount=12.50 currency=dollars type=application/x-www-form-urlencoded" \
  "$WORK/endpoint.log" || { cat "$WORK/endpoint.log"; fail "the endpoint did not get the card"; }

# No file the server wrote holds the card number (or 7+ digits of it), plain or UTF-16.
python3 - "$WORK/allowed" "$CARD" <<'PY' || fail "the card number reached the server's files"
import os, sys
root, card = sys.argv[1], sys.argv[2]
needles = {card[i:i + n] for n in range(7, len(card) + 1) for i in range(len(card) - n + 1)}
needles |= {" ".join(card[i:i + 4] for i in range(0, 16, 4)), "-".join(card[i:i + 4] for i in range(0, 16, 4))}
encoded = {n.encode() for n in needles} | {n.encode("utf-16-le") for n in needles}
files, hits = 0, []
for d, _, names in os.walk(root):
    for name in names:
        data = open(os.path.join(d, name), "rb").read()
        files += 1
        hits += [(name, n) for n in encoded if n in data]
print(f"searched {files} files")
for h in hits[:10]:
    print("HIT", h)
sys.exit(1 if hits or files < 3 else 0)
PY
if grep -aE "charge_card|rest " "$WORK/allowed/server.log" | grep -qE "$CVV|$EXPIRY|v1/charges"; then
  fail "a REST log line shows the CVV, the expiry or the URL path"
fi

# --- 2. the endpoint is not on the allow-list: declined branch, nothing sent ------------------
requests_before=$(wc -l <"$WORK/endpoint.log")
run_call denied api.example.com
grep -q "main/charge_card (rest): error" "$WORK/denied/logs.txt" || fail "no error branch when denied"
grep -q "declined/declined_prompt" "$WORK/denied/logs.txt" || fail "the declined page was not taken"
grep -q "egress_denied" "$WORK/denied/server.log" || fail "the refusal is not logged"
[ "$(wc -l <"$WORK/endpoint.log")" = "$requests_before" ] || fail "a denied request reached the endpoint"
echo PASS
