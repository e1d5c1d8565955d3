#!/usr/bin/env bash
# Recorded prompts of an API-stored app, end to end over real HTTPS (docs/api.md, "Recorded
# prompts of stored apps"): a stereo WAV is refused (422) and nothing is stored; a mono 1 kHz
# tone uploaded as the file the app's prompt table names, and a deployment of the app, make a
# `keyline call` hear the tone (the recording, not TTS); a developer the app is not shared
# with gets 404; the audit log has the upload; deleting the file makes the next routing table
# speak the prompt again (the log says the file is missing).
# Usage: api_stored_prompts_test.sh KEYLINE SOURCE_DIR [pg] — with "pg" on a throwaway
# PostgreSQL cluster (pg_lib.sh; exit 77 when its binaries are absent).
source "$(dirname "$0")/lib.sh" "$1" "$2"
MODE="${3:-sqlite}"
write_config
# No catch-all: only the stored deployment answers the number called below.
sed -i 's/numbers: \["\*"\]/numbers: ["5000"]/' "$WORK/keyline.yaml"
if [ "$MODE" = pg ]; then
  source "$(dirname "$0")/pg_lib.sh"
  "${PG_AS[@]}" "$PG_BIN/psql" -h "$PG_DIR" -p "$PG_PORT" -U "$PG_USER" -d postgres -q \
    -c "CREATE DATABASE keyline" >/dev/null || fail "create database"
  cp "$PG_PASSWORD_FILE" "$WORK/db-password"
  chmod 600 "$WORK/db-password"
  cat >>"$WORK/keyline.yaml" <<YAML
database:
  url: postgresql://$PG_USER@127.0.0.1:$PG_PORT/keyline?sslmode=disable
  password: file:$WORK/db-password
YAML
fi
start_server
API_PORT="$(sed -n 's/.*listening for HTTPS on 127.0.0.1:\([0-9]*\).*/\1/p' "$WORK/server.log")"
[ -n "$API_PORT" ] || fail "no API port in the server log"
ADMIN="$(grep -o '^kl_[0-9a-f]*_[0-9a-f]*$' "$WORK/server.log" | head -n 1)"
[ -n "$ADMIN" ] || fail "no first-start admin key printed"
OTHER="$("$KEYLINE" apikey create --config "$WORK/keyline.yaml" --email other@example.com \
  --role developer 2>/dev/null)" || fail "apikey create"
CERT="$WORK/data/api-cert.pem"
BASE="https://127.0.0.1:$API_PORT"

# api METHOD PATH KEY [BODY-FILE CONTENT-TYPE] — prints the status; the body in $WORK/body
api() {
  local args=(-sS --max-time 60 --cacert "$CERT" -o "$WORK/body" -w '%{http_code}' -X "$1")
  args+=(-H "Authorization: Bearer $3")
  if [ -n "${4:-}" ]; then args+=(-H "Content-Type: $5" --data-binary "@$4"); fi
  curl "${args[@]}" "$BASE$2"
}
expect() { [ "$1" = "$2" ] || { head -c 2000 "$WORK/body" >&2; echo >&2; fail "$3: got $1, want $2"; }; }
tables_in_use() { grep -c "routing table [0-9]* in use" "$WORK/server.log" || true; }
wait_new_table() {
  for _ in $(seq 1 600); do
    [ "$(tables_in_use)" -gt "$1" ] && return 0
    sleep 0.1
  done
  fail "$2: the server never used a new routing table"
}

# tone FILE CHANNELS — 1.5 s of 1 kHz at 16 kHz
tone() {
  python3 - "$1" "$2" <<'PY'
import math, struct, sys, wave
ch = int(sys.argv[2])
with wave.open(sys.argv[1], "wb") as w:
    w.setnchannels(ch); w.setsampwidth(2); w.setframerate(16000)
    w.writeframes(b"".join(struct.pack("<h", int(12000 * math.sin(2 * math.pi * 1000 * i / 16000))) * ch
                           for i in range(24000)))
PY
}
tone "$WORK/hello.wav" 1
tone "$WORK/stereo.wav" 2

cat >"$WORK/app.json" <<'JSON'
{"name": "greeter", "settings": {"language": "en-US"},
 "prompts": {"en-US": {"hello": {"file": "audio/hello.wav", "text": "Hello there."}}},
 "pages": [{"name": "main", "modules": [
   {"type": "prompt", "name": "hello", "prompt_id": "hello"},
   {"type": "exit", "name": "done"}]}]}
JSON
expect "$(api PUT /v1/apps/greeter "$ADMIN" "$WORK/app.json" application/json)" 201 "create app"

expect "$(api PUT /v1/apps/greeter/prompts/hello.wav "$ADMIN" "$WORK/stereo.wav" audio/wav)" 422 \
  "stereo upload"
