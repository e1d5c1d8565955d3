#!/usr/bin/env bash
# The Call Recording module over real SIP, in an app with no settings.record_call: start
# (stereo), a prompt, pause, a prompt, resume, a prompt, stop, a last prompt. The prompts are
# recorded tones of known lengths (prompt table), so the file can be checked against them:
# - its length is start-to-stop (first three prompts), not the whole call;
# - Keyline's channel holds the un-paused prompts' audio (first + third), not the paused one
#   (written as digital silence at its full length) and not the one after the stop.
# Tolerances are wide (±50%): the checks are about what is in the file, not timing.
source "$(dirname "$0")/lib.sh" "$1" "$2"
CHECK="$SOURCE_DIR/tests/integration/recording_check.py"

mkdir -p "$WORK/apps/prompts/en-US"
for spec in one:2.0:1000 two:3.0:700 three:1.5:1200 four:4.0:900; do
  IFS=: read -r id secs freq <<<"$spec"
  python3 - "$WORK/apps/prompts/en-US/$id.wav" "$secs" "$freq" <<'PY'
import math, struct, sys, wave
n, f = int(float(sys.argv[2]) * 8000), float(sys.argv[3])
with wave.open(sys.argv[1], "wb") as w:
    w.setnchannels(1); w.setsampwidth(2); w.setframerate(8000)
    w.writeframes(b"".join(struct.pack("<h", int(10000 * math.sin(2 * math.pi * f * i / 8000)))
                           for i in range(n)))
PY
done
cat >"$WORK/apps/control.json" <<'JSON'
{
  "name": "control",
  "settings": {"language": "en-US", "prompts_dir": "prompts"},
  "pages": [{"name": "main", "modules": [
    {"type": "call_recording", "name": "rec", "action": "start", "channels": "stereo",
     "exits": {"error": "broken"}},
    {"type": "prompt", "name": "one", "prompt_id": "one", "text": "one"},
    {"type": "call_recording", "name": "hold", "action": "pause", "exits": {"error": "broken"}},
    {"type": "prompt", "name": "two", "prompt_id": "two", "text": "two"},
    {"type": "call_recording", "name": "go", "action": "resume", "exits": {"error": "broken"}},
    {"type": "prompt", "name": "three", "prompt_id": "three", "text": "three"},
    {"type": "call_recording", "name": "end", "action": "stop", "exits": {"error": "broken"}},
    {"type": "prompt", "name": "four", "prompt_id": "four", "text": "four"},
    {"type": "call_recording", "name": "again", "action": "stop"},
    {"type": "exit", "name": "bye"},
    {"type": "prompt", "name": "broken", "text": "The recording failed."}
  ]}]
}
JSON
"$KEYLINE" validate "$WORK/apps/control.json" || fail "the test app does not validate"

SIP_PORT="$(free_port)"
rtp_min=$(( (RANDOM % 200) * 100 + 20000 ))
cat >"$WORK/keyline.yaml" <<YAML
sip: {listen: 127.0.0.1, port: $SIP_PORT}
media: {rtp_port_min: $rtp_min, rtp_port_max: $((rtp_min + 98))}
apps_dir: $WORK/apps
data_dir: $WORK/data
recording: {directory: $WORK/recordings}
log_level: info
api: {port: 0}
deployments:
  - {name: ctl, numbers: ["*"], app: control}
YAML
start_server

out="$WORK/phone.txt"
"$KEYLINE" call "sip:100@127.0.0.1:$SIP_PORT" --timeout 120 >"$out" 2>&1 ||
  { cat "$out"; fail "phone exited non-zero"; }
cat "$out"
grep -q "BYE received" "$out" || fail "the server did not hang up"

wait_for_call_log "$WORK/logs.txt" "call:"
for step in "rec (call_recording): done:start" "hold (call_recording): done:pause" \
            "go (call_recording): done:resume" "end (call_recording): done:stop"; do
  grep -q "main/$step" "$WORK/logs.txt" || fail "call log lacks '$step'"
done
# A second stop has nothing to stop: its error exit (unwired) goes on to the Exit module.
grep -q "main/again (call_recording): error:stop: no call recording is running" "$WORK/logs.txt" ||
  fail "the second stop did not fail"
grep -q "main/broken" "$WORK/logs.txt" && fail "a control failed"

