#!/usr/bin/env bash
# A whole-call recording uploaded to S3-compatible storage with AWS Signature V4. The bucket is
# s3_endpoint.py, which verifies every signature itself (canonical request, string to sign,
# HMAC key chain, payload hash) and answers 403 to a wrong one. Two apps differ only in the
# secret key their reference resolves to:
# - the right key: the PUT is accepted (200), the object is the WAV file, and the local file is
#   deleted after the 2xx;
# - a wrong key: the bucket answers 403 (SignatureDoesNotMatch) and the file stays on disk.
# The Call Recording module starts and stops the recording (the upload is queued at the stop).
source "$(dirname "$0")/lib.sh" "$1" "$2"
source "$(dirname "$0")/webdata_lib.sh"
trap 'stop_endpoint; cleanup' EXIT

KEY_ID=AKIDKEYLINETEST01
export KL_S3_KEY_ID=$KEY_ID
export KL_S3_SECRET='wJalr/K7MDENG+bPxRfiCYkeylineSECRET'
export KL_S3_WRONG='wJalr/K7MDENG+bPxRfiCYkeylineWRONG!'
make_test_pki "$WORK/pki"
mkdir -p "$WORK/s3"
rm -f "$WORK/s3/endpoint.port"
python3 "$SOURCE_DIR/tests/integration/s3_endpoint.py" "$WORK/s3" "$WORK/pki/server.pem" \
  "$WORK/pki/server.key" "$KEY_ID" "$KL_S3_SECRET" eu-test-1 >"$WORK/s3/endpoint.out" 2>&1 &
ENDPOINT_PID=$!
for _ in $(seq 1 300); do [ -f "$WORK/s3/endpoint.port" ] && break; sleep 0.1; done
[ -f "$WORK/s3/endpoint.port" ] || { cat "$WORK/s3/endpoint.out"; fail "the S3 endpoint did not start"; }
S3_PORT="$(cat "$WORK/s3/endpoint.port")"

mkdir -p "$WORK/apps"
for app in good:KL_S3_SECRET bad:KL_S3_WRONG; do
  IFS=: read -r name secret <<<"$app"
  cat >"$WORK/apps/$name.json" <<JSON
{"name": "$name",
 "settings": {"post_call": {"recording": {
    "url": "https://127.0.0.1:$S3_PORT/calls/{{session.id}}.wav",
    "auth": {"type": "aws_sigv4", "region": "eu-test-1", "service": "s3",
             "access_key_id": "env:KL_S3_KEY_ID", "secret_access_key": "env:$secret"}}}},
 "pages": [{"name": "main", "modules": [
   {"type": "call_recording", "name": "rec", "action": "start", "channels": "mixed"},
   {"type": "prompt", "name": "hello", "text": "This call is recorded."},
   {"type": "call_recording", "name": "end", "action": "stop"},
   {"type": "exit", "name": "bye"}]}]}
JSON
  "$KEYLINE" validate "$WORK/apps/$name.json" || fail "app $name does not validate"
done

SIP_PORT="$(free_port)"
rtp_min=$(( (RANDOM % 200) * 100 + 20000 ))
cat >"$WORK/keyline.yaml" <<YAML
sip: {listen: 127.0.0.1, port: $SIP_PORT}
media: {rtp_port_min: $rtp_min, rtp_port_max: $((rtp_min + 98))}
apps_dir: $WORK/apps
data_dir: $WORK/data
recording: {directory: $WORK/recordings}
log_level: info
api: {port: 0}
http:
  egress:
    allow: ["127.0.0.1"]
  ca_file: $WORK/pki/ca.pem
  post_call:
    retry_initial_ms: 200
    retry_max_ms: 1000
  app_secrets: ["env:KL_S3_KEY_ID", "env:KL_S3_SECRET", "env:KL_S3_WRONG"]
deployments:
  - {name: good, numbers: ["100"], app: good}
  - {name: bad, numbers: ["200"], app: bad}
YAML
start_server