grep -q invalid-audio "$WORK/body" || fail "the stereo file's problem is not invalid-audio"
expect "$(api GET /v1/apps/greeter/prompts "$ADMIN")" 200 "list"
python3 -c "import json; assert json.load(open('$WORK/body'))['prompts'] == []" ||
  fail "a refused upload was stored"

expect "$(api PUT /v1/apps/greeter/prompts/hello.wav "$OTHER" "$WORK/hello.wav" audio/wav)" 404 \
  "upload by a developer the app is not shared with"
expect "$(api PUT /v1/apps/greeter/prompts/hello.wav "$ADMIN" "$WORK/hello.wav" audio/wav)" 201 \
  "upload"
expect "$(api GET /v1/apps/greeter/prompts/hello.wav "$ADMIN")" 200 "download"
cmp -s "$WORK/body" "$WORK/hello.wav" || fail "the downloaded file differs from the upload"
expect "$(api GET /v1/apps/greeter/prompts/hello.wav "$OTHER")" 404 "download by a stranger"

echo '{"label":"greet","app":"greeter","numbers":["7001"]}' >"$WORK/dep.json"
expect "$(api POST /v1/deployments "$ADMIN" "$WORK/dep.json" application/json)" 201 "deploy"
# The upload's own reload may land first: wait for a table that holds the new deployment (the
# config's demo and greet).
for _ in $(seq 1 600); do
  grep -q "in use: 2 deployment(s)" "$WORK/server.log" && break
  sleep 0.1
done
grep -q "in use: 2 deployment(s)" "$WORK/server.log" || fail "deploy: the deployment is not routed"
if grep -q "stored app 'greeter'" "$WORK/server.log"; then
  grep "stored app 'greeter'" "$WORK/server.log" >&2
  fail "the routing table reported a problem with the uploaded prompt"
fi

# heard WAV — prints the 1 kHz dominance of the first 1 s of sound heard
heard() {
  python3 - "$1" <<'PY'
import math, struct, sys, wave
w = wave.open(sys.argv[1]); rate = w.getframerate()
s = struct.unpack("<%dh" % w.getnframes(), w.readframes(w.getnframes()))
start = next((i for i, v in enumerate(s) if abs(v) > 2000), None)
if start is None:
    print(0); sys.exit()
block = s[start + 400:start + 400 + 8000]
def power(f):
    k = 2 * math.cos(2 * math.pi * f / rate); a = b = 0.0
    for x in block: a, b = x + k * a - b, a
    return a * a + b * b - k * a * b
print(round(power(1000) / max(1.0, sum(power(f) for f in (300, 500, 700, 1500, 2000, 3000))), 1))
PY
}
"$KEYLINE" call "sip:7001@127.0.0.1:$SIP_PORT" --record "$WORK/heard.wav" --timeout 60 \
  >"$WORK/phone.txt" 2>&1 || { cat "$WORK/phone.txt"; fail "phone exited non-zero"; }
grep -q "BYE received" "$WORK/phone.txt" || { cat "$WORK/phone.txt"; fail "server did not hang up"; }
ratio="$(heard "$WORK/heard.wav")"
echo "1 kHz dominance with the upload: $ratio"
python3 -c "import sys; sys.exit(0 if float('$ratio') > 20 else 1)" ||
  fail "the call did not play the uploaded recording (dominance $ratio)"

expect "$(api GET "/v1/audit?limit=20" "$ADMIN")" 200 "audit"
grep -q '"app.prompt.create"' "$WORK/body" || fail "the upload is not in the audit log"

# Without the file the prompt is spoken: the routing log names the missing upload and the call
# hears speech, not the tone.
before="$(tables_in_use)"
expect "$(api DELETE /v1/apps/greeter/prompts/hello.wav "$ADMIN")" 204 "delete the file"
wait_new_table "$before" "delete"
grep -q "no uploaded file 'hello.wav'" "$WORK/server.log" || fail "the missing upload is not logged"
"$KEYLINE" call "sip:7001@127.0.0.1:$SIP_PORT" --record "$WORK/spoken.wav" --timeout 60 \
  >"$WORK/phone.txt" 2>&1 || { cat "$WORK/phone.txt"; fail "second call: phone exited non-zero"; }
grep -q "prompt audio received" "$WORK/phone.txt" || { cat "$WORK/phone.txt"; fail "nothing was spoken"; }
ratio="$(heard "$WORK/spoken.wav")"
echo "1 kHz dominance without it: $ratio"
python3 -c "import sys; sys.exit(0 if float('$ratio') < 10 else 1)" ||
  fail "the deleted recording still played (dominance $ratio)"
stop_server
echo PASS
