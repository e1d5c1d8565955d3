#!/usr/bin/env bash
# Privacy canary: a caller keys a test card number, expiry and security code
# into a card-payment app's private modules (tests/integration/apps/canary),
# on a secure deployment over SIP/TLS with SRTP (and a second card-like number
# into a module the app does not mark private, which the secure deployment
# makes private), with the server logging at debug level. After hang-up:
#  1. with the server still running, `keyline verify-privacy` searches every
#     file it wrote (log, SQLite call log with -wal/-shm, the data directory)
#     and its live memory (the server scans its own writable mappings, asked
#     over the API with masked probes) for the card, expiry and security code
#     in every form: nothing may be found;
#  2. after shutdown, an independent scanner (python, below) searches the
#     server's tree again for both card numbers: plain, with spaces or dashes,
#     UTF-16, and every 7-digit-or-longer piece. Nothing may be found; the
#     masked forms must be, so the test fails if the call never happened;
#  3. the control: the same call, on an ordinary deployment, to a copy of the
#     app with every module's Private turned off must make verify-privacy report hits (the scanner can
#     see what it looks for), and both scanners must see the numbers in the
#     test phone's own output.
source "$(dirname "$0")/lib.sh" "$1" "$2"
command -v openssl >/dev/null || fail "openssl CLI missing (scripts/setup installs it)"

CARD=4111111111111111      # private: the call log must show [private]
REFERENCE=5555555555554444 # not private: the redactor must mask it to BIN + last 4
EXPIRY=1227
# A four-digit code (American Express prints four): a three-digit one turns up
# as a whole number in memory by chance — 737 after any call, and 919 on a
# loaded machine (probably a 919-byte SDP with SRTP keys, whose
# Content-Length sits in freed message buffers). Four digits (like the expiry)
# have not matched by chance.
CVV=8461

# A CA and a server certificate for 127.0.0.1, made here.
CERTS="$WORK/certs"
mkdir -p "$CERTS"
(
  cd "$CERTS"
  ec=(-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes)
  openssl req -x509 "${ec[@]}" -keyout ca.key -out ca.pem -days 2 -subj "/CN=Keyline Canary CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign" 2>/dev/null
  openssl req "${ec[@]}" -keyout server.key -out server.csr -subj "/CN=localhost" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >server.ext
  openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAserial ca.srl -CAcreateserial \
    -out server.pem -days 2 -extfile server.ext 2>/dev/null
)
[ -s "$CERTS/server.pem" ] || fail "could not make test certificates"

# run_call NAME APPS_DIR [DEPLOYMENT_LINE...] — a server in $WORK/NAME (everything it writes lives
# there) with SIP over TLS and mandatory SRTP, called once by the test phone
# keying the canaries. The server is left running (SERVER_PID); sets SRV,
# API_PORT and ADMIN_KEY, and leaves the phone's output in $WORK/NAME-phone.txt
# and the call log in $WORK/NAME-logs.txt.
run_call() {
  SRV="$WORK/$1"
  mkdir -p "$SRV"
  SIP_PORT="$(free_port)"
  local rtp_min=$(( (RANDOM % 200) * 100 + 20000 ))
  cat >"$SRV/keyline.yaml" <<YAML
sip:
  listen: 127.0.0.1
  port: $SIP_PORT
  tls:
    port: 0
    cert: $CERTS/server.pem
    key: $CERTS/server.key
media:
  rtp_port_min: $rtp_min
  rtp_port_max: $((rtp_min + 98))
  srtp: mandatory
apps_dir: $2
data_dir: $SRV/data
log_level: debug
privacy:
  pan_mask: bin_last4
api:
  port: 0
deployments:
  - name: payment
    numbers: ["*"]
    app: payment
$(for line in "${@:3}"; do echo "    $line"; done)
YAML
  SERVER_DIR="$SRV" start_server
  local tls_port
  tls_port="$(sed -n 's/.*SIP over TLS on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$SRV/server.log" | head -n1)"
  API_PORT="$(sed -n 's/.*listening for HTTPS on 127.0.0.1:\([0-9]*\).*/\1/p' "$SRV/server.log")"
  [ -n "$tls_port" ] || fail "server did not say its TLS port"
  [ -n "$API_PORT" ] || fail "server did not say its API port"
  ADMIN_KEY="$("$KEYLINE" apikey create --email canary@example.com --role admin --data-dir "$SRV/data")"
  [[ "$ADMIN_KEY" == kl_* ]] || fail "no admin key"

  local out="$WORK/$1-phone.txt" # the test phone's own output: not the server's
  "$KEYLINE" call "sips:100@127.0.0.1:$tls_port" --ca "$CERTS/ca.pem" --srtp \
    --dtmf "$CARD# $EXPIRY $CVV# $REFERENCE#" --timeout 120 >"$out" 2>&1 ||
    { cat "$out"; tail -n 80 "$SRV/server.log"; fail "phone exited non-zero"; }
  cat "$out"
  grep -q "answered: 200 OK (.*SRTP" "$out" || fail "not answered with SRTP over TLS"
  grep -q "BYE received" "$out" || fail "server did not hang up"
  grep -q " via 127.0.0.1:[0-9]*/TLS" "$SRV/server.log" || fail "the call did not come over TLS"
  wait_for_call_log "$WORK/$1-logs.txt" "exit" "$SRV/data"
}

