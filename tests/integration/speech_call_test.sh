#!/usr/bin/env bash
# Speech input over real SIP: the test phone speaks its answers (flite, rms voice, 8 kHz, sent
# as RTP when the prompt ends) to the voice_desk example app, whose Menu and Yes/No modules
# listen for speech. The call log shows the branches the spoken words chose; the server log
# says the turns were recognised (outcome and confidence, never the words); no DTMF is sent.
# A third call talks over the prompts: speech barge-in stops them. Timing is never asserted:
# the phone waits for the far end (to fall quiet, or to have spoken 1.5 s), every timeout is long.
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

phone() {  # phone NAME PHRASES [ARGS]: one call that says PHRASES ('|' between turns)
  local name="$1" phrases="$2"
  shift 2
  "$KEYLINE" call "sip:200@127.0.0.1:$SIP_PORT" --say "$phrases" --gap-ms 1500 --timeout 120 "$@" \
    >"$WORK/$name.txt" 2>&1 || { cat "$WORK/$name.txt"; tail -n 40 "$WORK/server.log"; fail "$name: phone exited non-zero"; }
  cat "$WORK/$name.txt"
  grep -q "answered: 200 OK" "$WORK/$name.txt" || fail "$name: not answered"
  grep -q "BYE received" "$WORK/$name.txt" || fail "$name: the server did not end the call"
  grep -q "sent DTMF" "$WORK/$name.txt" && fail "$name: the phone sent DTMF"
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

grep -q "speech barge-in" "$WORK/server.log" && fail "a prompt stopped though nobody spoke over it"

# 3. Speech barge-in: the phone talks 1.5 s into each prompt; the server stops the prompt when
# the caller starts speaking, and the answers are taken as before.
phone barge "buy something|yes" --say-over-ms 1500
call_log 3
[ "$(grep -c "sales/callback (yes_no): success:yes" "$WORK/logs.txt")" = 2 ] ||
  fail "barge: the spoken answers over the prompts were not taken"
grep -c "speech barge-in: the prompt stopped" "$WORK/server.log" | grep -q "^[2-9]" ||
  fail "barge: the server did not stop both prompts when the caller spoke"

# The server recognised five turns, logged outcome and confidence only — never the words.
grep -c " speech match (confidence" "$WORK/server.log" | grep -q "^[5-9]" ||
  { grep " speech " "$WORK/server.log"; fail "the server did not log five recognised turns"; }
grep -q "speech recognition: pocketsphinx model loaded" "$WORK/server.log" || fail "model not loaded"
if grep -qiE "buy something|technical support|\"yes\"" "$WORK/server.log"; then
  fail "the caller's words reached the server log"
fi
server_alive || fail "server died"
stop_server
echo PASS
