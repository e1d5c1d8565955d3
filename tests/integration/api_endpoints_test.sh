#!/usr/bin/env bash
# The HTTPS API end to end: a real server with a generated certificate, curl as
# the client (trusting that certificate), keys made with `keyline apikey
# create`; CRUD, auth failures, a bad body that writes nothing, keep-alive, and
# a real call's log read back through the API.
source "$(dirname "$0")/lib.sh" "$1" "$2"
write_config
start_server
API_PORT="$(sed -n 's/.*listening for HTTPS on 127.0.0.1:\([0-9]*\).*/\1/p' "$WORK/server.log")"
[ -n "$API_PORT" ] || fail "no API port in the server log"
CERT="$WORK/data/api-cert.pem"
[ -s "$CERT" ] || fail "no generated certificate"
grep -q "SHA-256 fingerprint [0-9A-F:]\{95\}" "$WORK/server.log" || fail "fingerprint not logged"
[ "$(stat -c %a "$WORK/data/api-key.pem")" = 600 ] || fail "the TLS key is readable by others"
BASE="https://127.0.0.1:$API_PORT"

# api METHOD PATH KEY [BODY] — prints the status, the body goes to $WORK/body
api() { api_as "$3" "$1" "$2" "${4:-}"; }  # api METHOD PATH KEY [JSON]
# json EXPR — evaluates a Python expression over the last body (as `d`)

ADMIN="$("$KEYLINE" apikey create --email admin@example.com --role admin --data-dir "$WORK/data")"
VIEWER="$("$KEYLINE" apikey create --email viewer@example.com --role viewer --data-dir "$WORK/data")"
[[ "$ADMIN" == kl_* ]] || fail "apikey create printed no key"
if grep -rqa "${ADMIN#kl_*_}" "$WORK/data"; then fail "the key's secret reached the data dir"; fi

expect "$(api GET /v1/health "")" 200 "health"
expect "$(json "d['status']")" ok "health body"
expect "$(api GET /v1/apps "")" 401 "no key"
expect "$(json "d['type'].endswith('/unauthenticated')")" True "401 problem type"
expect "$(api GET /v1/apps "kl_0000000000000000_$(printf '%064d' 0)")" 401 "unknown key"
tampered="${ADMIN%?}$([ "${ADMIN: -1}" = 0 ] && echo 1 || echo 0)"
expect "$(api GET /v1/apps "$tampered")" 401 "tampered key (well-formed, wrong secret)"
basic="$(curl -sS --max-time 60 --cacert "$CERT" -o /dev/null -w '%{http_code}' -u "admin@example.com:$ADMIN" "$BASE/v1/apps")"
expect "$basic" 200 "HTTP Basic with email and key"
basic="$(curl -sS --max-time 60 --cacert "$CERT" -o /dev/null -w '%{http_code}' -u "viewer@example.com:$ADMIN" "$BASE/v1/apps")"
expect "$basic" 401 "Basic with another user's key"

# Apps: a broken document is refused with file:line:col problems, nothing written.
app="$(sed 's/"name": "demo"/"name": "support"/' "$SOURCE_DIR/examples/apps/demo.json")"
broken="$(printf '%s' "$app" | sed 's/"start_page": "main"/"start_page": "nowhere"/')"
expect "$(api PUT /v1/apps/support "$ADMIN" "$broken")" 422 "broken app"
json "d['errors'][0]['where']" | grep -q '^support.json:[0-9]*:[0-9]*$' || fail "no file:line:col in problems"
expect "$(api GET /v1/apps "$VIEWER")" 200 "list apps"
expect "$(json "len(d['apps'])")" 0 "a refused app was written"
expect "$(api PUT /v1/apps/support "$VIEWER" "$app")" 403 "viewer may not write"
expect "$(api PUT /v1/apps/support "$ADMIN" "$app")" 201 "create app"
# Records are private to their owner until shared (docs/api.md, teams and sharing).
expect "$(api PUT /v1/apps/support/shares/users/viewer@example.com "$ADMIN")" 204 "share with the viewer"
expect "$(api PUT /v1/apps/support "$ADMIN" "$app")" 200 "update app"
expect "$(api GET /v1/apps/support "$VIEWER")" 200 "get app"
expect "$(json "d['latest_revision']")" 2 "revisions"
expect "$(api GET /v1/apps/support/revisions "$VIEWER")" 200 "revisions"

