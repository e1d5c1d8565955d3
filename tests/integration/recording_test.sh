#!/usr/bin/env bash
# Recording end to end over real SIP: the test phone leaves a message to a Record module
# (audio from a WAV file), keys a card number in-band into a private Digits module, then a
# public key, while the app records the whole call in stereo. Afterwards:
# - both WAV files exist, 0600 in a 0700 directory, 8 kHz 16-bit, of plausible length;
# - the message holds the caller's speech; the whole call holds both sides;
# - the whole-call recording was paused for the private module (call log: paused/resumed, and
#   the paused seconds), and that stretch is digital silence in the file, at full length;
# - no DTMF tone can be found in either file (our own Goertzel detector, checked first on
#   generated tones), although every key was sent as a tone in the audio;
# - the card number reached no file or log.
source "$(dirname "$0")/lib.sh" "$1" "$2"
CHECK="$SOURCE_DIR/tests/integration/recording_check.py"
CARD=4111111111111111

python3 "$CHECK" selftest || fail "the tone detector of the checker does not work"

SIP_PORT="$(free_port)"
rtp_min=$(( (RANDOM % 200) * 100 + 20000 ))
cat >"$WORK/keyline.yaml" <<YAML
sip:
  listen: 127.0.0.1
  port: $SIP_PORT
media:
  rtp_port_min: $rtp_min
  rtp_port_max: $((rtp_min + 98))
apps_dir: $SOURCE_DIR/tests/integration/apps/recording
data_dir: $WORK/data
recording:
  directory: $WORK/recordings
log_level: info
api:
  port: 0
deployments:
  - name: rectest
    numbers: ["*"]
    app: rectest
YAML
start_server

# The caller's voice: two seconds of a voiced, vowel-like sound at about -12 dBFS.
python3 - "$WORK/voice.wav" <<'PY'
import math, struct, sys, wave
n = 16000
s = []
for t in range(n):
    env = min(1.0, t / 400, (n - t) / 400)
    v = sum(math.sin(2 * math.pi * 140 * h * t / 8000) / h for h in range(1, 12))
    s.append(int(4000 * env * v))
with wave.open(sys.argv[1], "wb") as w:
    w.setnchannels(1); w.setsampwidth(2); w.setframerate(8000)
    w.writeframes(struct.pack("<%dh" % n, *s))
PY

out="$WORK/call.txt"
"$KEYLINE" call "sip:100@127.0.0.1:$SIP_PORT" --dtmf-method inband --speak-wav "$WORK/voice.wav" \
  --dtmf "~ $CARD 1" --timeout 120 >"$out" 2>&1 || { cat "$out"; fail "phone exited non-zero"; }
cat "$out"
grep -q "spoke 2000 ms of audio" "$out" || fail "the phone did not speak"
grep -q "sent DTMF \"$CARD\" (in-band tones)" "$out" || fail "card not keyed as tones"
grep -q "BYE received" "$out" || fail "the server did not hang up"

wait_for_call_log "$WORK/logs.txt" "call:"
grep -q "main/msg (record): done:" "$WORK/logs.txt" || fail "the Record module did not finish with done"
grep -q "main/card (recording): paused" "$WORK/logs.txt" || fail "no pause for the private module"
grep -q "main/card (recording): resumed" "$WORK/logs.txt" || fail "no resume after the private module"
grep -q "main/card (digits): success:\[private\]" "$WORK/logs.txt" || fail "the card was not taken"
grep -q "main/confirm (digits): success:1" "$WORK/logs.txt" || fail "the public key was not taken"
paused=$(sed -n 's/.*call:[^ ]* ([0-9.]* s, paused \([0-9.]*\) s).*/\1/p' "$WORK/logs.txt")
[ -n "$paused" ] || fail "the call log has no call recording entry"

# Files and modes.
[ "$(stat -c %a "$WORK/recordings")" = 700 ] || fail "recordings directory is not 0700"
msg=$(ls "$WORK"/recordings/*-r1.wav) || fail "no Record module file"
whole=$(ls "$WORK"/recordings/*-call.wav) || fail "no whole-call file"
for f in "$msg" "$whole"; do
  [ "$(stat -c %a "$f")" = 600 ] || fail "$f is not 0600"
done

# channels seconds longest_zero_run keys_left keys_mixed caller_speech keyline_speech
read -r ch secs _ keys_l keys_m caller _ < <(python3 "$CHECK" info "$msg")
echo "message: $ch channel(s), $secs s, keys '$keys_l'/'$keys_m', caller speech $caller s"
[ "$ch" = 1 ] || fail "the message is not mono"
python3 -c "import sys; s=float('$secs'); sys.exit(0 if 3.0 <= s <= 15 else 1)" ||
  fail "message length $secs s is not 2 s of speech plus 1.5 s of final silence (and the pause before)"
python3 -c "import sys; sys.exit(0 if 1.5 <= float('$caller') <= 2.5 else 1)" ||
  fail "the message does not hold the 2 s of speech ($caller s)"
[ "$keys_l" = - ] || fail "a DTMF tone is in the message: $keys_l"

read -r ch secs zero keys_l keys_m caller keyline < <(python3 "$CHECK" info "$whole")
echo "whole call: $ch channels, $secs s, longest digital silence $zero s (paused $paused s)," \
  "keys '$keys_l'/'$keys_m', caller speech $caller s, keyline speech $keyline s"
[ "$ch" = 2 ] || fail "the whole-call recording is not stereo"
[ "$keys_l" = - ] && [ "$keys_m" = - ] || fail "DTMF tones are in the whole-call recording"
python3 - "$secs" "$zero" "$paused" "$caller" "$keyline" <<'PY' || fail "whole-call figures wrong"
import sys
secs, zero, paused, caller, keyline = map(float, sys.argv[1:])
# The private stretch holds the card prompt and 16 keys of 200 ms: at least 3.2 s.
assert paused >= 3.2, f"paused only {paused} s"
# The pause is digital silence on both channels, at its full length (to the frame).
assert zero >= paused - 0.02, f"longest silence {zero} s < paused {paused} s"
assert secs > paused + 4, f"call {secs} s too short"
assert 1.5 <= caller, f"caller side holds {caller} s of speech"
assert keyline >= 2, f"Keyline side holds {keyline} s of speech"
PY

# The private card number is nowhere on disk or in the log.
if grep -rqa "$CARD" "$WORK/data" "$WORK/server.log"; then fail "the card number reached disk"; fi
server_alive || fail "server died"
stop_server
echo PASS
