#!/usr/bin/env bash
# Prompt files through `keyline export` / `keyline import` (export_command.cc): an app with two
# recorded prompts uploaded over HTTPS is exported to a directory (DIR/prompts/APP/FILE beside
# the app document, the manifest with sha256 in DIR/keyline-export.json), imported into a fresh
# database, and served by a server on that database byte for byte. A damaged, an oversized and
# a missing prompt file each make the import fail with a clear error and write nothing.
# Usage: export_prompts_test.sh KEYLINE SOURCE_DIR
source "$(dirname "$0")/lib.sh" "$1" "$2"
write_config
start_server
api_setup() {
  API_PORT="$(sed -n 's/.*listening for HTTPS on 127.0.0.1:\([0-9]*\).*/\1/p' "$WORK/server.log")"
  [ -n "$API_PORT" ] || fail "no API port in the server log"
  ADMIN="$(grep -o '^kl_[0-9a-f]*_[0-9a-f]*$' "$WORK/server.log" | head -n 1)"
  [ -n "$ADMIN" ] || fail "no first-start admin key printed"
  CERT="$1/api-cert.pem"
  BASE="https://127.0.0.1:$API_PORT"
}
api_setup "$WORK/data"
# api METHOD PATH [DATA-FILE] — prints the status; the body is in $WORK/body
api() {
  local args=(-sS --max-time 60 --cacert "$CERT" -o "$WORK/body" -w '%{http_code}' -X "$1"
    -H "Authorization: Bearer $ADMIN")
  if [ -n "${3:-}" ]; then args+=(-H 'Content-Type: audio/wav' --data-binary "@$3"); fi
  curl "${args[@]}" "$BASE$2"
}
expect() { [ "$1" = "$2" ] || { head -c 2000 "$WORK/body" >&2; echo >&2; fail "$3: got $1, want $2"; }; }

python3 - "$WORK" <<'PY' || fail "make WAV files"
import math, struct, sys, wave
def write(path, rate, seconds):
    with wave.open(path, "wb") as w:
        w.setnchannels(1); w.setsampwidth(2); w.setframerate(rate)
        n = int(rate * seconds)
        w.writeframes(b"".join(struct.pack("<h", int(8000 * math.sin(i * 0.05))) for i in range(n)))
write(sys.argv[1] + "/welcome.wav", 8000, 0.5)
write(sys.argv[1] + "/menu.wav", 16000, 0.25)
write(sys.argv[1] + "/big.wav", 8000, 70)  # over 1 MiB
PY
app="$(sed 's/"name": "demo"/"name": "support"/' "$SOURCE_DIR/examples/apps/demo.json")"
printf '%s' "$app" >"$WORK/app.json"
expect "$(curl -sS --cacert "$CERT" -o "$WORK/body" -w '%{http_code}' -X PUT -H "Authorization: Bearer $ADMIN" \
  -H 'Content-Type: application/json' --data-binary "@$WORK/app.json" "$BASE/v1/apps/support")" 201 "create the app"
expect "$(api PUT /v1/apps/support/prompts/welcome.wav "$WORK/welcome.wav")" 201 "upload welcome.wav"
expect "$(api PUT /v1/apps/support/prompts/menu.wav "$WORK/menu.wav")" 201 "upload menu.wav"
stop_server

OUT="$WORK/export"
"$KEYLINE" export --out "$OUT" --config "$WORK/keyline.yaml" >"$WORK/export.log" 2>&1 ||
  { cat "$WORK/export.log" >&2; fail "keyline export"; }
for f in welcome.wav menu.wav; do
  cmp -s "$WORK/$f" "$OUT/prompts/support/$f" || fail "exported $f differs from the upload"
done
[ -f "$OUT/apps/support.json" ] || fail "no app document beside the prompts"
python3 - "$OUT" <<'PY' || fail "the manifest"
import hashlib, json, sys
doc = json.load(open(sys.argv[1] + "/keyline-export.json"))
prompts = doc["apps"][0]["prompts"]
assert [p["file"] for p in prompts] == ["menu.wav", "welcome.wav"], prompts
for p in prompts:
    assert "audio" not in p, "the audio is in files, not in the document"
    data = open(f"{sys.argv[1]}/prompts/support/{p['file']}", "rb").read()
    assert p["sha256"] == hashlib.sha256(data).hexdigest() and p["bytes"] == len(data), p
PY

# Bad copies of the export: each import fails, says why, and leaves its fresh database empty.
bad_import() {  # bad_import NAME MESSAGE — imports $WORK/$1 into $WORK/db-$1
  if "$KEYLINE" import "$WORK/$1" --config "$WORK/keyline.yaml" --data-dir "$WORK/db-$1" >"$WORK/$1.log" 2>&1; then
    fail "the $1 import succeeded"
  fi
  grep -q "$2" "$WORK/$1.log" || { cat "$WORK/$1.log" >&2; fail "the $1 import's error does not say '$2'"; }
  "$KEYLINE" export --out "$WORK/$1-check" --config "$WORK/keyline.yaml" --data-dir "$WORK/db-$1" >/dev/null 2>&1 ||
    fail "export of the $1 database"
  python3 -c "import json,sys; d=json.load(open('$WORK/$1-check/keyline-export.json')); sys.exit(bool(d['apps']))" ||
    fail "the failed $1 import wrote apps"
}
cp -r "$OUT" "$WORK/damaged"
printf '\x55' | dd of="$WORK/damaged/prompts/support/menu.wav" bs=1 seek=200 conv=notrunc status=none
bad_import damaged "checksum does not match"
cp -r "$OUT" "$WORK/oversized"
cp "$WORK/big.wav" "$WORK/oversized/prompts/support/welcome.wav"
bad_import oversized "larger than"
cp -r "$OUT" "$WORK/missing"
rm "$WORK/missing/prompts/support/menu.wav"
bad_import missing "cannot read"

# The good export into a fresh database; a server on it serves the same bytes.
"$KEYLINE" import "$OUT" --config "$WORK/keyline.yaml" --data-dir "$WORK/data2" >"$WORK/import.log" 2>&1 ||
  { cat "$WORK/import.log" >&2; fail "keyline import"; }
grep -q '"prompts":2' "$WORK/import.log" || { cat "$WORK/import.log" >&2; fail "import count"; }
sed -i "s|^data_dir: .*|data_dir: $WORK/data2|" "$WORK/keyline.yaml"
start_server
api_setup "$WORK/data2"
for f in welcome.wav menu.wav; do
  expect "$(api GET "/v1/apps/support/prompts/$f")" 200 "download $f from the imported database"
  cmp -s "$WORK/body" "$WORK/$f" || fail "$f served after the import differs from the upload"
done
echo "PASS: prompt files through export and import"
