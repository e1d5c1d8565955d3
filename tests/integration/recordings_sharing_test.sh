#!/usr/bin/env bash
# Recordings follow their call's sharing over real HTTPS with curl (recording_routes.cc,
# call_access.h): ann owns deployment "main", bob is in a team it is shared with, vic (a viewer)
# has it shared with him, eve is a stranger, and the admin sees everything. Recording rows are
# put in the server's SQLite file beside it (python3's sqlite3, WAL) with a WAV-named file each,
# as the recorder would leave them; every check is an HTTPS request to the running server.
# Usage: recordings_sharing_test.sh KEYLINE SOURCE_DIR
source "$(dirname "$0")/lib.sh" "$1" "$2"
write_config
start_server
API_PORT="$(sed -n 's/.*listening for HTTPS on 127.0.0.1:\([0-9]*\).*/\1/p' "$WORK/server.log")"
[ -n "$API_PORT" ] || fail "no API port in the server log"
ADMIN="$(grep -o '^kl_[0-9a-f]*_[0-9a-f]*$' "$WORK/server.log" | head -n 1)"
[ -n "$ADMIN" ] || fail "no first-start admin key printed"
newkey() { "$KEYLINE" apikey create --config "$WORK/keyline.yaml" --email "$1" --role "$2" 2>/dev/null || fail "apikey create $1"; }
ANN="$(newkey ann@example.com developer)"
BOB="$(newkey bob@example.com developer)"
VIC="$(newkey vic@example.com viewer)"
EVE="$(newkey eve@example.com developer)"
CERT="$WORK/data/api-cert.pem"
BASE="https://127.0.0.1:$API_PORT"

# api METHOD PATH KEY [BODY] — prints the status; the body is in $WORK/body
api() { api_as "$3" "$1" "$2" "${4:-}"; }  # api METHOD PATH KEY [JSON]
sessions() { json "sorted(r['session_id'] for r in d['recordings'])"; }

app="$(sed 's/"name": "demo"/"name": "support"/' "$SOURCE_DIR/examples/apps/demo.json")"
expect "$(api PUT /v1/apps/support "$ANN" "$app")" 201 "ann creates an app"
expect "$(api POST /v1/deployments "$ANN" '{"label":"main","app":"support","numbers":["100"]}')" 201 "ann deploys it"
expect "$(api POST /v1/teams "$ANN" '{"name":"support-team","members":["bob@example.com"]}')" 201 "ann makes a team"
expect "$(api PUT /v1/deployments/main/shares/teams/support-team "$ANN")" 204 "share with the team"
expect "$(api PUT /v1/deployments/main/shares/users/vic@example.com "$ANN")" 204 "share with vic"

# Two recordings of "main" calls and one of the config-file deployment "demo".
mkdir -p "$WORK/data/recordings"
python3 - "$WORK/data/keyline.db" "$WORK/data/recordings" <<'PY' || fail "insert recordings"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], timeout=30)
for session, deployment, app in (("rec-main-1", "main", "support"), ("rec-main-2", "main", "support"),
                                 ("rec-config", "demo", "demo")):
    path = f"{sys.argv[2]}/{session}.wav"
    open(path, "wb").write(b"RIFF-" + session.encode())
    db.execute("INSERT INTO recordings (session_id, deployment, app, path, channels, duration_ms, "
               "bytes, created_unix_ms, upload_state, uploaded_url, deleted) "
               "VALUES (?,?,?,?,'mixed',1000,14,1700000000000,'kept','',0)",
               (session, deployment, app, path))
db.commit()
PY
expect "$(api GET /v1/recordings "$ADMIN")" 200 "the admin lists"
expect "$(sessions)" "['rec-config', 'rec-main-1', 'rec-main-2']" "the admin sees every recording"
id_of() { api GET "/v1/recordings?session_id=$1" "$ADMIN" >/dev/null; json "d['recordings'][0]['id']"; }
MAIN1="$(id_of rec-main-1)"
MAIN2="$(id_of rec-main-2)"
CONFIG="$(id_of rec-config)"

for who in ANN BOB VIC; do
  expect "$(api GET /v1/recordings "${!who}")" 200 "$who lists"
  expect "$(sessions)" "['rec-main-1', 'rec-main-2']" "$who sees the main deployment's recordings"
  expect "$(api GET "/v1/recordings/$MAIN1" "${!who}")" 200 "$who reads one"
done
expect "$(api GET /v1/recordings "$EVE")" 200 "eve lists"
expect "$(sessions)" "[]" "eve sees none"
expect "$(api GET "/v1/recordings/$MAIN1" "$EVE")" 404 "a stranger: as if it did not exist"
expect "$(api GET "/v1/recordings/$MAIN1/audio" "$EVE")" 404 "a stranger downloads nothing"
expect "$(api DELETE "/v1/recordings/$MAIN1" "$EVE")" 404 "a stranger deletes nothing"
expect "$(api GET "/v1/recordings/$CONFIG" "$ANN")" 404 "a config deployment's recording: admins only"

expect "$(api GET "/v1/recordings/$MAIN1/audio" "$ANN")" 200 "the owner downloads"
[ "$(cat "$WORK/body")" = "RIFF-rec-main-1" ] || fail "the owner's download"
expect "$(api GET "/v1/recordings/$MAIN1/audio" "$BOB")" 200 "a team member downloads"
expect "$(api GET "/v1/recordings/$MAIN1/audio" "$VIC")" 403 "a viewer does not download"
expect "$(api DELETE "/v1/recordings/$MAIN1" "$VIC")" 403 "a viewer does not delete"
[ -f "$WORK/data/recordings/rec-main-1.wav" ] || fail "refused deletes kept the file"
expect "$(api DELETE "/v1/recordings/$MAIN1" "$BOB")" 204 "a team member deletes"
[ ! -f "$WORK/data/recordings/rec-main-1.wav" ] || fail "the deleted recording's file remains"
expect "$(api DELETE "/v1/recordings/$MAIN2" "$ANN")" 204 "the owner deletes"
expect "$(api GET "/v1/recordings/$CONFIG/audio" "$ADMIN")" 200 "the admin downloads anything"
expect "$(api DELETE "/v1/recordings/$CONFIG" "$ADMIN")" 204 "the admin deletes anything"

expect "$(api DELETE /v1/deployments/main/shares/teams/support-team "$ANN")" 204 "unshare the team"
expect "$(api GET "/v1/recordings/$MAIN1" "$BOB")" 404 "bob lost the recordings with the share"
expect "$(api GET '/v1/audit?limit=100' "$ADMIN")" 200 "audit log"
[ "$(json "sum(1 for e in d['entries'] if e['action'] == 'recording.delete')")" = 3 ] ||
  fail "three recording deletes audited"
echo "PASS: recordings follow sharing"
