#!/usr/bin/env bash
# The admin API over real HTTPS with curl: trunks CRUD (the credential reference never comes
# back), a deployment naming a trunk, app validate / audit / graph (SVG parsed as XML), reports
# over a real call's log, and `keyline export` / `keyline import` against the configured
# database. Usage: api_admin_test.sh KEYLINE SOURCE_DIR [pg] — with "pg" the server's database
# is a throwaway PostgreSQL cluster (pg_lib.sh; exit 77 when its binaries are absent).
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
YAML
fi
start_server
API_PORT="$(sed -n 's/.*listening for HTTPS on 127.0.0.1:\([0-9]*\).*/\1/p' "$WORK/server.log")"
[ -n "$API_PORT" ] || fail "no API port in the server log"
ADMIN="$(grep -o '^kl_[0-9a-f]*_[0-9a-f]*$' "$WORK/server.log" | head -n 1)"
[ -n "$ADMIN" ] || fail "no first-start admin key printed"
VIEWER="$("$KEYLINE" apikey create --config "$WORK/keyline.yaml" --email viewer@example.com --role viewer 2>/dev/null)" ||
  fail "apikey create"
CERT="$WORK/data/api-cert.pem"
BASE="https://127.0.0.1:$API_PORT"

# api METHOD PATH KEY [BODY] [QUERY...] — prints the status; body in $WORK/body, headers in $WORK/headers
api() { api_as "$3" "$1" "$2" "${4:-}"; }  # api METHOD PATH KEY [JSON]

# Trunks: operators only; the password reference is stored but never shown.
trunk='{"name":"carrier","allow":["192.0.2.0/24","sip.example.net"],"transport":"tls",
        "digest":{"username":"kl","password_ref":"env:CARRIER_SECRET_REF"},"max_calls":10,
        "srtp":"mandatory","dtmf":"rfc4733"}'
expect "$(api POST /v1/trunks "$VIEWER" "$trunk")" 403 "a viewer may not create trunks"
expect "$(api POST /v1/trunks "$ADMIN" '{"name":"x","allow":["300.1.1.1/8"],"digest":{"username":"u","password":"pw"}}')" 422 "bad trunk"
expect "$(json "sorted(e['where'] for e in d['errors'])")" "['/allow/0', '/digest/password', '/digest/password_ref']" "trunk problems"
expect "$(api POST /v1/trunks "$ADMIN" "$trunk")" 201 "create trunk"
expect "$(api GET /v1/trunks/carrier "$VIEWER")" 200 "get trunk"
expect "$(json "(d['transport'], d['digest'], d['max_calls'])")" "('tls', {'username': 'kl', 'password_set': True}, 10)" "trunk body"
expect "$(api GET /v1/trunks "$VIEWER")" 200 "list trunks"
if grep -q CARRIER_SECRET_REF "$WORK/body"; then fail "GET returned the credential reference"; fi
expect "$(api PUT /v1/trunks/carrier "$ADMIN" '{"allow":["198.51.100.0/24"],"digest":{"username":"kl"},"transport":"tcp"}')" 200 "update trunk"
expect "$(json "(d['allow'], d['transport'], d['digest']['password_set'])")" "(['198.51.100.0/24'], 'tcp', True)" "updated trunk"

# An app and a deployment on the trunk; an unknown trunk is a 422.
app="$(sed 's/"name": "demo"/"name": "support"/' "$SOURCE_DIR/examples/apps/demo.json")"
expect "$(api POST /v1/apps/support/validate "$VIEWER" "$app")" 200 "validate a body"
expect "$(json "(d['valid'], d['errors'])")" "(True, [])" "a good app validates"
broken="$(printf '%s' "$app" | sed 's/"start_page": "main"/"start_page": "nowhere"/')"
expect "$(api POST /v1/apps/support/validate "$VIEWER" "$broken")" 200 "validate a broken body"
expect "$(json "d['valid']")" False "a broken app does not validate"
json "d['errors'][0]['where']" | grep -q '^support.json:[0-9]*:[0-9]*$' || fail "no file:line:col"
expect "$(api GET /v1/apps/support "$VIEWER")" 404 "validate stored nothing"
expect "$(api PUT /v1/apps/support "$ADMIN" "$app")" 201 "create app"
# Records are private to their owner until shared (docs/api.md, teams and sharing).
expect "$(api PUT /v1/apps/support/shares/users/viewer@example.com "$ADMIN")" 204 "share with the viewer"
expect "$(api POST /v1/deployments "$ADMIN" '{"label":"desk","app":"support","numbers":["7001"],"trunk":"nope"}')" 422 "unknown trunk"
expect "$(json "[e['where'] for e in d['errors']]")" "['/trunk']" "unknown trunk problem"
expect "$(api POST /v1/deployments "$ADMIN" '{"label":"desk","app":"support","numbers":["7001"],"trunk":"carrier"}')" 201 "deployment on a trunk"
expect "$(api DELETE /v1/trunks/carrier "$ADMIN")" 409 "a trunk in use"

