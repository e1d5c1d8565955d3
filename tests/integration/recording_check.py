#!/usr/bin/env python3
"""Checks a recording for DTMF tones and measures its silence, for recording_test.sh.

  recording_check.py selftest              the detector finds keys in generated tones
  recording_check.py info FILE.wav         prints: channels seconds longest_zero_run_s
                                           keys_left keys_mixed caller_speech_s keyline_speech_s

The detector is our own (Goertzel filters on 10 ms blocks, a row and a column tone each
holding most of the block's energy, two blocks in a row), independent of the server's
spandsp detector, so the test does not grade the server with the server's own tool.
"""
import math
import struct
import sys
import wave

ROWS = [697, 770, 852, 941]
COLS = [1209, 1336, 1477, 1633]
KEYS = ["123A", "456B", "789C", "*0#D"]
BLOCK = 80  # 10 ms at 8 kHz


def goertzel(block, freq):
    k = 2 * math.cos(2 * math.pi * freq / 8000)
    s1 = s2 = 0.0
    for x in block:
        s0 = x + k * s1 - s2
        s2, s1 = s1, s0
    return s1 * s1 + s2 * s2 - k * s1 * s2


def detect(samples):
    keys = []
    last = None
    held = 0
    for i in range(0, len(samples) - BLOCK + 1, BLOCK):
        block = samples[i:i + BLOCK]
        energy = sum(x * x for x in block)
        key = None
        if energy > BLOCK * 100 * 100:  # about -50 dBFS: below that, no key
            rows = [goertzel(block, f) for f in ROWS]
            cols = [goertzel(block, f) for f in COLS]
            r = max(range(4), key=lambda j: rows[j])
            c = max(range(4), key=lambda j: cols[j])
            # A pure pair puts nearly all energy in its two bins (Goertzel power ~ N/2 * E).
            share = (rows[r] + cols[c]) / (energy * BLOCK / 2)
            others = sorted(rows)[-2] + sorted(cols)[-2]
            if share > 0.5 and others < 0.1 * (rows[r] + cols[c]):
                key = KEYS[r][c]
        if key is not None and key == last:
            held += 1
            if held == 2:
                keys.append(key)
        else:
            held = 1 if key is not None else 0
        last = key
    return "".join(keys)


def tone(key, ms, dbm0):
    r = next(i for i, row in enumerate(KEYS) if key in row)
    c = KEYS[r].index(key)
    amp = 32768 * math.sqrt(2) * 10 ** ((dbm0 - 3.14) / 20)
    n = ms * 8
    return [int(amp * (math.sin(2 * math.pi * ROWS[r] * t / 8000) +
                       math.sin(2 * math.pi * COLS[c] * t / 8000))) for t in range(n)]


def ulaw_round_trip(samples):
    # What the phone's tones are by the time the server decodes them: G.711 mu-law.
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import audioop
    pcm = struct.pack("<%dh" % len(samples), *samples)
    back = audioop.ulaw2lin(audioop.lin2ulaw(pcm, 2), 2)
    return list(struct.unpack("<%dh" % len(samples), back))


def selftest():
    digits = "41111111111111111#"
    samples = [0] * 800
    for d in digits:
        samples += tone(d, 100, -10) + [0] * 800
    found = detect(samples)
    if found != digits:
        sys.exit(f"selftest: detector found {found!r}, want {digits!r}")
    # Through mu-law, and with a voiced sound under the tones (as a key pressed while talking).
    voiced = [int(1500 * math.sin(2 * math.pi * 140 * t / 8000)) for t in range(len(samples))]
    mixed = ulaw_round_trip([max(-32768, min(32767, a + b)) for a, b in zip(samples, voiced)])
    found = detect(mixed)
    if found != digits:
        sys.exit(f"selftest: detector found {found!r} through mu-law with speech, want {digits!r}")
    print("selftest ok")


def speech_seconds(samples):
    n = 0
    for i in range(0, len(samples) - 160 + 1, 160):
        block = samples[i:i + 160]
        if sum(x * x for x in block) / 160 > 300 * 300:  # about -40 dBFS
            n += 1
    return n * 0.02


def info(path):
    with wave.open(path, "rb") as w:
        ch, rate, width = w.getnchannels(), w.getframerate(), w.getsampwidth()
        frames = w.readframes(w.getnframes())
    if rate != 8000 or width != 2:
        sys.exit(f"{path}: {rate} Hz, {width * 8} bit: not 8 kHz 16-bit")
    data = struct.unpack("<%dh" % (len(frames) // 2), frames)
    n = len(data) // ch
    left = data[0::ch]
    right = data[1::ch] if ch > 1 else [0] * n
    mixed = [max(-32768, min(32767, a + b)) for a, b in zip(left, right)]
    longest = run = 0
    for i in range(n):
        if all(data[i * ch + j] == 0 for j in range(ch)):
            run += 1
            longest = max(longest, run)
        else:
            run = 0
    print(ch, "%.2f" % (n / 8000), "%.2f" % (longest / 8000), detect(left) or "-",
          detect(mixed) or "-", "%.2f" % speech_seconds(left),
          "%.2f" % (speech_seconds(right) if ch > 1 else 0))


if __name__ == "__main__":
    if sys.argv[1] == "selftest":
        selftest()
    else:
        info(sys.argv[2])