# Deployments: bad fields → 422 listing each, nothing written; then CRUD.
expect "$(api POST /v1/deployments "$ADMIN" '{"label":"main","app":"support","numbers":[],"secure":1}')" 422 "bad deployment"
expect "$(json "sorted(e['where'] for e in d['errors'])")" "['/numbers', '/secure']" "deployment problems"
expect "$(api POST /v1/deployments "$ADMIN" '{"label":')" 400 "malformed JSON"
expect "$(api GET /v1/deployments "$VIEWER")" 200 "list deployments"
expect "$(json "len(d['deployments'])")" 0 "a refused deployment was written"
expect "$(api POST /v1/deployments "$ADMIN" '{"label":"main","app":"support","numbers":["100"],"variables":{"queue":"sales"},"secure":true}')" 201 "create deployment"
expect "$(api PUT /v1/deployments/main/shares/users/viewer@example.com "$ADMIN")" 204 "share the deployment"
expect "$(api PUT /v1/deployments/main "$ADMIN" '{"app":"support","numbers":["100","200"]}')" 200 "update deployment"
expect "$(api GET /v1/deployments/main "$VIEWER")" 200 "get deployment"
expect "$(json "d['numbers']")" "['100', '200']" "updated numbers"
expect "$(api DELETE /v1/apps/support "$ADMIN")" 409 "delete an app in use"
expect "$(api DELETE /v1/deployments/main "$ADMIN")" 204 "delete deployment"
expect "$(api DELETE /v1/apps/support "$ADMIN")" 204 "delete app"
expect "$(api GET /v1/audit "$VIEWER")" 403 "audit needs admin"
expect "$(api GET /v1/audit "$ADMIN")" 200 "audit"
for action in app.create app.update deployment.create deployment.update deployment.delete app.delete apikey.create; do
  json "[e['action'] for e in d['entries']]" | grep -q "'$action'" || fail "audit lacks $action"
done

# Keep-alive: two requests in one curl run share one TLS connection.
curl -sv --max-time 60 --cacert "$CERT" -H "Authorization: Bearer $VIEWER" "$BASE/v1/apps" "$BASE/v1/deployments" \
  -o /dev/null -o /dev/null 2>"$WORK/keepalive.txt" || fail "keep-alive requests failed"
grep -qi "re-using existing connection" "$WORK/keepalive.txt" || { cat "$WORK/keepalive.txt"; fail "connection not reused"; }
grep -q "SSL connection using TLSv1.[23]" "$WORK/keepalive.txt" || fail "not TLS 1.2/1.3"

# A real call, then its log through the API.
"$KEYLINE" call "sip:100@127.0.0.1:$SIP_PORT" --dtmf "1 12345#" --timeout 60 >"$WORK/phone.txt" 2>&1 \
  || { cat "$WORK/phone.txt"; fail "phone exited non-zero"; }
grep -q "BYE received" "$WORK/phone.txt" || fail "call did not complete"
found=""
for _ in $(seq 1 100); do
  api GET "/v1/calls?number=100&limit=10" "$ADMIN" >/dev/null
  found="$(json "d['calls'][0]['session_id'] if d['calls'] else ''")"
  [ -n "$found" ] && break
  sleep 0.1