# The privacy audit and the graph of the stored revision.
expect "$(api GET /v1/apps/support/audit "$VIEWER")" 200 "audit"
expect "$(json "(d['revision'], d['blocks'], sorted({f['kind'] for f in d['findings']}))")" "(1, False, ['spoken'])" "audit findings"
expect "$(api GET /v1/apps/support/graph "$VIEWER")" 200 "graph"
grep -qi '^content-type: image/svg+xml' "$WORK/headers" || fail "graph is not image/svg+xml"
python3 - "$WORK/body" "$SOURCE_DIR/examples/apps/demo.json" <<'PY' || fail "the SVG does not match the app"
import json, sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
ns = "{http://www.w3.org/2000/svg}"
groups = list(root.iter(ns + "g"))
clusters = [g for g in groups if g.get("class") == "cluster"]
edges = [g for g in groups if g.get("class") == "edge"]
app = json.load(open(sys.argv[2]))
assert len(clusters) == len(app["pages"]), (len(clusters), len(app["pages"]))
labels = ["".join(t.text or "" for t in e.iter(ns + "text")) for e in edges]
assert sum(1 for l in labels if l) >= 5 and "1" in labels and "2" in labels, labels
text = open(sys.argv[1]).read()
assert "Please enter your account number" not in text
PY
expect "$(api GET "/v1/apps/support/graph?format=dot" "$VIEWER")" 200 "graph as DOT"
head -c 17 "$WORK/body" | grep -q '^digraph "support"' || fail "not DOT"

# A real call (the config's deployment "demo"), then the reports over it.
"$KEYLINE" call "sip:100@127.0.0.1:$SIP_PORT" --dtmf "1 12345#" --timeout 60 >"$WORK/phone.txt" 2>&1 ||
  { cat "$WORK/phone.txt"; fail "phone exited non-zero"; }
grep -q "BYE received" "$WORK/phone.txt" || fail "call did not complete"
for _ in $(seq 1 100); do
  api GET "/v1/reports/calls?deployment=demo&bucket=hour" "$ADMIN" >/dev/null
  [ "$(json "d['total']['calls']")" = 1 ] && break
  sleep 0.1
done
expect "$(api GET "/v1/reports/calls?deployment=demo&bucket=hour" "$ADMIN")" 200 "calls report"
expect "$(json "(d['total']['calls'], d['total']['answered'], len(d['buckets']), d['bucket'])")" "(1, 1, 1, 'hour')" "calls report figures"
expect "$(json "d['total']['dispositions']")" "{'exit_module': 1}" "dispositions"
expect "$(json "d['total']['duration_ms']['p99'] > 0 and d['total']['duration_ms']['p50'] <= d['total']['duration_ms']['p99']")" True "durations"
expect "$(api GET "/v1/reports/calls?deployment=desk" "$ADMIN")" 200 "another deployment's report"
expect "$(json "d['total']['calls']")" 0 "filtered by deployment"
expect "$(api GET "/v1/reports/modules?app=demo" "$ADMIN")" 200 "modules report"
expect "$(json "sorted((m['module'], m['visits']) for m in d['modules'] if m['module'] in ('main_menu', 'account'))")" \
  "[('account', 1), ('main_menu', 1)]" "module visits"
