#!/usr/bin/env bash
# `keyline amd FILE`: the answering-machine detector on generated answers written as WAV files
# (a fax calling tone, a machine that only beeps, dead air), and its usage errors.
source "$(dirname "$0")/lib.sh" "$1" "$2"

# make_wav FILE SPEC...: SPEC is "tone:HZ:MS" or "silence:MS"; 8 kHz mono 16-bit, -15 dBFS tones.
make_wav() {
  python3 - "$@" <<'PY'
import math, struct, sys, wave
out, specs = sys.argv[1], sys.argv[2:]
samples = []
for spec in specs:
    kind, *args = spec.split(":")
    if kind == "tone":
        hz, ms = float(args[0]), int(args[1])
        amp = 32767 * math.sqrt(2) * 10 ** (-15 / 20)
        samples += [int(amp * math.sin(2 * math.pi * hz * i / 8000)) for i in range(ms * 8)]
    else:
        samples += [0] * (int(args[0]) * 8)
with wave.open(out, "wb") as w:
    w.setnchannels(1); w.setsampwidth(2); w.setframerate(8000)
    w.writeframes(struct.pack("<%dh" % len(samples), *samples))
PY
}

make_wav "$WORK/fax.wav" silence:300 tone:1100:500 silence:3000 tone:1100:500
make_wav "$WORK/beep.wav" silence:500 tone:1000:400 silence:3000
make_wav "$WORK/quiet.wav" silence:5000

out=$("$KEYLINE" amd "$WORK/fax.wav") || fail "fax: exit $?"
echo "$out"
[[ "$out" =~ ^fax\ reason=cng\ decision_ms=[0-9]+$ ]] || fail "fax: got '$out'"

out=$("$KEYLINE" amd "$WORK/beep.wav") || fail "beep: exit $?"
echo "$out"
[[ "$out" =~ ^answeringmachine\ reason=beep\ .*ready_ms=[0-9]+\ beep_hz=(99[0-9]|100[0-9])$ ]] ||
  fail "beep: got '$out'"

out=$("$KEYLINE" amd "$WORK/quiet.wav") || fail "quiet: exit $?"
echo "$out"
[[ "$out" =~ ^unknown\ reason=initial_silence ]] || fail "quiet: got '$out'"
# A setting changes the outcome: a 2 s initial-silence limit decides sooner.
out=$("$KEYLINE" amd "$WORK/quiet.wav" --initial-silence-ms 2000) || fail "setting: exit $?"
[[ "$out" == "unknown reason=initial_silence decision_ms=2000" ]] || fail "setting: got '$out'"

rc=0; "$KEYLINE" amd >/dev/null 2>&1 || rc=$?
[ "$rc" = 2 ] || fail "no file: exit $rc, expected 2"
rc=0; "$KEYLINE" amd "$WORK/missing.wav" 2>"$WORK/err.txt" || rc=$?
[ "$rc" = 2 ] || fail "missing file: exit $rc, expected 2"
rc=0; "$KEYLINE" amd "$WORK/quiet.wav" --max-words x 2>/dev/null || rc=$?
[ "$rc" = 2 ] || fail "bad number: exit $rc, expected 2"
echo "PASS"
