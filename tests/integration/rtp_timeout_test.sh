#!/usr/bin/env bash
# RTP inactivity: a SIPp caller that completes the call but sends no RTP or
# RTCP is hung up by Keyline (BYE) once media.rtp_timeout_s passes, and the
# call log says why. The timeout is 1 s; the waits around it are 50 s.
source "$(dirname "$0")/lib.sh" "$1" "$2"
SCEN="$(dirname "$0")/sipp"
command -v sipp >/dev/null || fail "sipp not installed (scripts/setup installs sip-tester)"
write_config 0
# One line more in the media section: the timeout under test.
sed -i 's/^media:$/media:\n  rtp_timeout_s: 1/' "$WORK/keyline.yaml"
grep -q "rtp_timeout_s: 1" "$WORK/keyline.yaml" || fail "could not set rtp_timeout_s"
start_server

sport="$(free_port)"
mport=$(( (RANDOM % 500) * 2 + 30000 ))
(cd "$WORK" && timeout 120 sipp -sf "$SCEN/uac_silent.xml" -m 1 -s 100 -i 127.0.0.1 -p "$sport" \
    -mi 127.0.0.1 -mp "$mport" -nostdin -timeout 100s -timeout_error -trace_err \
    "127.0.0.1:$SIP_PORT" >"$WORK/sipp.out" 2>&1) ||
  { tail -40 "$WORK/sipp.out"; cat "$WORK"/*errors.log 2>/dev/null; fail "silent-caller scenario failed"; }

wait_for_call_log "$WORK/logs.txt" "rtp_timeout"
grep -q "no RTP/RTCP from the caller" "$WORK/server.log" || fail "server did not report the silent caller"
grep -q "exit rtp_timeout" "$WORK/logs.txt" || fail "the call log does not give rtp_timeout as the reason"
server_alive || fail "server died"
stop_server
echo PASS
