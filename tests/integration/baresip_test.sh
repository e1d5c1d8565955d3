#!/usr/bin/env bash
# Keyline against baresip (Debian's baresip 1.0.0), an independent SIP user agent with its own
# SIP, SDP and RTP stacks (issue 3): a headless baresip calls the demo app, sends a tone from a
# WAV file over PCMU for a few seconds, then quits, which hangs up with BYE. Asserted from
# Keyline's side: the server log shows the call from baresip's address and its BYE, and the
# call log shows the call answered with RTP packets received from baresip.
source "$(dirname "$0")/lib.sh" "$1" "$2"
command -v baresip >/dev/null || fail "baresip not installed (scripts/setup installs baresip-core)"
write_config
start_server

# baresip's own configuration directory (-f), so nothing is read from or written to ~/.baresip.
# Only the modules the call needs: g711 (PCMU/PCMA), aufile as the audio source (Debian's 1.0.0
# has no file or null player; without a player baresip just does not play what it receives),
# account to read `accounts`, and menu, which runs the -e command. No audio devices are touched.
BS_DIR="$WORK/baresip"
mkdir -p "$BS_DIR"
python3 - "$BS_DIR/tone.wav" <<'PY'
import math, struct, sys, wave
# 30 s of 440 Hz at 8 kHz mono, longer than the call, so baresip never runs out of audio to send.
w = wave.open(sys.argv[1], "wb"); w.setnchannels(1); w.setsampwidth(2); w.setframerate(8000)
w.writeframes(b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i / 8000)))
                       for i in range(8000 * 30)))
w.close()
PY
# An anonymous local account: no registrar (regint=0), calls go straight to the dialled URI.
echo '<sip:baresip@127.0.0.1>;regint=0' >"$BS_DIR/accounts"

write_baresip_config() {
  cat >"$BS_DIR/config" <<CONF
poll_method		epoll
sip_listen		127.0.0.1:$BS_PORT
audio_source		aufile,$BS_DIR/tone.wav
module_path		/usr/lib/baresip/modules
module			g711.so
module			aufile.so
module_tmp		account.so
module_app		menu.so
CONF
}

# -t 5: baresip quits 5 s after it starts, and quitting hangs the call up with a BYE (Debian's
# 1.0.0 runs -e commands only at start, so a later /hangup cannot be scripted this way).
# The outer timeout (60 s, over 10x the expected 5 s) only guards a hang.
# free_port's port may be taken by a neighbour before baresip binds it; baresip then exits 98
# ("Address already in use"): pick another port and try again, as start_server does.
BS_RC=0
for attempt in 1 2 3 4 5; do
  BS_PORT="$(free_port)"
  write_baresip_config
  BS_RC=0
  timeout 60 baresip -f "$BS_DIR" -t 5 -e "/dial sip:100@127.0.0.1:$SIP_PORT" \
    </dev/null >"$WORK/baresip.out" 2>&1 || BS_RC=$?
  grep -q "Address already in use" "$WORK/baresip.out" || break
  echo "baresip: port $BS_PORT was taken, retrying (attempt $attempt)" >&2
done
# Its status line redraws with \r many times a second: keep only the lines worth reading.
tr '\r' '\n' <"$WORK/baresip.out" | grep -v 'audio=.*(bit/s)' | grep -v '^$' | grep -v '^/' || true
[ "$BS_RC" = 0 ] || fail "baresip exited $BS_RC"
grep -q "Call established: sip:100@127.0.0.1:$SIP_PORT" "$WORK/baresip.out" ||
  fail "baresip did not report the call established"

# The server's view: the call came from baresip's SIP address and port, and baresip hung up.
call_line="$(grep -m1 "call: call [^ ]* from baresip to 100 via 127.0.0.1:$BS_PORT/UDP" "$WORK/server.log")" ||
  fail "no call from baresip's address 127.0.0.1:$BS_PORT in the server log"
echo "server: $call_line"
call_id="$(sed -n 's/.* call: call \([^ ]*\) from baresip .*/\1/p' <<<"$call_line")"
[ -n "$call_id" ] || fail "no call id in: $call_line"
grep -q "call $call_id ended (remote_bye" "$WORK/server.log" ||
  fail "call $call_id did not end with baresip's BYE"

# The call log (written after the call ends): answered, hung up by the caller, and RTP from
# baresip counted on the inbound side of the media line.
wait_for_call_log "$WORK/logs.txt" "media PCMU RTP"
grep -q "^call $call_id " "$WORK/logs.txt" || fail "call $call_id not in the call log"
grep -q "from sip:baresip@127.0.0.1 " "$WORK/logs.txt" || fail "call log does not show baresip as the caller"
grep -qE "answered [0-9]{4}-" "$WORK/logs.txt" || fail "call not logged as answered"
grep -q "exit caller_hangup" "$WORK/logs.txt" || fail "call log does not show the caller hanging up"
packets_in="$(sed -n 's/^  media PCMU RTP  in: \([0-9]*\) packets.*/\1/p' "$WORK/logs.txt")"
[ -n "$packets_in" ] || fail "no inbound RTP count in the call log's media line"
[ "$packets_in" -gt 0 ] || fail "no RTP packets received from baresip ($packets_in)"
echo "RTP packets received from baresip: $packets_in"
server_alive || fail "server died"
stop_server
echo PASS
