#!/usr/bin/env bash
# `keyline serve` with database.url on a real PostgreSQL server (a throwaway
# cluster, password from a file): the API writes apps and deployments there,
# lists them, keeps a call's redacted log there, exports them, and the
# import of a bad document writes nothing. A second server on the same
# database sees the same apps (the point of a shared database).
source "$(dirname "$0")/lib.sh" "$1" "$2"
source "$(dirname "$0")/pg_lib.sh"

"${PG_AS[@]}" "$PG_BIN/psql" -h "$PG_DIR" -p "$PG_PORT" -U "$PG_USER" -d postgres -q \
  -c "CREATE DATABASE keyline" >/dev/null || fail "create database"
cp "$PG_PASSWORD_FILE" "$WORK/db-password"
chmod 600 "$WORK/db-password"

write_config
cat >>"$WORK/keyline.yaml" <<YAML
database:
  url: postgresql://$PG_USER@127.0.0.1:$PG_PORT/keyline?sslmode=disable
  password: file:$WORK/db-password
YAML
start_server
grep -q "database: postgresql://$PG_USER@127.0.0.1:$PG_PORT/keyline" "$WORK/server.log" ||
  fail "the server did not log the PostgreSQL database"
if grep -q "$PG_PASSWORD" "$WORK/server.log"; then fail "the database password reached the log"; fi
API_PORT="$(sed -n 's/.*listening for HTTPS on 127.0.0.1:\([0-9]*\).*/\1/p' "$WORK/server.log")"
[ -n "$API_PORT" ] || fail "no API port in the server log"
ADMIN="$(grep -o '^kl_[0-9a-f]*_[0-9a-f]*$' "$WORK/server.log" | head -n 1)"
[ -n "$ADMIN" ] || fail "no first-start admin key printed"
CERT="$WORK/data/api-cert.pem"
BASE="https://127.0.0.1:$API_PORT"

api() { api_as "$ADMIN" "$@"; }  # api METHOD PATH [JSON], as the admin

app="$(sed 's/"name": "demo"/"name": "support"/' "$SOURCE_DIR/examples/apps/demo.json")"
expect "$(api PUT /v1/apps/support "$app")" 201 "create app"
expect "$(api PUT /v1/apps/support "$app")" 200 "second revision"
expect "$(api POST /v1/deployments '{"label":"main","app":"support","numbers":["100","44*"],"variables":{"queue":"sales"}}')" 201 "create deployment"
expect "$(api GET /v1/apps)" 200 "list apps"
expect "$(json "[a['name'] for a in d['apps']]")" "['support']" "apps listed"
expect "$(api GET /v1/deployments)" 200 "list deployments"
expect "$(json "(d['deployments'][0]['label'], d['deployments'][0]['numbers'], d['deployments'][0]['variables'])")" \
  "('main', ['100', '44*'], {'queue': 'sales'})" "deployment listed"

# The rows are in PostgreSQL, not in the local SQLite file.
rows="$("${PG_AS[@]}" "$PG_BIN/psql" -h "$PG_DIR" -p "$PG_PORT" -U "$PG_USER" -d keyline -Atq \
  -c "SELECT count(*) FROM app_revisions WHERE app = 'support'")"
expect "$rows" 2 "revisions stored in PostgreSQL"

# `keyline apikey create --config` writes the user and key to PostgreSQL too.
VIEWER="$("$KEYLINE" apikey create --config "$WORK/keyline.yaml" --email viewer@example.com --role viewer 2>/dev/null)" ||
  fail "apikey create on PostgreSQL"
code="$(curl -sS --max-time 60 --cacert "$CERT" -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $VIEWER" "$BASE/v1/apps")"
expect "$code" 200 "the CLI-made viewer key works"
code="$(curl -sS --max-time 60 --cacert "$CERT" -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $VIEWER" "$BASE/v1/export")"
expect "$code" 403 "a viewer may not export"

# Export, then a bad import (one broken revision among good apps) writes nothing.
expect "$(api GET /v1/export)" 200 "export"
expect "$(json "(d['keyline_export'], len(d['apps'][0]['revisions']), d['deployments'][0]['label'])")" \
  "(1, 2, 'main')" "export content"
bad="$(python3 - "$WORK/body" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
good = json.loads(json.dumps(d['apps'][0]))
good['name'] = 'fresh'
for r in good['revisions']:
    r['document'] = r['document'].replace('"name": "support"', '"name": "fresh"')