done
[ -n "$found" ] || fail "the call's log never appeared in the API"
# A config-file deployment's calls are the admins' (docs/api.md, "Who reads which calls").
expect "$(api GET "/v1/calls/$found" "$VIEWER")" 404 "the viewer reads a config deployment's call"
expect "$(api GET "/v1/calls?number=100" "$VIEWER")" 200 "the viewer's list"
expect "$(json "len(d['calls'])")" 0 "calls the viewer may not read are left out"
expect "$(api GET "/v1/calls/$found" "$ADMIN")" 200 "get the call"
cat "$WORK/body"; echo
expect "$(json "d['disposition']")" exit_module "disposition"
expect "$(json "d['media']['codec']")" PCMU "media codec"
expect "$(json "d['media']['inbound']['packets'] > 0 and 1.0 <= d['media']['inbound']['mos'] <= 4.5")" True "media quality"
json "[(e['module'], e['result']) for e in d['entries']]" | grep -q "('main_menu', '1')" || fail "menu entry missing"
json "[(e['module'], e['result']) for e in d['entries']]" | grep -q "('account', 'success:\[private\]')" || fail "private entry not masked"
if grep -q 12345 "$WORK/body"; then fail "a private value reached the API"; fi
expect "$(api GET "/v1/calls?disposition=nothing_like_this" "$ADMIN")" 200 "filtered list"
expect "$(json "len(d['calls'])")" 0 "disposition filter"
expect "$(api GET "/v1/calls?from=yesterday" "$VIEWER")" 400 "bad time"
curl -sS --max-time 60 --cacert "$CERT" -H "Authorization: Bearer $VIEWER" "$BASE/metrics" >"$WORK/metrics.txt"
grep -q '^keyline_calls_total 1$' "$WORK/metrics.txt" || { cat "$WORK/metrics.txt"; fail "metrics do not count the call"; }
# The demo's public prompts went through the TTS cache (docs/speech.md, Metrics).
grep -qE '^keyline_tts_cache_misses_total [1-9]' "$WORK/metrics.txt" || { cat "$WORK/metrics.txt"; fail "no TTS cache figures"; }
grep -qE '^keyline_tts_cache_entries [1-9]' "$WORK/metrics.txt" || fail "the TTS cache holds nothing after a call"
# The ended call's RTP totals and the media tick's pacing counters (docs/operations.md).
grep -qE "^keyline_call_log_queue_depth [0-9]+$" "$WORK/metrics.txt" || fail "no call-log queue gauge"
grep -q '^keyline_sip_requests_received_total{method="INVITE"} 1$' "$WORK/metrics.txt" || fail "INVITE not counted"
grep -qE '^keyline_sip_responses_sent_total\{code="200"\} [1-9]' "$WORK/metrics.txt" || fail "200 OK not counted"
for counter in keyline_rtp_packets_sent_total keyline_rtp_packets_received_total keyline_media_call_ticks_total; do
  grep -qE "^$counter [1-9]" "$WORK/metrics.txt" || { cat "$WORK/metrics.txt"; fail "$counter not counted"; }
done
grep -qE '^keyline_media_call_ticks_late_total [0-9]+$' "$WORK/metrics.txt" || fail "no late-tick counter"
# Key revocation over HTTPS (docs/api.md, "API keys"): a second viewer key works, its holder
# revokes it, and the very next request with it is a 401; the audit log has it.
SPARE="$("$KEYLINE" apikey create --email viewer@example.com --role viewer --data-dir "$WORK/data")"
spare_id="$(echo "$SPARE" | cut -d_ -f2)"
expect "$(api GET /v1/apps "$SPARE")" 200 "the spare key works"
expect "$(api GET /v1/keys "$VIEWER")" 200 "the viewer's keys"
expect "$(json "sorted(k['key_id'] for k in d['keys']) == sorted(['$spare_id', '$(echo "$VIEWER" | cut -d_ -f2)'])")" \
  True "the viewer lists exactly their two keys"
expect "$(api DELETE "/v1/keys/$(echo "$ADMIN" | cut -d_ -f2)" "$VIEWER")" 404 "revoke another's key"
expect "$(api DELETE "/v1/keys/$spare_id" "$VIEWER")" 204 "revoke the spare key"
expect "$(api GET /v1/apps "$SPARE")" 401 "the revoked key"
expect "$(api GET /v1/apps "$VIEWER")" 200 "the viewer's other key"
expect "$(api GET "/v1/audit?limit=5" "$ADMIN")" 200 "audit"
expect "$(json "[(e['action'], e['target']) for e in d['entries']][0]")" "('key.revoke', '$spare_id')" "revocation audited"
server_alive || fail "server died"
stop_server
echo PASS
