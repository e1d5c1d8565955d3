#!/usr/bin/env bash
# Speech input over real SIP: the test phone speaks its answers (flite, rms voice, 8 kHz, sent
# as RTP when the prompt ends) to the voice_desk example app, whose Menu and Yes/No modules
# listen for speech. The call log shows the branches the spoken words chose; the server log
# says the turns were recognised (outcome and confidence, never the words); no DTMF is sent.
# Timing is never asserted: the phone waits for the prompt to end, and every timeout is long.
source "$(dirname "$0")/lib.sh" "$1" "$2"
write_config
sed -i "s/    app: demo/    app: voice_desk/" "$WORK/keyline.yaml"
grep -q "app: voice_desk" "$WORK/keyline.yaml" || fail "config not rewritten"
start_server

call_log() {  # call_log N: waits until the call log holds N calls, prints it to $WORK/logs.txt
  local i
  for i in $(seq 1 300); do
    "$KEYLINE" logs --data-dir "$WORK/data" >"$WORK/logs.txt" 2>&1 &&
      [ "$(grep -c "exit exit_module" "$WORK/logs.txt")" -ge "$1" ] && return 0
    sleep 0.1
  done
  cat "$WORK/logs.txt"
  fail "the call log does not show $1 finished calls"
}

phone() {  # phone NAME PHRASES: one call that says PHRASES ('|' between turns)
  "$KEYLINE" call "sip:200@127.0.0.1:$SIP_PORT" --say "$2" --gap-ms 1500 --timeout 120 \
    >"$WORK/$1.txt" 2>&1 || { cat "$WORK/$1.txt"; tail -n 40 "$WORK/server.log"; fail "$1: phone exited non-zero"; }
  cat "$WORK/$1.txt"
  grep -q "answered: 200 OK" "$WORK/$1.txt" || fail "$1: not answered"
  grep -q "BYE received" "$WORK/$1.txt" || fail "$1: the server did not end the call"
  grep -q "sent DTMF" "$WORK/$1.txt" && fail "$1: the phone sent DTMF"
  return 0
}

# 1. Menu by voice ("buy something" is option 1, sales), then Yes/No by voice.
phone sales "buy something|yes"
grep -q 'phrases_said=2/2' "$WORK/sales.txt" || fail "sales: not every phrase was said"
call_log 1
cat "$WORK/logs.txt"
grep -q "main/department (menu): 1" "$WORK/logs.txt" || fail "sales: the menu did not take option 1"
grep -q "sales/callback (yes_no): success:yes" "$WORK/logs.txt" || fail "sales: yes/no did not hear yes"
grep -q "sales/booked_prompt" "$WORK/logs.txt" || fail "sales: the yes exit was not taken"

# 2. The other menu option by voice.
phone support "technical support"
call_log 2
grep -q "main/department (menu): 2" "$WORK/logs.txt" || fail "support: the menu did not take option 2"
grep -q "support/support_prompt" "$WORK/logs.txt" || fail "support: the support page was not reached"

# The server recognised three turns, logged outcome and confidence only — never the words.
grep -c " speech match (confidence" "$WORK/server.log" | grep -q "^[3-9]" ||
  { grep " speech " "$WORK/server.log"; fail "the server did not log three recognised turns"; }
grep -q "speech recognition: pocketsphinx model loaded" "$WORK/server.log" || fail "model not loaded"
if grep -qiE "buy something|technical support|\"yes\"" "$WORK/server.log"; then
  fail "the caller's words reached the server log"
fi
server_alive || fail "server died"
stop_server
echo PASS