broken = json.loads(json.dumps(good))
broken['name'] = 'broken'
broken['revisions'][1]['document'] = broken['revisions'][1]['document'].replace('"name": "fresh"', '"name": "broken"').replace('"start_page": "main"', '"start_page": "nowhere"')
broken['revisions'][0]['document'] = broken['revisions'][0]['document'].replace('"name": "fresh"', '"name": "broken"')
d['apps'] = [good, broken]
d['deployments'] = []
print(json.dumps(d))
PY
)"
expect "$(api POST /v1/import "$bad")" 422 "import with a broken revision"
expect "$(json "d['errors'][0]['where'].startswith('/apps/1/revisions/1/document')")" True "problem points at the revision"
expect "$(api GET /v1/apps)" 200 "list after bad import"
expect "$(json "[a['name'] for a in d['apps']]")" "['support']" "a refused import wrote something"

# The same export into the same database: every name exists, so nothing is written (409).
expect "$(api GET /v1/export)" 200 "export again"
cp "$WORK/body" "$WORK/export.json"
expect "$(api POST /v1/import "$(cat "$WORK/export.json")")" 409 "import of existing names"
expect "$(api GET /v1/apps/support/revisions)" 200 "revisions after conflict"
expect "$(json "len(d['revisions'])")" 2 "a conflicting import added revisions"

# A call's log is written to PostgreSQL (redacted) and read back by the API and `keyline logs`.
"$KEYLINE" call "sip:100@127.0.0.1:$SIP_PORT" --dtmf "1 12345#" --timeout 60 >"$WORK/phone.txt" 2>&1 ||
  { cat "$WORK/phone.txt"; fail "phone exited non-zero"; }
grep -q "BYE received" "$WORK/phone.txt" || fail "call did not complete"
found=""
for _ in $(seq 1 100); do
  api GET "/v1/calls?number=100&limit=10" >/dev/null
  found="$(json "d['calls'][0]['session_id'] if d['calls'] else ''")"
  [ -n "$found" ] && break
  sleep 0.1
done
[ -n "$found" ] || fail "the call's log never appeared in the API"
expect "$(api GET "/v1/calls/$found")" 200 "get the call"
json "[(e['module'], e['result']) for e in d['entries']]" | grep -q "('account', 'success:\[private\]')" ||
  fail "private entry not masked"
rows="$("${PG_AS[@]}" "$PG_BIN/psql" -h "$PG_DIR" -p "$PG_PORT" -U "$PG_USER" -d keyline -Atq \
  -c "SELECT count(*) FROM call_logs WHERE call_id = '$found'")"
expect "$rows" 1 "call log stored in PostgreSQL"
"${PG_AS[@]}" "$PG_BIN/pg_dump" -h "$PG_DIR" -p "$PG_PORT" -U "$PG_USER" -d keyline >"$WORK/dump.sql" ||
  fail "pg_dump"
if grep -q 12345 "$WORK/dump.sql"; then fail "a private value reached PostgreSQL"; fi
"$KEYLINE" logs --config "$WORK/keyline.yaml" >"$WORK/logs.txt" 2>&1 || { cat "$WORK/logs.txt"; fail "keyline logs"; }
grep -q "main/main_menu (menu): 1" "$WORK/logs.txt" || { cat "$WORK/logs.txt"; fail "keyline logs did not read PostgreSQL"; }

stop_server

# A second server (its own data dir) on the same database sees the same apps and deployments.
# Nodes sharing a database share the key that API key hashes are keyed with.
mkdir -p "$WORK/second/data"
cp "$WORK/data/api-key-hash.secret" "$WORK/second/data/"
sed -e "s#^data_dir: .*#data_dir: $WORK/second/data#" "$WORK/keyline.yaml" >"$WORK/second/keyline.yaml"
SERVER_DIR="$WORK/second" start_server
API_PORT="$(sed -n 's/.*listening for HTTPS on 127.0.0.1:\([0-9]*\).*/\1/p' "$WORK/second/server.log")"
CERT="$WORK/second/data/api-cert.pem"
BASE="https://127.0.0.1:$API_PORT"
if grep -q '^kl_' "$WORK/second/server.log"; then fail "the second node created another admin"; fi
expect "$(api GET /v1/deployments)" 200 "second node lists deployments with the first node's key"
expect "$(json "[x['label'] for x in d['deployments']]")" "['main']" "second node sees the deployment"
stop_server
echo "PASS: API on PostgreSQL"
