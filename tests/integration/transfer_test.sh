#!/usr/bin/env bash
# The Transfer module over real SIP (issues 6 and 3):
# - bridged: `keyline call` dials an app whose Transfer module calls a second test phone in
#   answer mode (`keyline call --answer`). The agent gets the INVITE with the module's X-
#   header, the post-connect keys as RFC 4733 events, and the caller's speech relayed; the
#   agent's audio (with a key as in-band tones in it) is relayed back to the caller; the agent
#   hangs up and the caller is back in the app (far_end_disconnect) and hears the rest of it.
# - busy (486 from the target) and no answer (CANCEL after timeout_ms) take their exits.
# - blind: SIPp calls an app that REFERs it; SIPp checks Refer-To/Referred-By, answers 202
#   and NOTIFYs 100 then 200 (sipfrag); Keyline answers each NOTIFY 200 and sends BYE.
source "$(dirname "$0")/lib.sh" "$1" "$2"
command -v sipp >/dev/null || fail "sipp not installed (scripts/setup installs sip-tester)"

AGENT_PORT="$(free_port)"
BUSY_PORT="$(free_port)"
SLOW_PORT="$(free_port)"
mkdir -p "$WORK/apps"
transfer_app() {  # name target mode extra-settings [extra-exits]
  cat >"$WORK/apps/$1.json" <<JSON
{"name": "$1", "pages": [{"name": "main", "modules": [
  {"type": "prompt", "name": "hello", "text": "Please hold while we connect you."},
  {"type": "transfer", "name": "agent", "mode": "$3", "target": "$2",
   "headers": {"X-Queue": "sales"} $4, "exits": {"busy": "busy", "noanswer": "noanswer" ${5:-}}},
  {"type": "prompt", "name": "back", "text": "Welcome back. Goodbye."},
  {"type": "exit", "name": "bye"},
  {"type": "prompt", "name": "busy", "text": "The line is busy. Goodbye."},
  {"type": "exit", "name": "bye_busy"},
  {"type": "prompt", "name": "noanswer", "text": "Nobody answered. Goodbye."},
  {"type": "exit", "name": "bye_noanswer"}
]}]}
JSON
}
transfer_app bridge "sip:agent@127.0.0.1:$AGENT_PORT" bridged \
  ', "dtmf": "42#", "timeout_ms": 30000, "max_duration_s": 120'
transfer_app busyline "sip:agent@127.0.0.1:$BUSY_PORT" bridged ''
transfer_app slowline "sip:agent@127.0.0.1:$SLOW_PORT" bridged ', "timeout_ms": 2000'
transfer_app blind "sip:agent@192.0.2.10:5070" blind '' ', "error": "back"'
for app in bridge busyline slowline blind; do
  "$KEYLINE" validate "$WORK/apps/$app.json" || fail "$app.json does not validate"
done

SIP_PORT="$(free_port)"
rtp_min=$(( (RANDOM % 200) * 100 + 20000 ))
cat >"$WORK/keyline.yaml" <<YAML
sip:
  listen: 127.0.0.1
  port: $SIP_PORT
media:
  rtp_port_min: $rtp_min
  rtp_port_max: $((rtp_min + 98))
apps_dir: $WORK/apps
data_dir: $WORK/data
log_level: info
api:
  port: 0
deployments:
  - {name: bridge, numbers: ["100"], app: bridge}
  - {name: busyline, numbers: ["300"], app: busyline}
  - {name: slowline, numbers: ["400"], app: slowline}
  - {name: blind, numbers: ["200"], app: blind}
YAML
start_server

logs_with() {  # wait until the call logs mention $1
  for _ in $(seq 1 100); do
    "$KEYLINE" logs --data-dir "$WORK/data" >"$WORK/logs.txt" 2>&1 && grep -q "$1" "$WORK/logs.txt" &&
      return 0
    sleep 0.2
  done
  cat "$WORK/logs.txt"
  return 1
}

echo "== bridged: caller <-> agent, post-connect keys, far end hangs up"
"$KEYLINE" call --answer "sip:agent@127.0.0.1:$AGENT_PORT" --say "hello this is the agent" \
  --dtmf 7 --hangup-after-ms 12000 --timeout 120 >"$WORK/agent.txt" 2>&1 &
AGENT_PID=$!
for _ in $(seq 1 100); do grep -q "listening on" "$WORK/agent.txt" && break; sleep 0.1; done
# The caller keys 9 once the hold prompt ends (for the agent if the bridge is up by then, else
# ignored), then speaks at its next turn: after it hears something new, which can only be the
# agent through the bridge.
"$KEYLINE" call "sip:100@127.0.0.1:$SIP_PORT" --dtmf 9 --say "hello agent" --timeout 120 \
  >"$WORK/caller.txt" 2>&1 || { cat "$WORK/caller.txt"; cat "$WORK/agent.txt"; fail "caller failed"; }
