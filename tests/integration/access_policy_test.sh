#!/usr/bin/env bash
# Access policy on a real server:
#  1. max_calls: 1 — while one call is up, a second INVITE gets 503 with
#     Retry-After (and the test phone reports the 503); OPTIONS still works;
#  2. an allow-list without 127.0.0.1 and deny: 403 — INVITE and OPTIONS get 403;
#  3. the same with deny: silent — no answer at all, and the server lives on;
#  4. an allow-list with 127.0.0.0/8 — answered normally.
source "$(dirname "$0")/lib.sh" "$1" "$2"

add_access() {  # YAML lines (already indented 4) for sip.access
  python3 - "$WORK/keyline.yaml" "$1" <<'PY'
import sys
path, body = sys.argv[1:3]
text = open(path).read().replace("sip:\n", "sip:\n  access:\n" + body + "\n", 1)
open(path, "w").write(text)
PY
}

request() {  # METHOD N — a request from 127.0.0.1 into $WORK/req-N.txt
  cat >"$WORK/req-$2.txt" <<SIP
$1 sip:100@127.0.0.1:$SIP_PORT SIP/2.0
Via: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK-access-$2-$RANDOM
Max-Forwards: 70
From: <sip:a@127.0.0.1>;tag=a$2
To: <sip:100@127.0.0.1>
Call-ID: access-$2-$RANDOM@test
CSeq: 1 $1
Contact: <sip:a@127.0.0.1:9>
Content-Length: 0

SIP
  sed -i 's/$/\r/' "$WORK/req-$2.txt"
  echo "$WORK/req-$2.txt"
}

# 1. The call cap.
write_config
add_access "    max_calls: 1
    retry_after_seconds: 7"
start_server
"$KEYLINE" call "sip:100@127.0.0.1:$SIP_PORT" --hangup-after-ms 60000 --timeout 90 \
  >"$WORK/phone-first.txt" 2>&1 &
first_pid=$!
for _ in $(seq 1 300); do
  grep -q "answered: 200 OK" "$WORK/phone-first.txt" 2>/dev/null && break
  sleep 0.1
done
grep -q "answered: 200 OK" "$WORK/phone-first.txt" || { cat "$WORK/phone-first.txt"; fail "first call not answered"; }
reply="$(send_udp "$(request INVITE 1)")"
printf '%s\n' "${reply%%$'\n'*}"
[[ "$reply" == "SIP/2.0 503"* ]] || fail "second INVITE not refused with 503"
[[ "$reply" == *$'\n'"Retry-After: 7"* ]] || fail "503 without Retry-After: 7"
if "$KEYLINE" call "sip:100@127.0.0.1:$SIP_PORT" --timeout 20 >"$WORK/phone-second.txt" 2>&1; then
  fail "a second call got through max_calls: 1"
fi
grep -q "call failed: 503" "$WORK/phone-second.txt" || { cat "$WORK/phone-second.txt"; fail "phone did not see 503"; }
[[ "$(send_udp "$(request OPTIONS 2)")" == "SIP/2.0 200"* ]] || fail "OPTIONS refused by the call cap"
grep -q "refused: max_calls reached" "$WORK/server.log" || fail "cap refusal not logged"
kill -INT "$first_pid" 2>/dev/null || true
wait "$first_pid" 2>/dev/null || true
server_alive || fail "server died"
stop_server

# 2. Not on the allow-list, deny: 403.
mv "$WORK/server.log" "$WORK/server-1.log"
write_config
add_access "    allow: [192.0.2.0/24, \"2001:db8::/32\"]
    deny: \"403\""
start_server
[[ "$(send_udp "$(request INVITE 3)")" == "SIP/2.0 403"* ]] || fail "INVITE from outside the allow-list not 403"
[[ "$(send_udp "$(request OPTIONS 4)")" == "SIP/2.0 403"* ]] || fail "OPTIONS from outside the allow-list not 403"
grep -q "refused: not on the allow-list" "$WORK/server.log" || fail "allow-list refusal not logged"
stop_server

# 3. deny: silent — nothing comes back.
mv "$WORK/server.log" "$WORK/server-2.log"
write_config
add_access "    allow: [192.0.2.0/24]"
start_server
reply="$(send_udp "$(request OPTIONS 5)")"
[ -z "$reply" ] || { echo "$reply"; fail "a denied source got an answer"; }
if "$KEYLINE" call "sip:100@127.0.0.1:$SIP_PORT" --tcp --timeout 5 >"$WORK/phone-denied.txt" 2>&1; then
  fail "a call from outside the allow-list got through over TCP"
fi
grep -q "answered: 200" "$WORK/phone-denied.txt" && fail "a denied caller was answered"
server_alive || fail "server died"
stop_server

# 4. Allowed.
mv "$WORK/server.log" "$WORK/server-3.log"
write_config
add_access "    allow: [127.0.0.0/8, \"::1\"]
    rate_per_second: 200"
start_server
[[ "$(send_udp "$(request OPTIONS 6)")" == "SIP/2.0 200"* ]] || fail "allowed source not answered"
"$KEYLINE" call "sip:100@127.0.0.1:$SIP_PORT" --hangup-after-ms 300 --timeout 30 \
  >"$WORK/phone-allowed.txt" 2>&1 || { cat "$WORK/phone-allowed.txt"; fail "allowed call failed"; }
stop_server
echo PASS
