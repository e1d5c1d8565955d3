#!/usr/bin/env bash
# DTMF methods and codecs end to end: the test phone keys the demo's menu and
# account number as in-band tones (offering no telephone-event, like a trunk
# that only passes tones), and the server's tone detector must take the same
# branches as with RFC 4733; then a G.722-only call hears the prompts and
# takes branch 2 (the time).
source "$(dirname "$0")/lib.sh" "$1" "$2"
write_config
start_server

wait_for_log() {  # the call log is written by a background writer
  for _ in $(seq 1 50); do
    "$KEYLINE" logs --data-dir "$WORK/data" >"$WORK/logs.txt" 2>&1 && grep -q "$1" "$WORK/logs.txt" && return 0
    sleep 0.1
  done
  return 1
}

# 1. In-band tones over PCMU.
out="$WORK/inband.txt"
"$KEYLINE" call "sip:100@127.0.0.1:$SIP_PORT" --dtmf-method inband --dtmf "1 12345#" \
  --timeout 60 >"$out" 2>&1 || { cat "$out"; fail "in-band call: phone exited non-zero"; }
cat "$out"
grep -q "answered: 200 OK (PCMU, no telephone-event" "$out" || fail "telephone-event was negotiated"
grep -q 'sent DTMF "12345#" (in-band tones)' "$out" || fail "digits not sent as tones"
grep -q "BYE received" "$out" || fail "server did not hang up"
wait_for_log "main/main_menu (menu): 1" || { cat "$WORK/logs.txt"; fail "menu branch 1 not in the call log"; }
cat "$WORK/logs.txt"
grep -q "balance/account (digits): success:\[private\]" "$WORK/logs.txt" ||
  fail "the account number keyed in-band was not taken"
if grep -rqa "12345" "$WORK/data" "$WORK/server.log"; then fail "the private account number reached disk or the log"; fi

# 2. G.722 only: wideband codec negotiated, prompts heard, RFC 4733 digit.
out="$WORK/g722.txt"
"$KEYLINE" call "sip:100@127.0.0.1:$SIP_PORT" --codec G722 --dtmf "2" --record "$WORK/g722.wav" \
  --timeout 60 >"$out" 2>&1 || { cat "$out"; fail "G.722 call: phone exited non-zero"; }
cat "$out"
grep -q "answered: 200 OK (G722, telephone-event" "$out" || fail "G.722 not negotiated"
grep -q "prompt audio received" "$out" || fail "no prompt audio heard over G.722"
speech_ms=$(sed -n 's/.*speech_ms=\([0-9]*\).*/\1/p' "$out")
[ "${speech_ms:-0}" -gt 2000 ] || fail "too little speech heard over G.722: ${speech_ms}ms"
wait_for_log "time_prompt" || { cat "$WORK/logs.txt"; fail "branch 2 (time_prompt) not in the call log"; }
grep -q "main/main_menu (menu): 2" "$WORK/logs.txt" || fail "menu branch 2 not in the call log"

# 3. A bad --codec is refused before dialling.
if "$KEYLINE" call "sip:100@127.0.0.1:$SIP_PORT" --codec G729 >"$WORK/bad.txt" 2>&1; then
  fail "--codec G729 was accepted"
fi
grep -q "codec must be PCMU, PCMA or G722" "$WORK/bad.txt" || fail "no message for a bad codec"
server_alive || fail "server died"
stop_server
echo PASS
