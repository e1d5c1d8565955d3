#!/usr/bin/env bash
# Subdialog and OAuth2 against a local HTTPS web service (https_endpoint.py, a CA made here):
# a call fetches a sub-flow by POST and runs it, a REST module and the post-call request use
# client-credentials tokens from the same endpoint (one cached by the worker for its calls, one
# by the post-call sender); a revoked token is
# refreshed once after a 401; the whole-call recording is uploaded (PUT) and then deleted
# locally; the client secret never reaches the server's log or files.
source "$(dirname "$0")/lib.sh" "$1" "$2"
source "$(dirname "$0")/webdata_lib.sh"
trap 'stop_endpoint; cleanup' EXIT

SECRET="kl-secret-$RANDOM$RANDOM"
make_test_pki "$WORK/pki"
EP="$WORK/ep"
mkdir -p "$EP/docs"
printf '%s\n' "$SECRET" >"$EP/client_secret"
touch "$EP/require_token"
start_endpoint "$EP" "$WORK/pki"
BASE="https://127.0.0.1:$ENDPOINT_PORT"

cat >"$EP/docs/greet.json" <<'JSON'
{"name": "greet", "pages": [{"name": "p", "modules": [
  {"type": "prompt", "name": "hi", "text": "Hello {{customer}}"},
  {"type": "set_variable", "name": "s", "rows": [{"name": "answer", "expression": "'forty-two'"}]},
  {"type": "exit", "name": "bye"}]}]}
JSON

AUTH='{"type": "oauth2", "token_url": "'$BASE'/token", "client_id": "kl",
       "client_secret": "env:KL_TEST_CLIENT_SECRET", "scope": "ivr"}'
mkdir -p "$WORK/apps"
cat >"$WORK/apps/webdata.json" <<JSON
{"name": "webdata", "variables": {"who": "Ada"},
 "settings": {"record_call": "mixed",
   "post_call": {"url": "$BASE/calls", "params": {"who": "{{who}}", "answer": "{{sub.answer}}"},
                 "auth": $AUTH,
                 "recording": {"url": "$BASE/rec/{{session.id}}.wav", "auth": $AUTH}}},
 "pages": [{"name": "main", "modules": [
   {"type": "subdialog", "name": "sub", "url": "$BASE/doc/greet.json",
    "variables_in": {"customer": "who"}, "variables_out": ["answer"],
    "exits": {"error": "failed"}},
   {"type": "rest", "name": "api", "method": "GET", "url": "$BASE/api", "auth": $AUTH,
    "exits": {"error": "failed"}},
   {"type": "exit", "name": "end"},
   {"type": "exit", "name": "failed"}]}]}
JSON
write_config
# One worker: the token counts below are those of one worker's OAuth2 cache (each worker keeps
# its own, docs/apps.md), so both calls must reach the same one.
sed -i "s#^apps_dir: .*#apps_dir: $WORK/apps#; s#app: demo#app: webdata#; s#^sip:#sip:\n  workers: 1#" \
  "$WORK/keyline.yaml"
cat >>"$WORK/keyline.yaml" <<YAML
http:
  egress:
    allow: ["127.0.0.1"]
  ca_file: $WORK/pki/ca.pem
  app_secrets: ["env:KL_TEST_CLIENT_SECRET"]
YAML
"$KEYLINE" validate "$WORK/apps/webdata.json" || fail "the test app does not validate"
export KL_TEST_CLIENT_SECRET="$SECRET"
start_server

call_once() {
  "$KEYLINE" call "sip:100@127.0.0.1:$SIP_PORT" --timeout 120 >"$WORK/phone-$1.txt" 2>&1 ||
    { cat "$WORK/phone-$1.txt"; fail "call $1: phone exited non-zero"; }
  grep -q "BYE received" "$WORK/phone-$1.txt" || fail "call $1: the server did not hang up"
}
count() { python3 - "$EP/requests.jsonl" "$1" <<'PY'
import json, sys
print(sum(1 for l in open(sys.argv[1]) if json.loads(l)["path"] == sys.argv[2]))
PY
}

echo "== call 1: sub-flow fetched and run, REST and post-call with one token"
call_once 1
for _ in $(seq 1 300); do [ "$(count /calls)" -ge 1 ] && break; sleep 0.1; done
for _ in $(seq 1 100); do
  "$KEYLINE" logs --data-dir "$WORK/data" >"$WORK/logs.txt" 2>&1 && grep -q "exit" "$WORK/logs.txt" && break
  sleep 0.1