wait "$AGENT_PID" || { cat "$WORK/agent.txt"; fail "agent phone failed"; }
echo "--- caller"; cat "$WORK/caller.txt"
echo "--- agent"; cat "$WORK/agent.txt"
grep -q "INVITE received from .*X-Queue=sales" "$WORK/agent.txt" || fail "X-Queue header not sent"
grep -q "dtmf_received=42#" "$WORK/agent.txt" || fail "post-connect keys did not reach the agent"
grep -q "speech received from the caller" "$WORK/agent.txt" || fail "caller audio not relayed"
grep -q "said \"hello this is the agent\"" "$WORK/agent.txt" || fail "the agent did not speak"
grep -q "phrases_said=1/1" "$WORK/caller.txt" || fail "the caller did not speak"
# The agent keyed 7 as tones in its audio: only the audio relay can carry them to the caller.
grep -q "dtmf_received=7 " "$WORK/caller.txt" || fail "the agent's audio did not reach the caller"
grep -q "ended=remote_bye" "$WORK/caller.txt" || fail "the app did not hang up the caller"
logs_with "main/back" || fail "the caller did not come back to the app"
grep -q "main/agent (transfer): far_end_disconnect:200" "$WORK/logs.txt" ||
  fail "transfer not logged as far_end_disconnect"

echo "== bridged: busy target"
"$KEYLINE" call --answer "sip:agent@127.0.0.1:$BUSY_PORT" --reject 486 --timeout 120 \
  >"$WORK/busy.txt" 2>&1 &
BUSY_PID=$!
for _ in $(seq 1 100); do grep -q "listening on" "$WORK/busy.txt" && break; sleep 0.1; done
"$KEYLINE" call "sip:300@127.0.0.1:$SIP_PORT" --timeout 120 >"$WORK/caller-busy.txt" 2>&1 ||
  { cat "$WORK/caller-busy.txt"; fail "busy caller failed"; }
wait "$BUSY_PID" || { cat "$WORK/busy.txt"; fail "busy phone failed"; }
grep -q "refusing with 486" "$WORK/busy.txt" || fail "busy phone got no INVITE"
logs_with "main/agent (transfer): busy:486" || fail "busy not logged"
grep -q "main/busy (prompt)" "$WORK/logs.txt" || fail "busy exit not taken"

echo "== bridged: no answer within timeout_ms: CANCEL"
"$KEYLINE" call --answer "sip:agent@127.0.0.1:$SLOW_PORT" --ring-ms 600000 --timeout 60 \
  >"$WORK/slow.txt" 2>&1 &
SLOW_PID=$!
for _ in $(seq 1 100); do grep -q "listening on" "$WORK/slow.txt" && break; sleep 0.1; done
"$KEYLINE" call "sip:400@127.0.0.1:$SIP_PORT" --timeout 120 >"$WORK/caller-slow.txt" 2>&1 ||
  { cat "$WORK/caller-slow.txt"; fail "no-answer caller failed"; }
wait "$SLOW_PID" || true  # a cancelled call is not a clean one for the phone
cat "$WORK/slow.txt"
grep -q "call ended: cancelled" "$WORK/slow.txt" || fail "the slow target was not cancelled"
logs_with "main/agent (transfer): noanswer" || fail "noanswer not logged"
grep -q "main/noanswer (prompt)" "$WORK/logs.txt" || fail "noanswer exit not taken"

echo "== blind: REFER, 202, NOTIFY 100 and 200 (sipfrag), BYE"
sport="$(free_port)"
mport=$(( (RANDOM % 500) * 2 + 30000 ))
(cd "$WORK" && timeout 90 sipp -sf "$SOURCE_DIR/tests/integration/sipp/uac_refer.xml" -s 200 \
  -m 1 -i 127.0.0.1 -p "$sport" -mi 127.0.0.1 -mp "$mport" -nostdin -timeout 80s \
  -timeout_error -trace_err "127.0.0.1:$SIP_PORT" >"$WORK/sipp-refer.out" 2>&1) ||
  { tail -40 "$WORK/sipp-refer.out"; cat "$WORK"/*errors.log 2>/dev/null; fail "REFER scenario failed"; }
logs_with "exit transferred" || fail "blind transfer not logged as transferred"
grep -q "main/agent (transfer): done:200" "$WORK/logs.txt" || fail "blind transfer visit not logged"
server_alive || fail "server died"
stop_server
echo PASS