whole=$(ls "$WORK"/recordings/*-call.wav) || fail "no whole-call file"
[ "$(ls "$WORK"/recordings | wc -l)" = 1 ] || fail "expected exactly one file"
[ "$(stat -c %a "$whole")" = 600 ] || fail "$whole is not 0600"

# channels seconds longest_zero_run keys_left keys_mixed caller_speech keyline_speech
read -r ch secs zero _ _ _ keyline < <(python3 "$CHECK" info "$whole")
echo "recording: $ch channels, $secs s, longest digital silence $zero s, keyline audio $keyline s"
[ "$ch" = 2 ] || fail "not stereo"
python3 - "$secs" "$zero" "$keyline" <<'PY' || fail "the file does not match the un-paused prompts"
import sys
secs, zero, keyline = map(float, sys.argv[1:])
def near(value, want):
    return 0.5 * want <= value <= 1.5 * want
# Start to stop: prompts one, two and three (6.5 s); four (4 s) came after the stop.
assert near(secs, 6.5), f"file {secs} s, want about 6.5 s"
# Keyline's side holds one and three (3.5 s); with two it would be 6.5 s, with four 7.5 s.
assert near(keyline, 3.5), f"keyline audio {keyline} s, want about 3.5 s"
# The pause (prompt two, 3 s) is digital silence on both channels.
assert near(zero, 3.0), f"longest digital silence {zero} s, want about 3 s"
PY

echo "== the recording through the API (metadata, audio, delete)"
API_PORT="$(sed -n 's/.*listening for HTTPS on 127.0.0.1:\([0-9]*\).*/\1/p' "$WORK/server.log")"
[ -n "$API_PORT" ] || fail "no API port in the server log"
CERT="$WORK/data/api-cert.pem"
api() { api_as "$3" "$1" "$2" "${4:-}"; }  # api METHOD PATH KEY [JSON]
ADMIN="$("$KEYLINE" apikey create --email admin@example.com --role admin --data-dir "$WORK/data")"
DEV="$("$KEYLINE" apikey create --email dev@example.com --role developer --data-dir "$WORK/data")"
VIEWER="$("$KEYLINE" apikey create --email viewer@example.com --role viewer --data-dir "$WORK/data")"
session=$(basename "$whole" -call.wav)
# The row is written by the sender's thread after the call: wait for it.
for _ in $(seq 1 100); do
  [ "$(api GET "/v1/recordings?session_id=$session" "$ADMIN")" = 200 ] &&
    [ "$(json "len(d['recordings'])")" = 1 ] && break
  sleep 0.1
done
expect "$(json "len(d['recordings'])")" 1 "recordings of the session"
expect "$(json "d['recordings'][0]['app']")" control "app"
expect "$(json "d['recordings'][0]['channels']")" stereo "channels"
expect "$(json "d['recordings'][0]['upload_state']")" kept "upload state (no upload configured)"
expect "$(json "d['recordings'][0]['deleted']")" False "deleted"
expect "$(json "d['recordings'][0]['bytes']")" "$(stat -c %s "$whole")" "bytes"
expect "$(json "abs(d['recordings'][0]['duration_ms'] / 1000 - $secs) < 0.1")" True "duration"
id=$(json "d['recordings'][0]['id']")
expect "$(api GET "/v1/recordings?app=nosuchapp" "$ADMIN")" 200 "filter by app"
expect "$(json "len(d['recordings'])")" 0 "another app's recordings"
expect "$(api GET "/v1/recordings?from=2000-01-01T00:00:00Z&to=2000-01-02T00:00:00Z" "$ADMIN")" 200 "time range"
expect "$(json "len(d['recordings'])")" 0 "recordings of another day"
expect "$(api GET "/v1/recordings?bogus=1" "$ADMIN")" 400 "unknown parameter"
# A config-file deployment's call: its recording, like its call log, is the admins' only.
expect "$(api GET "/v1/recordings/$id" "$VIEWER")" 404 "a viewer does not see a config deployment's recording"
expect "$(api GET "/v1/recordings" "$DEV")" 200 "a developer lists"
expect "$(json "len(d['recordings'])")" 0 "no config deployment's recording for a developer"
expect "$(api GET "/v1/recordings/$id" "$ADMIN")" 200 "one recording"
expect "$(json "d['session_id']")" "$session" "its session"
expect "$(api GET "/v1/recordings/$id/audio" "$VIEWER")" 403 "a viewer may not listen"
expect "$(api GET "/v1/recordings/$id/audio" "$DEV")" 404 "a developer who may not read the call"
expect "$(api GET "/v1/recordings/$id/audio" "$ADMIN")" 200 "an admin may"
cmp -s "$WORK/body" "$whole" || fail "the audio is not the file"
expect "$(api GET "/v1/audit" "$ADMIN")" 200 "audit log"
grep -q '"recording.download"' "$WORK/body" || fail "the download was not audit-logged"
expect "$(api DELETE "/v1/recordings/$id" "$VIEWER")" 403 "a viewer may not delete"
expect "$(api DELETE "/v1/recordings/$id" "$DEV")" 404 "a developer who may not read the call may not delete"
expect "$(api DELETE "/v1/recordings/$id" "$ADMIN")" 204 "delete"
[ -e "$whole" ] && fail "the file is still on disk after DELETE"
expect "$(api GET "/v1/recordings/$id" "$ADMIN")" 200 "the row stays"
expect "$(json "d['deleted']")" True "marked deleted"
expect "$(api GET "/v1/recordings/$id/audio" "$ADMIN")" 410 "audio of a deleted recording"
expect "$(api GET "/v1/recordings/999999" "$VIEWER")" 404 "no such recording"

server_alive || fail "server died"
stop_server
echo PASS
