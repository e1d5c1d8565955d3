#!/usr/bin/env bash
# Ownership, teams and sharing over real HTTPS with curl (api/access.h): two
# developers and a viewer; an app and a deployment are invisible (404) until
# shared with a user or a team; sharees read and write but may not delete or
# re-share (403); every grant is in the audit log. Usage:
# teams_sharing_test.sh KEYLINE SOURCE_DIR [pg] — with "pg" the database is a
# throwaway PostgreSQL cluster (pg_lib.sh; 77 without its binaries), and the
# connection pool is exercised: parallel requests, then every server session
# terminated (pg_terminate_backend) and the API still answering.
source "$(dirname "$0")/lib.sh" "$1" "$2"
MODE="${3:-sqlite}"
write_config
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
  pool_size: 3
YAML
fi
start_server
API_PORT="$(sed -n 's/.*listening for HTTPS on 127.0.0.1:\([0-9]*\).*/\1/p' "$WORK/server.log")"
[ -n "$API_PORT" ] || fail "no API port in the server log"
ADMIN="$(grep -o '^kl_[0-9a-f]*_[0-9a-f]*$' "$WORK/server.log" | head -n 1)"
[ -n "$ADMIN" ] || fail "no first-start admin key printed"
newkey() { "$KEYLINE" apikey create --config "$WORK/keyline.yaml" --email "$1" --role "$2" 2>/dev/null || fail "apikey create $1"; }
ANN="$(newkey ann@example.com developer)"
BOB="$(newkey bob@example.com developer)"
VIC="$(newkey vic@example.com viewer)"
CERT="$WORK/data/api-cert.pem"
BASE="https://127.0.0.1:$API_PORT"

# api METHOD PATH KEY [BODY] — prints the status; the body is in $WORK/body
api() { api_as "$3" "$1" "$2" "${4:-}"; }  # api METHOD PATH KEY [JSON]

app="$(sed 's/"name": "demo"/"name": "support"/' "$SOURCE_DIR/examples/apps/demo.json")"
expect "$(api PUT /v1/apps/support "$ANN" "$app")" 201 "ann creates an app"
expect "$(json "d['owner']")" "ann@example.com" "the creator owns it"
expect "$(api POST /v1/deployments "$ANN" '{"label":"main","app":"support","numbers":["100"]}')" 201 "ann deploys it"
expect "$(json "d['owner']")" "ann@example.com" "the deployment's owner"

# Unshared: hidden from bob and vic, visible to the admin.
expect "$(api GET /v1/apps "$BOB")" 200 "bob lists apps"
expect "$(json "[a['name'] for a in d['apps']]")" "[]" "bob sees no app"
expect "$(api GET /v1/apps/support "$BOB")" 404 "bob cannot see ann's app"
expect "$(api GET /v1/apps/support "$VIC")" 404 "vic cannot see ann's app"
expect "$(api GET /v1/deployments/main "$BOB")" 404 "bob cannot see ann's deployment"
expect "$(api PUT /v1/apps/support "$BOB" "$app")" 403 "bob cannot take over the name"
expect "$(api DELETE /v1/apps/support "$BOB")" 404 "bob cannot delete what he cannot see"
expect "$(api GET /v1/apps/support "$ADMIN")" 200 "the admin sees everything"

# A team share: bob (member) reads and writes, but does not delete or re-share.
expect "$(api POST /v1/teams "$ANN" '{"name":"support-team","members":["bob@example.com"]}')" 201 "ann makes a team"
expect "$(api PUT /v1/apps/support/shares/teams/support-team "$ANN")" 204 "share with the team"
expect "$(api PUT /v1/apps/support/shares/teams/nope "$ANN")" 422 "share with an unknown team"
expect "$(api GET /v1/apps/support "$BOB")" 200 "bob reads through the team"
expect "$(api PUT /v1/apps/support "$BOB" "$app")" 200 "bob writes a revision"
expect "$(json "d['latest_revision']")" 2 "bob's revision stored"
expect "$(api DELETE /v1/apps/support "$BOB")" 403 "a sharee may not delete"
expect "$(api PUT /v1/apps/support/shares/users/vic@example.com "$BOB")" 403 "a sharee may not re-share"
expect "$(api GET /v1/teams "$VIC")" 200 "vic lists teams"
expect "$(json "d['teams']")" "[]" "vic is in no team"
expect "$(api PUT /v1/teams/support-team/members/vic@example.com "$BOB")" 403 "a member does not manage the team"

# A user share of the deployment to the viewer: read-only.
expect "$(api PUT /v1/deployments/main/shares/users/vic@example.com "$ANN")" 204 "share the deployment with vic"
expect "$(api GET /v1/deployments/main "$VIC")" 200 "vic reads the deployment"
expect "$(api PUT /v1/deployments/main "$VIC" '{"app":"support","numbers":["1"]}')" 403 "vic may not edit"
expect "$(api GET /v1/deployments/main/shares "$VIC")" 200 "vic reads the shares"
expect "$(json "(d['owner'], d['shares'][0]['user'])")" "('ann@example.com', 'vic@example.com')" "the share list"
expect "$(api DELETE /v1/deployments/main/shares/users/vic@example.com "$ANN")" 204 "unshare"
expect "$(api GET /v1/deployments/main "$VIC")" 404 "vic no longer sees it"

# Deleting the team closes the app to bob again.
expect "$(api DELETE /v1/teams/support-team "$BOB")" 403 "only the creator or an admin deletes a team"
expect "$(api DELETE /v1/teams/support-team "$ANN")" 204 "ann deletes the team"
expect "$(api GET /v1/apps/support "$BOB")" 404 "bob lost access with the team"

expect "$(api GET '/v1/audit?limit=100' "$ADMIN")" 200 "audit log"
for action in team.create app.share deployment.share deployment.unshare team.delete; do
  [ "$(json "sum(1 for e in d['entries'] if e['action'] == '$action')")" -ge 1 ] ||
    { cat "$WORK/body" >&2; fail "no $action in the audit log"; }
done

if [ "$MODE" = pg ]; then
  # Parallel requests on a pool of 3, then every server session of the
  # database ended by the server; the API keeps answering on fresh connections.
  pids=()
  for i in $(seq 1 12); do
    curl -sS --max-time 60 --cacert "$CERT" -o /dev/null -w '%{http_code}\n' \
      -H "Authorization: Bearer $ANN" "$BASE/v1/apps/support" >"$WORK/par.$i" &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || fail "a parallel request failed"; done
  [ "$(cat "$WORK"/par.* | sort -u)" = 200 ] || { cat "$WORK"/par.* >&2; fail "parallel requests"; }
  killed="$("${PG_AS[@]}" "$PG_BIN/psql" -h "$PG_DIR" -p "$PG_PORT" -U "$PG_USER" -d postgres -Atq \
    -c "SELECT count(pg_terminate_backend(pid, 60000)) FROM pg_stat_activity WHERE datname = 'keyline'")"
  [ "${killed:-0}" -ge 1 ] || fail "no keyline session to terminate"
  for i in 1 2 3 4 5 6; do
    expect "$(api GET /v1/apps/support "$ANN")" 200 "request $i after the sessions were terminated"
  done
  expect "$(api PUT /v1/apps/support "$ANN" "$app")" 200 "a write after the sessions were terminated"
fi
echo "PASS: teams and sharing ($MODE)"
