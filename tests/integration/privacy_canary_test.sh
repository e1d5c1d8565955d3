#!/usr/bin/env bash
# Privacy canary: a caller keys a test card number, expiry and security code
# into a card-payment app's private modules (tests/integration/apps/canary) (and a second card-like number into a
# module nobody marked private) with the server logging at debug level. After
# hang-up and shutdown, every file the server wrote — its log, the SQLite call
# log with -wal/-shm, anything else in its data directory — is searched for
# the card numbers in every form: plain, with spaces or dashes, UTF-16, and
# every 7-digit-or-longer piece. Nothing may be found; the masked forms must
# be, so the test fails if the call never happened.
# (Memory of the running process is not scanned: CI has no ptrace.)
source "$(dirname "$0")/lib.sh" "$1" "$2"

CARD=4111111111111111      # private: the call log must show [private]
REFERENCE=5555555555554444 # not private: the redactor must mask it to BIN + last 4
EXPIRY=1227
CVV=737

SRV="$WORK/server"         # everything the server writes lives under here
mkdir -p "$SRV"
SIP_PORT="$(free_port)"
rtp_min=$(( (RANDOM % 200) * 100 + 20000 ))
cat >"$SRV/keyline.yaml" <<YAML
sip:
  listen: 127.0.0.1
  port: $SIP_PORT
media:
  rtp_port_min: $rtp_min
  rtp_port_max: $((rtp_min + 98))
apps_dir: $SOURCE_DIR/tests/integration/apps/canary
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
YAML
SERVER_DIR="$SRV" start_server

out="$WORK/phone.txt"       # the test phone's own output: not the server's, not searched
"$KEYLINE" call "sip:100@127.0.0.1:$SIP_PORT" --dtmf "$CARD# $EXPIRY $CVV# $REFERENCE#" \
  --timeout 120 >"$out" 2>&1 || { cat "$out"; tail -n 80 "$SRV/server.log"; fail "phone exited non-zero"; }
cat "$out"
grep -q "answered: 200 OK" "$out" || fail "not answered"
grep -q "BYE received" "$out" || fail "server did not hang up"

for _ in $(seq 1 100); do
  "$KEYLINE" logs --data-dir "$SRV/data" >"$WORK/logs.txt" 2>&1 && grep -q "exit" "$WORK/logs.txt" && break
  sleep 0.1
done
cat "$WORK/logs.txt"
kill -TERM "$SERVER_PID"
rc=0
wait "$SERVER_PID" || rc=$?
SERVER_PID=""
[ "$rc" = 0 ] || fail "server exited with $rc on SIGTERM"

# The call happened and went through every module: the masked forms are there.
grep -q "card/card_number (digits): success:\[private\]" "$WORK/logs.txt" || fail "card entry not [private]"
grep -q "card/expiry (digits): success:\[private\]" "$WORK/logs.txt" || fail "expiry entry not [private]"
grep -q "card/security_code (digits): success:\[private\]" "$WORK/logs.txt" || fail "cvv entry not [private]"
grep -q "card/reference (digits): success:555555\*\*\*\*\*\*4444" "$WORK/logs.txt" ||
  fail "the unmarked card-like reference was not masked to BIN + last four"
grep -q "exit exit_module" "$WORK/logs.txt" || fail "call did not end through the Exit module"
[ -s "$SRV/data/keyline.db" ] || fail "no call log database written"

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
if grep -aE "expiry|security_code|cvv" "$SRV/server.log" "$WORK/logs.txt" | grep -qE "$EXPIRY|$CVV"; then
  grep -aE "expiry|security_code|cvv" "$SRV/server.log" "$WORK/logs.txt" | grep -E "$EXPIRY|$CVV"
  fail "expiry or security code next to its module name"
fi
grep -q "recv from" "$SRV/server.log" || fail "the server did not log at debug level"
echo PASS