done
cat "$WORK/logs.txt"
grep -q "main/sub (subdialog): done" "$WORK/logs.txt" || fail "the subdialog did not take done"
grep -q "main/api (rest): success:200" "$WORK/logs.txt" || fail "the REST module did not succeed"
grep -q "greet:p/hi" "$WORK/logs.txt" || fail "the sub-flow's modules are not in the call log"
# One token for the worker's calls, one for the post-call sender (its own thread and cache).
[ "$(cat "$EP/tokens")" = 2 ] || fail "expected two token fetches, got $(cat "$EP/tokens")"
[ "$(count /calls)" = 1 ] || fail "the post-call request did not arrive once"
for _ in $(seq 1 300); do grep -q "uploaded recording deleted" "$WORK/server.log" && break; sleep 0.1; done
grep -q "uploaded recording deleted" "$WORK/server.log" || fail "the recording was not uploaded and deleted"
python3 - "$EP/requests.jsonl" <<'PY' || fail "the requests were not what they should be"
import json, sys
reqs = [json.loads(l) for l in open(sys.argv[1])]
doc = [r for r in reqs if r["path"] == "/doc/greet.json"][0]
assert doc["method"] == "POST" and json.loads(doc["body"]) == {"variables": {"customer": "Ada"}}, doc
api = [r for r in reqs if r["path"] == "/api"][0]
assert api["headers"]["authorization"] == "Bearer tok-1", api["headers"]
post = [r for r in reqs if r["path"] == "/calls"][0]
assert post["headers"]["authorization"] == "Bearer tok-2"
assert json.loads(post["body"])["params"] == {"who": "Ada", "answer": "forty-two"}
recs = [r for r in reqs if r["path"].startswith("/rec/")]
assert len(recs) == 1 and recs[0]["method"] == "PUT", recs
assert recs[0]["body"].startswith("RIFF") and recs[0]["headers"]["content-type"] == "audio/wav"
assert recs[0]["path"] == "/rec/%s.wav" % json.loads(post["body"])["id"]
assert recs[0]["headers"]["idempotency-key"] == json.loads(post["body"])["id"] + "-recording"
assert recs[0]["headers"]["authorization"] == "Bearer tok-2"  # the sender's cached token
token = [r for r in reqs if r["path"] == "/token"][0]
assert "grant_type=client_credentials" in token["body"] and "scope=ivr" in token["body"]
assert token["headers"]["authorization"].startswith("Basic ")
PY

echo "== call 2: the token is revoked: one 401, a fresh token, success"
touch "$EP/revoke"
call_once 2
for _ in $(seq 1 300); do [ "$(count /calls)" -ge 3 ] && break; sleep 0.1; done
for _ in $(seq 1 300); do [ "$(grep -c "uploaded recording deleted" "$WORK/server.log")" -ge 2 ] && break; sleep 0.1; done
# The worker's and the sender's tokens were both refused once and both fetched again.
[ "$(cat "$EP/tokens")" = 4 ] || fail "expected fresh tokens after the 401s, got $(cat "$EP/tokens")"
python3 - "$EP/requests.jsonl" <<'PY' || fail "the 401 was not followed by one retry with a fresh token"
import json, sys
reqs = [json.loads(l) for l in open(sys.argv[1])]
api = [r["headers"]["authorization"] for r in reqs if r["path"] == "/api"]
assert api == ["Bearer tok-1", "Bearer tok-1", "Bearer tok-3"], api
calls = [r["headers"]["authorization"] for r in reqs if r["path"] == "/calls"]
assert calls == ["Bearer tok-2", "Bearer tok-2", "Bearer tok-4"], calls
PY
"$KEYLINE" logs --data-dir "$WORK/data" >"$WORK/logs2.txt" 2>&1
[ "$(grep -c "main/api (rest): success:200" "$WORK/logs2.txt")" = 2 ] || fail "call 2 did not succeed"
[ "$(count /calls)" = 3 ] || fail "the second post-call request did not arrive (one 401, one retry)"
stop_server
left="$(find "$WORK/data" -name '*.wav' | wc -l)"
[ "$left" = 0 ] || fail "$left recording(s) left on disk after confirmed uploads"
if grep -rqa "$SECRET" "$WORK/data" "$WORK/server.log"; then fail "the client secret reached the server's files"; fi
if grep -qa "tok-[0-9]" "$WORK/server.log"; then fail "a token reached the server log"; fi
echo PASS
