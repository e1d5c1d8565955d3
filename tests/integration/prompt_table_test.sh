#!/usr/bin/env bash
# Prompt tables through the real `keyline validate`: recorded prompts from the document's
# "prompts" table and a bulk-import folder are loaded as `serve` loads them; a missing,
# truncated or stereo file and an unknown prompt id are each reported as file:line:col (or
# file: reason for a folder) with exit 1; the fixed app validates.
source "$(dirname "$0")/lib.sh" "$1" "$2"

expect() {  # expect WHAT PATTERN: the output holds PATTERN (an extended regex)
  grep -qE "$2" "$WORK/out.txt" || fail "$1: missing: $2"
}

mkdir -p "$WORK/app/audio" "$WORK/app/prompts/en-US" "$WORK/app/prompts/es"
python3 - "$WORK/app" <<'PY'
import math, struct, sys, wave
root = sys.argv[1]
def tone(path, rate, channels=1, seconds=0.3):
    with wave.open(path, "wb") as w:
        w.setnchannels(channels); w.setsampwidth(2); w.setframerate(rate)
        n = int(rate * seconds)
        w.writeframes(b"".join(struct.pack("<h", int(8000 * math.sin(i / 5))) * channels
                               for i in range(n)))
tone(root + "/audio/welcome.wav", 16000)
tone(root + "/audio/stereo.wav", 8000, channels=2)
tone(root + "/prompts/en-US/goodbye.wav", 8000)
open(root + "/prompts/es/goodbye.ul", "wb").write(bytes([0xFF]) * 800)
data = open(root + "/audio/welcome.wav", "rb").read()
open(root + "/audio/cut.wav", "wb").write(data[:len(data) // 2])
open(root + "/prompts/en-US/notes.txt", "w").write("not audio")
PY

cat >"$WORK/app/broken.json" <<'JSON'
{
  "name": "broken",
  "settings": {"prompts_dir": "prompts"},
  "prompts": {
    "en-US": {"welcome": {"file": "audio/welcome.wav", "text": "Welcome."},
              "cut": {"file": "audio/cut.wav", "text": "Cut."},
              "stereo": {"file": "audio/stereo.wav"},
              "gone": {"file": "audio/gone.wav", "text": "Gone."}}
  },
  "pages": [{"name": "main", "modules": [
    {"type": "prompt", "name": "hello", "prompt_id": "welcome"},
    {"type": "prompt", "name": "bye", "prompt_id": "goodbye"},
    {"type": "prompt", "name": "oops", "prompt_id": "nowhere"}
  ]}]
}
JSON
rc=0; "$KEYLINE" validate "$WORK/app/broken.json" >"$WORK/out.txt" 2>&1 || rc=$?
cat "$WORK/out.txt"
[ "$rc" = 1 ] || fail "broken: exit $rc, expected 1"
expect cut "broken.json:6:[0-9]+: .*audio/cut.wav: truncated chunk"
expect stereo "broken.json:7:[0-9]+: .*audio/stereo.wav: 2 channels \(stereo is not supported"
expect gone "broken.json:8:[0-9]+: .*audio/gone.wav: no such file"
expect id "broken.json:13:[0-9]+: prompt id 'nowhere' is neither in the 'prompts' table nor a file"
expect folder "prompts/en-US/notes.txt: not an audio prompt"
grep -q "welcome" "$WORK/out.txt" && fail "the good 16 kHz file was reported"
grep -q "goodbye" "$WORK/out.txt" && fail "the folder's good files were reported"

# Without a folder the parser itself checks the ids.
cat >"$WORK/app/noid.json" <<'JSON'
{"name": "noid", "prompts": {"en-US": {"hi": "Hi."}},
 "pages": [{"name": "main", "modules": [{"type": "prompt", "name": "x", "prompt_id": "ho"}]}]}
JSON
rc=0; "$KEYLINE" validate "$WORK/app/noid.json" >"$WORK/out.txt" 2>&1 || rc=$?
cat "$WORK/out.txt"
[ "$rc" = 1 ] || fail "noid: exit $rc, expected 1"
expect noid "noid.json:2:[0-9]+: prompt id 'ho' is not in the app's 'prompts' table"

rm "$WORK/app/audio/cut.wav" "$WORK/app/audio/stereo.wav" "$WORK/app/prompts/en-US/notes.txt"
python3 - "$WORK/app/broken.json" "$WORK/app/fixed.json" <<'PY'
import json, sys
app = json.load(open(sys.argv[1]))
for bad in ("cut", "stereo", "gone"):
    del app["prompts"]["en-US"][bad]
app["pages"][0]["modules"].pop()
json.dump(app, open(sys.argv[2], "w"))
PY
"$KEYLINE" validate "$WORK/app/fixed.json" >"$WORK/out.txt" 2>&1 || { cat "$WORK/out.txt"; fail "fixed app"; }
expect fixed "fixed.json: ok"
echo PASS
