#!/usr/bin/env bash
# Email and SMS modules end to end: a call runs an app that sends an email through a local SMTP
# relay (python3, plain SMTP on loopback, which the config must explicitly allow) and an SMS
# through a local HTTPS provider (python3 ssl, a certificate from a CA made by this test). The
# relay must receive the message with its headers and body, the provider the form post with
# the credential read from a file; the server log names the modules and outcomes but never the
# address, the whole number or the text.
source "$(dirname "$0")/lib.sh" "$1" "$2"

# --- a test CA and a certificate for 127.0.0.1 ------------------------------------------------
make_test_pki "Keyline SMS test CA"

# --- the SMTP relay: writes each message to mail.N.txt -----------------------------------------
cat >"$WORK/relay.py" <<'PY'
import os, socketserver, sys
work = sys.argv[1]
count = 0
class Session(socketserver.StreamRequestHandler):
    def say(self, line):
        self.wfile.write((line + "\r\n").encode())
    def handle(self):
        global count
        self.say("220 relay.test ESMTP")
        envelope = []
        while True:
            line = self.rfile.readline().decode("utf-8", "replace").rstrip("\r\n")
            if not line:
                return
            verb = line[:4].upper()
            if verb == "EHLO":
                self.say("250-relay.test"); self.say("250 8BITMIME")
            elif verb in ("MAIL", "RCPT"):
                envelope.append(line); self.say("250 ok")
            elif verb == "DATA":
                self.say("354 go ahead")
                data = []
                while True:
                    l = self.rfile.readline().decode("utf-8", "replace")
                    if l.rstrip("\r\n") == "." or not l:
                        break
                    data.append(l[1:] if l.startswith(".") else l)
                count += 1
                with open(f"{work}/mail.{count}.tmp", "w") as f:
                    f.write("\n".join(envelope) + "\n\n" + "".join(data))
                os.rename(f"{work}/mail.{count}.tmp", f"{work}/mail.{count}.txt")
                envelope = []
                self.say("250 queued")
            elif verb == "QUIT":
                self.say("221 bye"); return
            else:
                self.say("250 ok")
