#!/usr/bin/env bash
# Keyline against SIPp (Debian's sip-tester), an independent SIP peer:
# a call that keys 2 with SIPp's RFC 4733 capture; CANCEL before answer → 487;
# OPTIONS → 200; garbage and malformed datagrams don't stop the server; a
# lost ACK: the 200 is retransmitted, then Keyline hangs up with BYE.
source "$(dirname "$0")/lib.sh" "$1" "$2"
SCEN="$(dirname "$0")/sipp"
command -v sipp >/dev/null || fail "sipp not installed (scripts/setup installs sip-tester)"
write_config 1500   # ring 1.5 s before answering, so CANCEL can win
start_server

run_sipp() {  # scenario [extra args]
  local scen="$1"; shift
  local sport; sport="$(free_port)"
  local mport; mport=$(( (RANDOM % 500) * 2 + 30000 ))
  (cd "$WORK" && timeout 60 sipp -sf "$SCEN/$scen" -m 1 -s 100 -i 127.0.0.1 -p "$sport" \
      -mi 127.0.0.1 -mp "$mport" -nostdin -timeout 50s -timeout_error -trace_err \
      "$@" "127.0.0.1:$SIP_PORT" >"$WORK/sipp-$scen.out" 2>&1)
}

echo "== OPTIONS"
run_sipp uac_options.xml || { cat "$WORK"/*errors.log 2>/dev/null; fail "OPTIONS scenario failed"; }

echo "== garbage datagram, then a malformed request"
head -c 700 /dev/urandom >"$WORK/garbage.bin"
send_udp "$WORK/garbage.bin" >/dev/null
printf 'INVITE sip:100@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKbad1\r\nFrom: <sip:a@127.0.0.1>;tag=1\r\nTo: <sip:100@127.0.0.1>\r\nCall-ID: malformed-1\r\nCSeq: notanumber INVITE\r\nContent-Length: 0\r\n\r\n' >"$WORK/bad.sip"
reply="$(send_udp "$WORK/bad.sip")"
printf '%s\n' "${reply%%$'\n'*}"
[[ "$reply" == "SIP/2.0 400"* ]] || fail "malformed request did not get 400"
printf 'FOO sip:100@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKbad2\r\nFrom: <sip:a@127.0.0.1>;tag=1\r\nTo: <sip:100@127.0.0.1>\r\nCall-ID: unknown-1\r\nCSeq: 1 FOO\r\nContent-Length: 0\r\n\r\n' >"$WORK/foo.sip"
[[ "$(send_udp "$WORK/foo.sip")" == "SIP/2.0 501"* ]] || fail "unknown method did not get 501"
printf 'OPTIONS http://example.com/ SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKbad3\r\nFrom: <sip:a@127.0.0.1>;tag=1\r\nTo: <sip:100@127.0.0.1>\r\nCall-ID: scheme-1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n' >"$WORK/scheme.sip"
[[ "$(send_udp "$WORK/scheme.sip")" == "SIP/2.0 416"* ]] || fail "unsupported URI scheme did not get 416"
printf 'INVITE sip:100@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKbad4\r\nFrom: <sip:a@127.0.0.1>;tag=1\r\nTo: <sip:100@127.0.0.1>\r\nCall-ID: require-1\r\nCSeq: 1 INVITE\r\nRequire: nonsense\r\nContent-Length: 0\r\n\r\n' >"$WORK/require.sip"
reply="$(send_udp "$WORK/require.sip")"
[[ "$reply" == "SIP/2.0 420"* ]] || fail "unknown Require did not get 420"
grep -qi "^Unsupported: nonsense" <<<"$reply" || fail "420 without Unsupported"
printf 'SIP/2.0 200 OK\r\n\r\n' >"$WORK/stray.sip"
send_udp "$WORK/stray.sip" >/dev/null
server_alive || fail "server died on bad input"
run_sipp uac_options.xml || fail "server stopped answering after bad input"

echo "== CANCEL before answer"
run_sipp uac_cancel.xml || { cat "$WORK/sipp-uac_cancel.xml.out"; cat "$WORK"/*errors.log 2>/dev/null; fail "CANCEL scenario failed"; }

echo "== call, key 2 with RFC 4733 from SIPp's capture"
run_sipp uac_dtmf.xml || { tail -40 "$WORK/sipp-uac_dtmf.xml.out"; cat "$WORK"/*errors.log 2>/dev/null; fail "DTMF call scenario failed"; }

wait_for_call_log "$WORK/logs.txt" "time_prompt"
grep -q "exit cancelled:487" "$WORK/logs.txt" || fail "cancelled call not logged"
grep -q "main/main_menu (menu): 2" "$WORK/logs.txt" || fail "menu branch 2 not in the call log"
grep -q "time_prompt" "$WORK/logs.txt" || fail "time branch not taken"
server_alive || fail "server died"
stop_server

echo "== lost ACK: 200 retransmitted, then BYE after 64*T1 (T1 = 100 ms)"
write_config 0 100
start_server
started=$(date +%s%N)
run_sipp uac_no_ack.xml -trace_msg ||
  { tail -40 "$WORK/sipp-uac_no_ack.xml.out"; cat "$WORK"/*errors.log 2>/dev/null; fail "lost-ACK scenario failed"; }
elapsed_ms=$(( ($(date +%s%N) - started) / 1000000 ))
echo "scenario took ${elapsed_ms} ms"
# Each 200 for the INVITE that SIPp received: the first and its retransmissions
# (at 100, 300, 700, 1500, 3100 ms ... before the BYE at 6.4 s).
received_200s=$(python3 - "$WORK"/uac_no_ack_*_messages.log <<'PY'
import re, sys
text = open(sys.argv[1], encoding="latin-1").read()
blocks = re.split(r"message received \[\d+\] bytes :", text)[1:]
print(sum(1 for b in blocks if b.lstrip().startswith("SIP/2.0 200") and "CSeq: 1 INVITE" in b))
PY
)
echo "200 OK received ${received_200s} times"
[ "$received_200s" -ge 4 ] || fail "the unacknowledged 200 was not retransmitted (${received_200s})"
[ "$elapsed_ms" -ge 6000 ] || fail "BYE came before 64*T1 (${elapsed_ms} ms)"
grep -q "no ACK for 2xx" "$WORK/server.log" || fail "server did not report the missing ACK"
grep -q "ended (ack_timeout" "$WORK/server.log" || fail "the call did not end as ack_timeout"
server_alive || fail "server died"
stop_server
echo PASS