if grep -q 12345 "$WORK/body"; then fail "a caller's digits reached a report"; fi
expect "$(api GET "/v1/reports/calls?bucket=minute" "$VIEWER")" 400 "bad bucket"
# The viewer reads no deployment's calls: the config deployment's call is not counted for them.
expect "$(api GET "/v1/reports/calls?deployment=demo" "$VIEWER")" 200 "the viewer's report"
expect "$(json "d['total']['calls']")" 0 "a report counts only calls the reader may read"
expect "$(api GET "/v1/reports/modules" "")" 401 "reports need a key"

# keyline export / import against the configured database: every revision, the deployment and
# the trunk (its reference included, so a restore keeps working credentials).
"$KEYLINE" export --out "$WORK/export" --config "$WORK/keyline.yaml" >"$WORK/export.log" 2>&1 ||
  { cat "$WORK/export.log"; fail "keyline export"; }
[ -s "$WORK/export/keyline-export.json" ] || fail "no export document"
cmp -s <(printf '%s' "$app") "$WORK/export/apps/support.json" || fail "apps/support.json is not the stored revision"
"$KEYLINE" validate "$WORK/export/apps/support.json" >/dev/null 2>&1 || fail "the exported app file does not validate"
# `keyline graph --svg` on the file draws what the API drew for the stored revision.
"$KEYLINE" graph "$WORK/export/apps/support.json" --svg --out "$WORK/cli.svg" || fail "keyline graph --svg"
api GET /v1/apps/support/graph "$VIEWER" >/dev/null
# Graphviz may emit clusters in another order from one process to the next: compare the drawn
# elements (class, title, text, shapes) as sets.
python3 - "$WORK/cli.svg" "$WORK/body" <<'PY' || fail "the CLI and the API drew different graphs"
import sys, xml.etree.ElementTree as ET
def shapes(path):
    out = set()
    for g in ET.parse(path).getroot().iter("{http://www.w3.org/2000/svg}g"):
        if g.get("class") in ("cluster", "node", "edge"):
            g.tail = None
            out.add((g.get("class"), ET.tostring(g)))
    return out
a, b = shapes(sys.argv[1]), shapes(sys.argv[2])
assert a == b and len(a) > 10, (len(a), len(b), sorted(a ^ b)[:4])
PY
set +e
"$KEYLINE" graph "$WORK/export/apps/support.json" --format png >/dev/null 2>&1
rc=$?
set -e
[ "$rc" = 2 ] || fail "graph --format png: exit $rc, want 2"
python3 - "$WORK/export/keyline-export.json" <<'PY' || fail "export content"
import json, sys
d = json.load(open(sys.argv[1]))
assert [a["name"] for a in d["apps"]] == ["support"], d["apps"]
assert [x["label"] for x in d["deployments"]] == ["desk"] and d["deployments"][0]["trunk"] == "carrier"
assert d["trunks"][0]["digest"]["password_ref"] == "env:CARRIER_SECRET_REF", d["trunks"]
PY
# Into a fresh SQLite data dir (from PostgreSQL too: moving between databases), all or nothing.
"$KEYLINE" import "$WORK/export" --data-dir "$WORK/fresh" >"$WORK/import.log" 2>&1 ||
  { cat "$WORK/import.log"; fail "keyline import"; }
grep -q '"apps":1' "$WORK/import.log" || { cat "$WORK/import.log"; fail "import counts"; }
"$KEYLINE" export --out "$WORK/export2" --data-dir "$WORK/fresh" >/dev/null 2>&1 || fail "export of the import"
python3 - "$WORK/export/keyline-export.json" "$WORK/export2/keyline-export.json" <<'PY' || fail "the round trip changed something"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for d in (a, b): d.pop("exported")
assert a == b, (a, b)
PY
if "$KEYLINE" import "$WORK/export" --data-dir "$WORK/fresh" >"$WORK/import2.log" 2>&1; then
  fail "a second import of the same names succeeded"
fi
grep -q "exists" "$WORK/import2.log" || { cat "$WORK/import2.log"; fail "no conflict reported"; }
server_alive || fail "server died"
stop_server
echo "PASS: admin API ($MODE)"
