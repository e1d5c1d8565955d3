#!/usr/bin/env bash
# The walking skeleton end to end: the test phone calls the demo app, hears the
# greeting, keys 1 then an account number, hears it read back, and the server
# hangs up; the call log shows the branch taken.
source "$(dirname "$0")/lib.sh" "$1" "$2"
transport_flag="${3:-}"
write_config
start_server
out="$WORK/phone.txt"
"$KEYLINE" call "sip:100@127.0.0.1:$SIP_PORT" --dtmf "1 12345#" --record "$WORK/heard.wav" \
  --timeout 60 $transport_flag >"$out" 2>&1 || { cat "$out"; fail "phone exited non-zero"; }
cat "$out"
grep -q "answered: 200 OK" "$out" || fail "not answered"
# Both sides offer/accept RFC 5761: the server's answer carried a=rtcp-mux.
grep -q "answered: 200 OK (.*RTCP muxed on the RTP port)" "$out" || fail "rtcp-mux not negotiated"
grep -q "prompt audio received" "$out" || fail "no prompt audio heard"
grep -q 'sent DTMF "12345#"' "$out" || fail "digits not sent"
grep -q "BYE received" "$out" || fail "server did not hang up"
speech_ms=$(sed -n 's/.*speech_ms=\([0-9]*\).*/\1/p' "$out")
[ "${speech_ms:-0}" -gt 3000 ] || fail "too little speech heard: ${speech_ms}ms"
[ -s "$WORK/heard.wav" ] || fail "no recording written"
wait_for_call_log "$WORK/logs.txt" "exit"
grep -q "main/main_menu (menu): 1" "$WORK/logs.txt" || fail "menu branch 1 not in the call log"
grep -q "balance/account (digits): success:\[private\]" "$WORK/logs.txt" || fail "account entry not logged as private"
# The demo's account module is private: its value must be nowhere on disk.
if grep -rqa "12345" "$WORK/data" "$WORK/server.log"; then fail "the private account number reached disk or the log"; fi
grep -q "exit exit_module" "$WORK/logs.txt" || fail "call did not end through the Exit module"
# The CDR's media quality: the phone's audio arrived, so inbound counts packets and has a MOS.
grep -qE "^  media PCMU RTP  in: [1-9][0-9]* packets, 0 lost, jitter [0-9.]+ ms, MOS [1-4]\.[0-9]{2}" \
  "$WORK/logs.txt" || fail "no media quality in the call log"
server_alive || fail "server died"
stop_server
echo PASS