# verify [options] — verify-privacy against the running server of the last run_call.
verify() {
  KEYLINE_API_KEY="$ADMIN_KEY" "$KEYLINE" verify-privacy --data-dir "$SRV/data" \
    --log "$SRV/server.log" --api "https://127.0.0.1:$API_PORT" --ca "$SRV/data/api-cert.pem" \
    --card "$CARD" --expiry "$EXPIRY" --cvv "$CVV" "$@"
}

# The canary runs on a secure deployment (TLS + mandatory SRTP required; every
# value-holding module private, the unmarked reference too).
run_call canary "$SOURCE_DIR/tests/integration/apps/canary" "secure: true" "secure_media: require"
LOGS="$WORK/canary-logs.txt"
out="$WORK/canary-phone.txt"

# The call happened and went through every module: the masked forms are there.
grep -q "card/card_number (digits): success:\[private\]" "$LOGS" || fail "card entry not [private]"
grep -q "card/expiry (digits): success:\[private\]" "$LOGS" || fail "expiry entry not [private]"
grep -q "card/security_code (digits): success:\[private\]" "$LOGS" || fail "cvv entry not [private]"
grep -q "card/reference (digits): success:\[private\]" "$LOGS" ||
  fail "the reference on a secure deployment was not [private]"
grep -q "exit exit_module" "$LOGS" || fail "call did not end through the Exit module"
[ -s "$SRV/data/keyline.db" ] || fail "no call log database written"

# 1. The server still running: no card, expiry or CVV in its files or memory.
rc=0
verify >"$WORK/verify.txt" 2>&1 || rc=$?
cat "$WORK/verify.txt"
[ "$rc" = 0 ] || fail "verify-privacy found a canary (exit $rc)"
grep -q "^memory: [1-9][0-9]* bytes in [1-9][0-9]* writable mappings" "$WORK/verify.txt" ||
  fail "the server's memory was not searched"
grep -Eq "^files: ([3-9]|[1-9][0-9]+) files" "$WORK/verify.txt" || fail "too few files searched"
grep -q "^result: PASS" "$WORK/verify.txt" || fail "no PASS"
rc=0
verify --no-memory --value "$REFERENCE" >"$WORK/verify-reference.txt" 2>&1 || rc=$?
cat "$WORK/verify-reference.txt"
[ "$rc" = 0 ] || fail "the reference reached a file"
stop_server

