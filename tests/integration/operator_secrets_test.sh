#!/usr/bin/env bash
# Operator secrets end to end:
#  1. the first start with the API on and no admin prints an admin API key on
#     stdout (not in the log on stderr); it works against the API, only its
#     hash is on disk, its creation is in the audit log; a restart prints none;
#  2. a config file holding a password, readable by other users, stops the
#     start with the file named and "chmod 600"; so does a file: secret; after
#     chmod 600 the server starts.
source "$(dirname "$0")/lib.sh" "$1" "$2"

# serve_split DIR — like start_server, but stdout and stderr kept apart.
serve_split() {
  local dir="$1" attempt i
  for attempt in 1 2 3 4 5; do
    "$KEYLINE" serve --config "$dir/keyline.yaml" >"$dir/stdout.txt" 2>"$dir/server.log" &
    SERVER_PID=$!
    for i in $(seq 1 600); do
      grep -q "listening for SIP" "$dir/server.log" 2>/dev/null && return 0
      kill -0 "$SERVER_PID" 2>/dev/null || break
      sleep 0.1
    done
    kill -0 "$SERVER_PID" 2>/dev/null && fail "server did not start listening"
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
    grep -q "Address already in use" "$dir/server.log" || { cat "$dir/server.log"; fail "server exited at start"; }
    local old="$SIP_PORT"
    SIP_PORT="$(free_port)"
    sed -i "s/^  port: $old\$/  port: $SIP_PORT/" "$dir/keyline.yaml"
  done
  fail "no free port after 5 attempts"
}

# 1. The first admin key.
write_config
serve_split "$WORK"
KEY="$(grep -o 'kl_[0-9a-f]\{16\}_[0-9a-f]\{64\}' "$WORK/stdout.txt" || true)"
[ -n "$KEY" ] || { cat "$WORK/stdout.txt"; fail "no admin key printed on stdout at first start"; }
[ "$(echo "$KEY" | wc -l)" = 1 ] || fail "more than one key printed"
grep -q "admin@localhost" "$WORK/stdout.txt" || fail "stdout does not say whose key it is"
grep -qF "$KEY" "$WORK/server.log" && fail "the admin key reached the log"
SECRET="${KEY##*_}"
if grep -rqaF "$SECRET" "$WORK/data"; then fail "the key's secret reached the data dir"; fi
grep -q "first start: created the admin admin@localhost with API key id" "$WORK/server.log" ||
  fail "the log does not record the key's creation"
API_PORT="$(sed -n 's/.*listening for HTTPS on 127.0.0.1:\([0-9]*\).*/\1/p' "$WORK/server.log")"
code="$(curl -sS --max-time 60 --cacert "$WORK/data/api-cert.pem" -o "$WORK/audit.json" -w '%{http_code}' \
  -H "Authorization: Bearer $KEY" "https://127.0.0.1:$API_PORT/v1/audit")"
[ "$code" = 200 ] || { cat "$WORK/audit.json"; fail "the first admin key was refused: $code"; }
python3 - "$WORK/audit.json" <<'PY' || fail "the key's creation is not in the audit log"
import json, sys
entries = json.load(open(sys.argv[1]))["entries"]
assert any(e["action"] == "apikey.create" and e["actor"] == "admin@localhost"
           and "first start" in e["detail"] for e in entries), entries
PY
stop_server
mv "$WORK/stdout.txt" "$WORK/stdout-1.txt"
serve_split "$WORK"
if grep -q "kl_" "$WORK/stdout.txt"; then cat "$WORK/stdout.txt"; fail "a second start printed a key"; fi
stop_server

# 2. Secrets readable by other users. $WORK is 0700, which already keeps
# others out; open it up so the files' own modes decide.
chmod 755 "$WORK"
mv "$WORK/server.log" "$WORK/server-keys.log"
pw="pw-$RANDOM-$RANDOM"
python3 - "$WORK/keyline.yaml" "$pw" <<'PY'
import sys
path, pw = sys.argv[1:3]
auth = f"  auth:\n    realm: keyline.test\n    users:\n      - {{user: carol, password: \"{pw}\"}}\n"
text = open(path).read().replace("sip:\n", "sip:\n" + auth, 1)
open(path, "w").write(text)
PY
chmod 644 "$WORK/keyline.yaml"
rc=0
"$KEYLINE" serve --config "$WORK/keyline.yaml" >"$WORK/refused.txt" 2>&1 || rc=$?
cat "$WORK/refused.txt"
[ "$rc" = 2 ] || fail "a world-readable config with a password: exit $rc, expected 2"
grep -qF "$WORK/keyline.yaml holds sip.auth passwords and is readable by other users: chmod 600 $WORK/keyline.yaml" \
  "$WORK/refused.txt" || fail "the refusal does not name the file and the fix"
grep -qF "$pw" "$WORK/refused.txt" && fail "the refusal printed the password"

# A file: secret readable by others: refused, naming that file.
chmod 600 "$WORK/keyline.yaml"
printf '%s\n' "$pw" >"$WORK/carol.pw"
chmod 644 "$WORK/carol.pw"
sed -i "s|password: \"$pw\"|password: \"file:$WORK/carol.pw\"|" "$WORK/keyline.yaml"
grep -q "file:$WORK/carol.pw" "$WORK/keyline.yaml" || fail "could not write the file: config"
rc=0
"$KEYLINE" serve --config "$WORK/keyline.yaml" >"$WORK/refused-file.txt" 2>&1 || rc=$?
cat "$WORK/refused-file.txt"
[ "$rc" = 2 ] || fail "a world-readable password file: exit $rc, expected 2"
grep -qF "$WORK/carol.pw holds a sip.auth password and is readable by other users: chmod 600 $WORK/carol.pw" \
  "$WORK/refused-file.txt" || fail "the refusal does not name the password file"

# chmod 600: the server starts.
chmod 600 "$WORK/carol.pw"
serve_split "$WORK"
grep -q "digest authentication on" "$WORK/server.log" || fail "auth not configured after chmod 600"
stop_server
echo PASS