call() {
  "$KEYLINE" call "sip:$1@127.0.0.1:$SIP_PORT" --timeout 60 >"$WORK/phone-$1.txt" 2>&1 ||
    { cat "$WORK/phone-$1.txt"; fail "phone ($1) exited non-zero"; }
  grep -q "BYE received" "$WORK/phone-$1.txt" || fail "the server did not hang up ($1)"
}

echo "== the right key: accepted, then deleted locally"
call 100
for _ in $(seq 1 600); do grep -q "uploaded recording deleted locally" "$WORK/server.log" && break; sleep 0.1; done
grep "post_call" "$WORK/server.log" || true
grep -q "uploaded recording deleted locally" "$WORK/server.log" || fail "the upload was not confirmed"
objects=$(ls "$WORK/s3/objects")
[ "$(echo "$objects" | wc -l)" = 1 ] || fail "expected one object, got: $objects"
head -c 4 "$WORK/s3/objects/$objects" | grep -q RIFF || fail "the object is not a WAV file"
ls "$WORK"/recordings/*.wav 2>/dev/null && fail "the uploaded recording is still on disk"
grep -q '"verdict": "ok"' "$WORK/s3/requests.jsonl" || fail "no verified request"
grep -q '"content_type": "audio/wav"' "$WORK/s3/requests.jsonl" || fail "not sent as audio/wav"

echo "== a wrong key: 403, and the file stays"
call 200
for _ in $(seq 1 600); do grep -q "SignatureDoesNotMatch" "$WORK/s3/requests.jsonl" && break; sleep 0.1; done
grep -q "SignatureDoesNotMatch" "$WORK/s3/requests.jsonl" || fail "the bucket saw no bad signature"
for _ in $(seq 1 600); do grep -q "recording post-call request attempt [0-9]* failed (HTTP 403)" "$WORK/server.log" && break; sleep 0.1; done
grep -q "recording post-call request attempt [0-9]* failed (HTTP 403)" "$WORK/server.log" ||
  fail "the server did not see the 403"
left=$(ls "$WORK"/recordings/*-call.wav 2>/dev/null | wc -l)
[ "$left" = 1 ] || fail "the refused recording is not on disk ($left files)"
[ "$(ls "$WORK/s3/objects" | wc -l)" = 1 ] || fail "the refused upload was stored"
# Neither key reached the log.
if grep -q -e "$KL_S3_SECRET" -e "$KL_S3_WRONG" "$WORK/server.log"; then fail "a key is in the log"; fi

echo "== the metadata says what happened to each"
API_PORT="$(sed -n 's/.*listening for HTTPS on 127.0.0.1:\([0-9]*\).*/\1/p' "$WORK/server.log")"
[ -n "$API_PORT" ] || fail "no API port in the server log"
# The calls were routed by config-file deployments, whose recordings (like their call logs) only
# admins read (docs/api.md, Recordings): the first-start admin key.
ADMIN="$(grep -o '^kl_[0-9a-f]*_[0-9a-f]*$' "$WORK/server.log" | head -n 1)"
[ -n "$ADMIN" ] || fail "no first-start admin key printed"
curl -sS --max-time 60 --cacert "$WORK/data/api-cert.pem" -H "Authorization: Bearer $ADMIN" \
  "https://127.0.0.1:$API_PORT/v1/recordings" >"$WORK/recordings.json" || fail "GET /v1/recordings"
python3 - "$WORK/recordings.json" "$S3_PORT" <<'PY' || fail "wrong recordings metadata"
import json, sys
rows = {r["app"]: r for r in json.load(open(sys.argv[1]))["recordings"]}
good, bad = rows["good"], rows["bad"]
assert good["upload_state"] == "uploaded" and good["deleted"], good
want = f"https://127.0.0.1:{sys.argv[2]}/calls/{good['session_id']}.wav"
assert good["uploaded_url"] == want, (good["uploaded_url"], want)
assert good["channels"] == "mixed" and good["bytes"] > 44, good
# Still retrying (or given up): never uploaded, still on disk.
assert bad["upload_state"] in ("pending", "failed") and not bad["deleted"], bad
assert bad["uploaded_url"] is None, bad
print("metadata ok")
PY

server_alive || fail "server died"
stop_server
echo PASS