# 2. The independent scanner, after shutdown.
# scan_tree DIR MIN_FILES CANARY... — exits 1 when any form of a canary is in
# any file under DIR (binary included), or when fewer than MIN_FILES exist.
scan_tree() {
  python3 - "$@" <<'PY'
import os, sys
root, min_files, canaries = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
needles = set()
for c in canaries:
    groups = [c[i:i + 4] for i in range(0, len(c), 4)]
    for form in (c, " ".join(groups), "-".join(groups)):
        needles.add(form)
    # Every piece of 7+ digits: a partial leak is a leak.
    for n in range(7, len(c) + 1):
        for i in range(0, len(c) - n + 1):
            needles.add(c[i:i + n])
encoded = set()
for n in needles:
    encoded.add(n.encode())
    encoded.add(n.encode("utf-16-le"))
files = 0
hits = []
for dirpath, _, names in os.walk(root):
    for name in names:
        path = os.path.join(dirpath, name)
        with open(path, "rb") as f:
            data = f.read()
        files += 1
        for n in encoded:
            if n in data:
                hits.append((path, n))
print(f"searched {files} files for {len(encoded)} encodings of {len(canaries)} canaries")
for path, n in hits[:20]:
    print(f"HIT {path}: {n!r}")
if files < min_files:
    print(f"too few files ({files}): expected at least {min_files}")
    sys.exit(1)
sys.exit(1 if hits else 0)
PY
}

# The scanner sees a canary where one is: the test phone's own output names
# the digits it keyed.
mkdir -p "$WORK/phone"
cp "$out" "$WORK/phone/"
if scan_tree "$WORK/phone" 1 "$CARD" "$REFERENCE"; then fail "the scanner cannot see a canary"; fi
# Every file under the server's tree (config, log, database): no canary.
scan_tree "$SRV" 3 "$CARD" "$REFERENCE" || fail "a canary reached disk"

# Short values (expiry, CVV) would match by chance in a binary file, so they
# are checked where they would appear: lines naming their modules.
if grep -aE "expiry|security_code|cvv" "$SRV/server.log" "$LOGS" | grep -qE "$EXPIRY|$CVV"; then
  grep -aE "expiry|security_code|cvv" "$SRV/server.log" "$LOGS" | grep -E "$EXPIRY|$CVV"
  fail "expiry or security code next to its module name"
fi
grep -q "recv from" "$SRV/server.log" || fail "the server did not log at debug level"
# verify-privacy sees the canaries where they are, too.
rc=0
"$KEYLINE" verify-privacy --no-memory --data-dir "$WORK/phone" --card "$CARD" >"$WORK/verify-phone.txt" 2>&1 || rc=$?
cat "$WORK/verify-phone.txt"
[ "$rc" = 1 ] || fail "verify-privacy did not see the card in the phone's output (exit $rc)"
grep -q "HIT .*: card plain" "$WORK/verify-phone.txt" || fail "no card hit reported"

# 3. The control: Private turned off on every module. The same call must leave
# the values where verify-privacy finds them (the redactor still masks the
# card in files; the call's strings were freed, not wiped).
mkdir -p "$WORK/apps-control"
python3 - "$SOURCE_DIR/tests/integration/apps/canary/payment.json" "$WORK/apps-control/payment.json" <<'PY'
import json, sys
app = json.load(open(sys.argv[1]))
changed = 0
for page in app["pages"]:
    for module in page["modules"]:
        if module.get("private"):
            module["private"] = False
            changed += 1
assert changed >= 3, "the canary app has fewer private modules than expected"
json.dump(app, open(sys.argv[2], "w"), indent=2)
PY
run_call control "$WORK/apps-control"
grep -q "card/card_number (digits): success:411111\*\*\*\*\*\*1111" "$WORK/control-logs.txt" ||
  fail "the control call did not collect the card (not [private], masked by the redactor)"
grep -q "card/reference (digits): success:555555\*\*\*\*\*\*4444" "$WORK/control-logs.txt" ||
  fail "the unmarked card-like reference was not masked to BIN + last four"
rc=0
verify >"$WORK/verify-control.txt" 2>&1 || rc=$?
cat "$WORK/verify-control.txt"
[ "$rc" = 1 ] || fail "with Private off verify-privacy found nothing (exit $rc): the scan is blind"
# Which copies survive in freed memory depends on the allocator (a freed
# string's first 16 bytes hold its free-list links), so any of the values
# counts; with Private on, none of them is there (step 1).
grep -q "HIT memory: " "$WORK/verify-control.txt" || fail "nothing found in memory with Private off"
stop_server
echo PASS
