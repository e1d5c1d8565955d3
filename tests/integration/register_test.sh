#!/usr/bin/env bash
# REGISTER to a registrar (docs/sip.md, "REGISTER to a trunk"): SIPp as the registrar
# (sipp/uas_registrar.xml) challenges the first REGISTER, checks the digest answer, grants 4 s
# and sees the refresh before that runs out; keyline_sip_registrations{state="registered"} is
# 1 meanwhile; on SIGTERM the server removes its binding with Expires: 0 before it exits.
source "$(dirname "$0")/lib.sh" "$1" "$2"
SCEN="$(cd "$(dirname "$0")" && pwd)/sipp"
command -v sipp >/dev/null || fail "sipp not installed (scripts/setup installs sip-tester)"
SIPP_PID=""
trap 'if [ -n "$SIPP_PID" ]; then kill "$SIPP_PID" 2>/dev/null || true; fi; cleanup' EXIT

REG_PORT="$(free_port)"
mport=$(( (RANDOM % 500) * 2 + 33000 ))
(cd "$WORK" && exec timeout 300 sipp -sf "$SCEN/uas_registrar.xml" -m 1 -i 127.0.0.1 \
  -p "$REG_PORT" -mi 127.0.0.1 -mp "$mport" -nostdin -trace_err -trace_msg \
  >"$WORK/sipp.out" 2>&1) &
SIPP_PID=$!

export KL_TEST_REG_PW="sipp-registrar-pw"  # the password uas_registrar.xml checks
write_config
python3 - "$WORK/keyline.yaml" "$REG_PORT" <<'PY'
import sys
path, port = sys.argv[1:3]
reg = ("  register:\n"
       f"    - {{name: carrier, registrar: \"sip:127.0.0.1:{port}\", aor: \"sip:4420@registrar.test\",\n"
       "       username: \"4420\", password: \"env:KL_TEST_REG_PW\", expires: 60}\n")
text = open(path).read().replace("sip:\n", "sip:\n" + reg, 1)
open(path, "w").write(text)
PY
start_server
API_PORT="$(sed -n 's/.*listening for HTTPS on 127.0.0.1:\([0-9]*\).*/\1/p' "$WORK/server.log")"
[ -n "$API_PORT" ] || fail "no API port in the server log"
VIEWER="$("$KEYLINE" apikey create --email viewer@example.com --role viewer --data-dir "$WORK/data")"

registered() { grep -c "registration carrier: registered" "$WORK/server.log" || true; }
# The first binding (after the challenge), then the refresh at half the granted 4 s.
for _ in $(seq 1 600); do
  [ "$(registered)" -ge 2 ] && break
  kill -0 "$SIPP_PID" 2>/dev/null || break  # the registrar gave up: no use waiting
  sleep 0.1
done
[ "$(registered)" -ge 2 ] || { tail -40 "$WORK/sipp.out"; fail "no registration and refresh"; }
grep -q "registration carrier: registered (registered for 4 s" "$WORK/server.log" ||
  fail "the granted 4 s was not read from the Contact's expires"
curl -sS --max-time 60 --cacert "$WORK/data/api-cert.pem" -H "Authorization: Bearer $VIEWER" \
  "https://127.0.0.1:$API_PORT/metrics" >"$WORK/metrics.txt"
grep -q '^keyline_sip_registrations{state="registered"} 1$' "$WORK/metrics.txt" ||
  { grep registrations "$WORK/metrics.txt"; fail "the metric does not show the registration"; }
if grep -q "$KL_TEST_REG_PW" "$WORK/server.log"; then fail "the password reached the log"; fi

stop_server
grep -q "registration carrier: unregistered (binding removed)" "$WORK/server.log" ||
  fail "no un-REGISTER on shutdown"
rc=0
wait "$SIPP_PID" || rc=$?
SIPP_PID=""
[ "$rc" = 0 ] || { tail -40 "$WORK/sipp.out"; cat "$WORK"/*errors.log 2>/dev/null || true; fail "the registrar scenario failed ($rc)"; }
echo PASS
