#!/usr/bin/env bash
# Recorded prompts, the app's voice and the TTS cache in a real call: an app (voice slt) whose
# greeting is a recording from its prompts folder (a 1 kHz tone, so the phone's recording proves
# the file played, not TTS), then a public prompt, a private entry and read-back, and a "do not cache" goodbye. Afterwards
# the disk cache holds exactly the public prompt, its files are 0600 in a 0700 directory, and no
# cache file holds any text or the private digits.
source "$(dirname "$0")/lib.sh" "$1" "$2"

mkdir -p "$WORK/apps/prompts/en-US"
python3 - "$WORK/apps/prompts/en-US/hello.wav" <<'PY'
import math, struct, sys, wave
with wave.open(sys.argv[1], "wb") as w:
    w.setnchannels(1); w.setsampwidth(2); w.setframerate(16000)
    w.writeframes(b"".join(struct.pack("<h", int(12000 * math.sin(2 * math.pi * 1000 * i / 16000)))
                           for i in range(24000)))
PY
cat >"$WORK/apps/recorded.json" <<'JSON'
{
  "name": "recorded",
  "settings": {"language": "en-US", "voice": "slt", "prompts_dir": "prompts", "voices": {"es": "es"}},
  "prompts": {"en-US": {"bye": "Goodbye."}},
  "pages": [{"name": "main", "modules": [
    {"type": "prompt", "name": "hello", "prompt_id": "hello", "text": "Hello."},
    {"type": "prompt", "name": "intro", "text": "Please listen carefully."},
    {"type": "digits", "name": "acct", "private": true, "prompt": "Enter your code.",
     "min_digits": 4, "max_digits": 4},
    {"type": "prompt", "name": "readback", "text": "You entered {{acct|digits}}."},
    {"type": "prompt", "name": "bye", "prompt_id": "bye", "exclude_from_cache": true},
    {"type": "exit", "name": "done"}
  ]}]
}
JSON
"$KEYLINE" validate "$WORK/apps/recorded.json" || fail "the test app does not validate"

SIP_PORT="$(free_port)"
rtp_min=$(( (RANDOM % 200) * 100 + 20000 ))
cat >"$WORK/keyline.yaml" <<YAML
sip: {listen: 127.0.0.1, port: $SIP_PORT}
media: {rtp_port_min: $rtp_min, rtp_port_max: $((rtp_min + 98))}
apps_dir: $WORK/apps
data_dir: $WORK/data
api: {port: 0}
tts:
  cache: {disk_dir: $WORK/ttscache, disk_max_mb: 16, disk_ttl_hours: 24}
deployments:
  - {name: rec, numbers: ["*"], app: recorded}
YAML
start_server
grep -q "app recorded: 1 recorded prompt(s)" "$WORK/server.log" || fail "the recording was not loaded"

out="$WORK/phone.txt"
"$KEYLINE" call "sip:100@127.0.0.1:$SIP_PORT" --dtmf "4815" --record "$WORK/heard.wav" \
  --timeout 60 >"$out" 2>&1 || { cat "$out"; fail "phone exited non-zero"; }
cat "$out"
grep -q "BYE received" "$out" || fail "server did not hang up"
# The app's voice, not the server's default (kal), spoke its TTS prompts.
grep -q "voice for en-US: flite:slt" "$WORK/server.log" || fail "the app's voice was not used"

# The first 1.5 s heard must be dominated by 1 kHz: the file, not a voice.
python3 - "$WORK/heard.wav" <<'PY' || fail "the recorded prompt was not heard"
import math, struct, sys, wave
w = wave.open(sys.argv[1]); rate = w.getframerate()
s = struct.unpack("<%dh" % w.getnframes(), w.readframes(w.getnframes()))
start = next((i for i, v in enumerate(s) if abs(v) > 2000), None)
assert start is not None, "silence"
block = s[start + 400:start + 400 + 8000]
def power(f):
    k = 2 * math.cos(2 * math.pi * f / rate); a = b = 0.0
    for x in block: a, b = x + k * a - b, a
    return a * a + b * b - k * a * b
ratio = power(1000) / max(1.0, sum(power(f) for f in (300, 500, 700, 1500, 2000, 3000)))
print("1 kHz dominance", round(ratio, 1))
assert ratio > 20, ratio
PY

[ -d "$WORK/ttscache" ] || fail "no disk cache directory"
[ "$(stat -c %a "$WORK/ttscache")" = 700 ] || fail "cache directory is not 0700"
files=$(find "$WORK/ttscache" -type f | wc -l)
[ "$files" = 1 ] || { ls -l "$WORK/ttscache"; fail "expected exactly 1 cached rendering (the public prompt), found $files"; }
for f in "$WORK"/ttscache/*; do
  [ "$(stat -c %a "$f")" = 600 ] || fail "$f is not 0600"
done
if grep -rqaE "4815|4 8 1 5|Enter your code|Goodbye|listen" "$WORK/ttscache"; then fail "text reached the cache files"; fi
stop_server
echo PASS
