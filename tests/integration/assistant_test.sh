#!/usr/bin/env bash
# The Assistant module over a real SIP call: examples/apps/assistant_desk.json talks to a local
# HTTPS "assistant" (python3 ssl, a certificate from a CA made by this test, on a free port)
# that scripts the conversation: start -> play_text + collect_dtmf 4 digits -> the dtmf turn ->
# end with variables; the app then thanks the caller by the returned name and exits. The
# assistant logs each turn's event and whether the digits were the ones keyed — never the
# digits (the module is private). Then a failure: the assistant answers 500, the caller hears
# the failure prompt and the server hangs up. Last, with the module not private: set_tts with a
# catalog voice and an unknown one, a WAV the assistant serves (play_url), a SIP INFO the phone
# receives, and a transfer by hang-up (BYE).
source "$(dirname "$0")/lib.sh" "$1" "$2"

ACCOUNT=4826

# --- a test CA and a certificate for 127.0.0.1 ---------------------------------------------
make_test_pki "Keyline assistant test CA"

# --- the assistant ------------------------------------------------------------------------
cat >"$WORK/assistant.py" <<'PY'
import http.server, io, json, os, ssl, sys, wave
work, account = sys.argv[1:3]
def hold_wav():  # 0.3 s of a quiet 8 kHz mono 16-bit square wave
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1); w.setsampwidth(2); w.setframerate(8000)
        w.writeframes(b"".join((800 if (i // 20) % 2 else -800).to_bytes(2, "little", signed=True)
                               for i in range(2400)))
    return out.getvalue()
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        with open(work + "/assistant.log", "a") as log:
            log.write(f"GET {self.path}\n")
        body = hold_wav()
        self.send_response(200)
        self.send_header("Content-Type", "audio/wav")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(length)
        if self.path == "/fail":
            with open(work + "/assistant.log", "a") as log:
                log.write("fail-path request\n")
            self.reply(500, {"error": "down"})
            return
        turn = json.loads(raw)
        event, n = turn["event"], turn["turn"]
        if self.path == "/info":
            with open(work + "/assistant.log", "a") as log:
                log.write(f"info-path turn={n} event={event}\n")
            port = self.server.server_address[1]
            self.reply(200, {"actions": [
                {"type": "set_tts", "voice": "slt"},
                {"type": "set_tts", "voice": "nosuchvoice"},
                {"type": "play_url", "url": f"https://127.0.0.1:{port}/hold.wav"},
                {"type": "send_sip_info", "headers": {"X-Desk-State": "queued"}, "body": "q=1"},
                {"type": "transfer", "target": "+15550100", "method": "hangup"}]})
            return
        line = (f"turn={n} event={event} ani_set={int(bool(turn['session']['ani']))} "
                f"line={turn['context'].get('line')} type={self.headers.get('Content-Type')} "
                f"x_line={self.headers.get('X-Line')}")
        if event == "start":
            answer = {"text": "Welcome to the desk. Please enter your four digit account number.",
                      "actions": [{"type": "collect_dtmf", "count": 4, "timeout_ms": 30000,
                                   "inter_digit_timeout_ms": 20000}],
                      "variables": {"step": "account"}}
        elif event == "dtmf":
            ok = turn["input"]["dtmf"] == account
            line += f" digits_ok={int(ok)} step={turn['variables'].get('step')}"
            answer = {"actions": [{"type": "end",
                                   "variables": {"name": "Ana" if ok else "stranger"}}]}
        else:
            answer = {"actions": [{"type": "hangup"}]}
        with open(work + "/assistant.log", "a") as log:
            log.write(line + "\n")
        self.reply(200, answer)
    def reply(self, status, obj):
        body = json.dumps(obj).encode()
        self.send_response(status)
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
with open(work + "/assistant.port.tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(work + "/assistant.port.tmp", work + "/assistant.port")
server.serve_forever()
PY
python3 "$WORK/assistant.py" "$WORK" "$ACCOUNT" >"$WORK/assistant.out" 2>&1 &
ASSISTANT_PID=$!
trap 'kill $ASSISTANT_PID 2>/dev/null || true; cleanup' EXIT
for _ in $(seq 1 300); do [ -f "$WORK/assistant.port" ] && break; sleep 0.1; done
[ -f "$WORK/assistant.port" ] || { cat "$WORK/assistant.out"; fail "the assistant did not start"; }
AS_PORT="$(cat "$WORK/assistant.port")"

# run_call NAME PATH DTMF [public|private] [caller_hangs_up] — a server running the example app
# pointed at the assistant's PATH (with "public", the module is not private), one call keying
# DTMF, the call log in $SRV/logs.txt. With caller_hangs_up the phone hangs up 1.5 s after its
# keys instead of waiting for the server's BYE.
run_call() {
  SRV="$WORK/$1"
  mkdir -p "$SRV/apps"
  local private_sed=""
  [ "${4:-}" = public ] && private_sed='s#"private": true,#"private": false,#'
  sed "s#assistant.example.com/turn#127.0.0.1:$AS_PORT/$2#; s#{{assistant_host}}/turn#127.0.0.1:$AS_PORT/$2#; $private_sed" \
    "$SOURCE_DIR/examples/apps/assistant_desk.json" >"$SRV/apps/assistant_desk.json"
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
    allow: ["127.0.0.1"]
  ca_file: $PKI/ca.pem
deployments:
  - name: desk
    numbers: ["*"]
    app: assistant_desk
YAML
  SIP_PORT="$sip_port"
  SERVER_DIR="$SRV" start_server
  sip_port="$SIP_PORT"  # start_server may have moved to a free port
  # No keys for the calls the server ends by itself (the phone counts unsent keys as a failure).
  local hangup=()
  [ "${5:-}" = caller_hangs_up ] && hangup=(--hangup-after-ms 1500)
  "$KEYLINE" call "sip:100@127.0.0.1:$sip_port" ${3:+--dtmf "$3"} "${hangup[@]}" --timeout 180 \
    >"$WORK/$1-phone.txt" 2>&1 ||
    { cat "$WORK/$1-phone.txt"; tail -n 80 "$SRV/server.log"; fail "$1: phone exited non-zero"; }
  if [ "${5:-}" != caller_hangs_up ]; then
    grep -q "BYE received" "$WORK/$1-phone.txt" || { cat "$WORK/$1-phone.txt"; fail "$1: server did not hang up"; }
  fi
  wait_for_call_log "$SRV/logs.txt" "exit" "$SRV/data"
  if [ "${5:-}" = caller_hangs_up ]; then
    # The hang-up turn goes out as the call ends, without waiting for it: let it arrive before
    # the server stops.
    for _ in $(seq 1 100); do
      grep -q " event=hangup " "$WORK/assistant.log" && break
      sleep 0.1
    done
  fi
  kill -TERM "$SERVER_PID"
  local rc=0
  wait "$SERVER_PID" || rc=$?
  SERVER_PID=""
  [ "$rc" = 0 ] || fail "$1: server exited with $rc on SIGTERM"
}

# --- 1. a whole conversation ----------------------------------------------------------------
run_call talk turn "$ACCOUNT"
cat "$WORK/assistant.log"
grep -q "^turn=1 event=start ani_set=1 line=billing type=application/json x_line=billing$" \
  "$WORK/assistant.log" || fail "the start turn is not as documented"
grep -q "^turn=2 event=dtmf .* digits_ok=1 step=account$" "$WORK/assistant.log" ||
  fail "the dtmf turn did not carry the keyed account and the round-tripped variables"
[ "$(wc -l <"$WORK/assistant.log")" = 2 ] || fail "the assistant got more than two turns"
grep -q "main/desk (assistant): turn:1:play_text,collect_dtmf" "$WORK/talk/logs.txt" ||
  fail "the call log does not show the first turn's actions"
grep -q "main/desk (assistant): turn:2:end" "$WORK/talk/logs.txt" || fail "no end turn in the log"
grep -q "main/desk (assistant): done:2" "$WORK/talk/logs.txt" || fail "the module did not take done"
grep -q "main/thanks (prompt)" "$WORK/talk/logs.txt" || fail "the flow did not continue"
grep -q "exit exit_module" "$WORK/talk/logs.txt" || fail "the call did not end through the Exit module"
# A private module: the account never reaches the server's files or its log.
if grep -raq "$ACCOUNT" "$WORK/talk/data" "$WORK/talk/server.log" "$WORK/talk/logs.txt"; then
  fail "the keyed account reached the server's files"
fi

# --- 2. the assistant fails: failure prompt, then hang up ------------------------------------
run_call fail fail ""
grep -q "fail-path request" "$WORK/assistant.log" || fail "the failing assistant got no request"
grep -q "main/desk (assistant): error" "$WORK/fail/logs.txt" || fail "no error in the call log"
grep -q "exit error:assistant desk: HTTP status 500" "$WORK/fail/logs.txt" ||
  fail "the call did not end by the failure path"

# --- 3. play_url, send_sip_info and a transfer by hang-up -------------------------------------
run_call info info "" public
grep -q '"private": false' "$WORK/info/apps/assistant_desk.json" || fail "the module is still private"
grep -q "^GET /hold.wav$" "$WORK/assistant.log" || fail "the WAV was not fetched"
grep -q "play_url: 300 ms of audio" "$WORK/info/server.log" || fail "the WAV was not played"
grep -q "INFO received: X-Desk-State=queued body=3 bytes" "$WORK/info-phone.txt" ||
  { cat "$WORK/info-phone.txt"; fail "the phone did not receive the SIP INFO"; }
grep -q "main/desk (assistant): turn:1:set_tts,set_tts,play_url,send_sip_info,transfer" "$WORK/info/logs.txt" ||
  fail "the call log does not show the actions"
# A named voice from the catalog is applied; an unknown one is a warning naming no voice.
grep -q "assistant set_tts voice: flite:slt" "$WORK/info/server.log" || fail "the named voice was not applied"
grep -q "main/desk (assistant): set_tts:unknown_voice" "$WORK/info/logs.txt" ||
  fail "the unknown voice is not in the call log"
grep -q "set_tts: the voice is not installed or does not speak the session language" \
  "$WORK/info/server.log" || fail "the unknown voice was not logged"
if grep -q "nosuchvoice" "$WORK/info/server.log" "$WORK/info/logs.txt"; then
  fail "the unknown voice's name reached the logs"
fi
grep -q "main/desk (assistant): send_sip_info:sent" "$WORK/info/logs.txt" || fail "no send_sip_info:sent"
grep -q "exit transferred" "$WORK/info/logs.txt" || fail "the call did not end transferred"
# The server's SIP trace (log_level debug; numbers are masked there): the BYE names the target.
grep -A12 "^BYE sip:" "$WORK/info/server.log" | grep -q "^Transfer-Target: tel:+" ||
  fail "the BYE does not carry the Transfer-Target header"

# --- 4. the caller hangs up mid-conversation: the assistant gets a last "hangup" turn ---------
run_call gone turn "12" private caller_hangs_up
grep -q "main/desk (assistant): hangup" "$WORK/gone/logs.txt" || fail "no hangup in the call log"
grep -q "^turn=2 event=hangup " "$WORK/assistant.log" ||
  { cat "$WORK/assistant.log"; fail "the assistant did not hear that the caller hung up"; }
echo PASS