server = socketserver.TCPServer(("127.0.0.1", 0), Session)
with open(work + "/relay.port.tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(work + "/relay.port.tmp", work + "/relay.port")
server.serve_forever()
PY

# --- the SMS provider: logs what it received, answers like Twilio ------------------------------
cat >"$WORK/provider.py" <<'PY'
import http.server, json, os, ssl, sys, urllib.parse
work = sys.argv[1]
class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        form = urllib.parse.parse_qs(self.rfile.read(length).decode())
        one = lambda k: form.get(k, [""])[0]
        with open(work + "/sms.log", "a") as log:
            log.write(f"{self.path} auth={self.headers.get('Authorization')} to={one('To')} "
                      f"from={one('From')} body={one('Body')}\n")
        body = json.dumps({"sid": "SM0123", "status": "queued"}).encode()
        self.send_response(201)
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
with open(work + "/provider.port.tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(work + "/provider.port.tmp", work + "/provider.port")
server.serve_forever()
PY

python3 "$WORK/relay.py" "$WORK" >"$WORK/relay.out" 2>&1 &
RELAY_PID=$!
python3 "$WORK/provider.py" "$WORK" >"$WORK/provider.out" 2>&1 &
PROVIDER_PID=$!
trap 'kill $RELAY_PID $PROVIDER_PID 2>/dev/null || true; cleanup' EXIT
for _ in $(seq 1 300); do [ -f "$WORK/relay.port" ] && [ -f "$WORK/provider.port" ] && break; sleep 0.1; done
[ -f "$WORK/relay.port" ] || { cat "$WORK/relay.out"; fail "the relay did not start"; }
[ -f "$WORK/provider.port" ] || { cat "$WORK/provider.out"; fail "the provider did not start"; }

mkdir -p "$WORK/apps"
cat >"$WORK/apps/notify.json" <<'JSON'
{"name": "notify", "variables": {"order": "A-17", "phone": "+1 415 555 2671"},
 "pages": [{"name": "main", "modules": [
   {"type": "email", "name": "confirm_mail", "to": "ana@example.com", "cc": ["ops@example.com"],
    "subject": "Order {{order}} confirmed",
    "body": "Order {{order}} is confirmed.\n.A line with a leading dot\nCard 4111111111111111 on file.",
    "exits": {"error": "failed"}},
   {"type": "sms", "name": "confirm_sms", "to": "{{phone}}", "text": "Order {{order}} shipped",
    "exits": {"error": "failed"}},
   {"type": "prompt", "name": "done", "text": "Sent."},
   {"type": "exit", "name": "end"},
   {"type": "prompt", "name": "failed", "text": "Not sent."},
   {"type": "exit", "name": "end_failed"}]}]}
JSON
"$KEYLINE" validate "$WORK/apps/notify.json" || fail "the test app does not validate"

printf 'Basic c21zOnRlc3Q=\n' >"$WORK/sms-auth"
chmod 600 "$WORK/sms-auth"
SIP_PORT="$(free_port)"
rtp_min=$(( (RANDOM % 200) * 100 + 20000 ))
cat >"$WORK/keyline.yaml" <<YAML
sip:
  listen: 127.0.0.1
  port: $SIP_PORT
media:
  rtp_port_min: $rtp_min
  rtp_port_max: $((rtp_min + 98))
apps_dir: $WORK/apps
data_dir: $WORK/data
log_level: debug
api:
  port: 0
email:
  host: 127.0.0.1
  port: $(cat "$WORK/relay.port")
  from: ivr@keyline.test
  allow_plain_loopback: true
  timeout_ms: 60000
sms:
  url: https://127.0.0.1:$(cat "$WORK/provider.port")/2010-04-01/Messages.json
  from: "+15005550006"
  auth_value: file:$WORK/sms-auth
  ca_file: $PKI/ca.pem
  timeout_ms: 60000
deployments:
  - name: notify
    numbers: ["*"]
    app: notify
YAML

# A relay on another host may not be used without TLS.
sed 's/^  host: 127.0.0.1$/  host: mail.example.com/' "$WORK/keyline.yaml" >"$WORK/bad.yaml"
if "$KEYLINE" validate --config "$WORK/bad.yaml" >"$WORK/bad.txt" 2>&1; then
  fail "a plain relay off loopback was accepted"
fi
grep -q "email.allow_plain_loopback" "$WORK/bad.txt" || { cat "$WORK/bad.txt"; fail "no allow_plain_loopback error"; }

start_server
"$KEYLINE" call "sip:100@127.0.0.1:$SIP_PORT" --timeout 180 >"$WORK/phone.txt" 2>&1 ||
  { cat "$WORK/phone.txt"; fail "phone exited non-zero"; }
grep -q "BYE received" "$WORK/phone.txt" || { cat "$WORK/phone.txt"; fail "server did not hang up"; }
for _ in $(seq 1 100); do
  "$KEYLINE" logs --data-dir "$WORK/data" >"$WORK/logs.txt" 2>&1 && grep -q "exit" "$WORK/logs.txt" && break
  sleep 0.1
done
cat "$WORK/logs.txt"
stop_server

grep -q "main/confirm_mail (email): done" "$WORK/logs.txt" || fail "the email module did not take done"
grep -q "main/confirm_sms (sms): done" "$WORK/logs.txt" || fail "the sms module did not take done"
grep -q "main/done (prompt)" "$WORK/logs.txt" || fail "the flow did not go on after sending"

# The relay got one message with its envelope, headers and body (dot-stuffing undone).
[ -f "$WORK/mail.1.txt" ] || fail "the relay received no message"
cat "$WORK/mail.1.txt"
MAIL="$WORK/mail.1.txt"
grep -q "MAIL FROM:<ivr@keyline.test>" "$MAIL" || fail "wrong envelope sender"
grep -q "RCPT TO:<ana@example.com>" "$MAIL" || fail "no RCPT for the To address"
grep -q "RCPT TO:<ops@example.com>" "$MAIL" || fail "no RCPT for the Cc address"
grep -q "^Subject: Order A-17 confirmed" "$MAIL" || fail "wrong subject"
grep -q "^To: ana@example.com" "$MAIL" || fail "no To header"
grep -q "^Content-Type: text/plain; charset=utf-8" "$MAIL" || fail "no content type"
grep -q "^Order A-17 is confirmed." "$MAIL" || fail "the body is not there"
grep -q "^.A line with a leading dot" "$MAIL" || fail "the dotted line was lost"
if grep -q "4111111111111111" "$MAIL"; then fail "an unmarked card number was emailed unredacted"; fi

# The provider got the form with the credential from the file and the normalised number.
cat "$WORK/sms.log"
grep -q "^/2010-04-01/Messages.json auth=Basic c21zOnRlc3Q= to=+14155552671 from=+15005550006 body=Order A-17 shipped$" \
  "$WORK/sms.log" || fail "the provider did not get the expected SMS"

# The server log: modules and outcomes, never the address, the full number or the texts.
grep -q "email confirm_mail -> sent" "$WORK/server.log" || fail "no email line in the server log"
grep -q "sms confirm_sms to .*2671 -> sent" "$WORK/server.log" || fail "no sms line in the server log"
if grep -qE "ana@example.com|4155552671|A-17 shipped|c21zOnRlc3Q" "$WORK/server.log"; then
  fail "the server log shows an address, the number, the text or the credential"
fi
echo PASS
