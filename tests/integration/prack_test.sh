#!/usr/bin/env bash
# RFC 3262 (100rel) against SIPp:
#  1. as UAS: a caller with Require: 100rel gets a reliable 180 (RSeq), PRACKs it, and the 200
#     for the INVITE comes only after the PRACK's 200 (uac_prack.xml);
#  2. as UAC: the test phone calls SIPp, which answers with a reliable 180 then 200; the phone
#     PRACKs the 180 (RAck: 1 1 INVITE), ACKs the 200 and hangs up (uas_prack.xml).
source "$(dirname "$0")/lib.sh" "$1" "$2"
SCEN="$(cd "$(dirname "$0")" && pwd)/sipp"
command -v sipp >/dev/null || fail "sipp not installed (scripts/setup installs sip-tester)"
write_config 300   # ring 0.3 s before answering: the 180 is sent, reliably
start_server

sport="$(free_port)"
mport=$(( (RANDOM % 500) * 2 + 32000 ))
(cd "$WORK" && timeout 120 sipp -sf "$SCEN/uac_prack.xml" -m 1 -s 100 -i 127.0.0.1 -p "$sport" \
    -mi 127.0.0.1 -mp "$mport" -nostdin -timeout 100s -timeout_error -trace_err -trace_msg \
    "127.0.0.1:$SIP_PORT" >"$WORK/sipp.out" 2>&1) ||
  { tail -40 "$WORK/sipp.out"; cat "$WORK"/*errors.log 2>/dev/null; fail "PRACK scenario failed"; }

# Our 200 for the INVITE came after the 200 for the PRACK (the answer waited for the PRACK).
python3 - "$WORK"/uac_prack_*_messages.log <<'PY' || fail "message order is wrong"
import re, sys
text = open(sys.argv[1], encoding="latin-1").read()
order = []
for b in re.split(r"message received \[\d+\] bytes :", text)[1:]:
    b = b.lstrip()
    m = re.match(r"SIP/2.0 (\d+)", b)
    c = re.search(r"^CSeq:\s*\d+\s+(\w+)", b, re.M)
    if m and c:
        order.append(m.group(1) + " " + c.group(1))
print("received:", order)
assert "200 PRACK" in order and "200 INVITE" in order, order
assert order.index("200 PRACK") < order.index("200 INVITE"), order
assert all(r != "420 INVITE" for r in order), order
PY
server_alive || fail "server died"
stop_server

echo "== 2. the test phone PRACKs SIPp's reliable 180"
SIPP_PID=""
trap 'if [ -n "$SIPP_PID" ]; then kill "$SIPP_PID" 2>/dev/null || true; fi; cleanup' EXIT
uas_port="$(free_port)"
mport=$(( (RANDOM % 500) * 2 + 34000 ))
(cd "$WORK" && exec timeout 120 sipp -sf "$SCEN/uas_prack.xml" -m 1 -i 127.0.0.1 -p "$uas_port" \
  -mi 127.0.0.1 -mp "$mport" -nostdin -timeout 100s -timeout_error -trace_err -trace_msg \
  >"$WORK/sipp-uas.out" 2>&1) &
SIPP_PID=$!
# The phone's INVITE is retransmitted (Timer A) should SIPp start listening after it is sent.
"$KEYLINE" call "sip:100@127.0.0.1:$uas_port" --timeout 3 >"$WORK/phone.out" 2>&1 || true
cat "$WORK/phone.out"
rc=0
wait "$SIPP_PID" || rc=$?
SIPP_PID=""
[ "$rc" = 0 ] || { tail -40 "$WORK/sipp-uas.out"; cat "$WORK"/*errors.log 2>/dev/null || true;
  fail "the UAS PRACK scenario failed ($rc)"; }
echo "PASS"
