#!/usr/bin/env bash
# Dialog features against SIPp and the test phone:
#  1. hold and resume by re-INVITE: our answer is recvonly while held, no RTP goes out while
#     held (the hold offer also moved the RTP port, so any packet there would be a leak), and
#     sending resumes at the resume offer's new port with a=sendrecv;
#  2. late offer: an INVITE without SDP gets our offer in the 200 and the app runs on the
#     ACK's answer; an ACK without an answer gets a BYE;
#  3. SIP INFO DTMF: the phone keys the demo's menu by INFO (dtmf-relay) and the app takes the
#     branch; the key never reaches the server's log.
source "$(dirname "$0")/lib.sh" "$1" "$2"
SCEN="$(cd "$(dirname "$0")" && pwd)/sipp"
command -v sipp >/dev/null || fail "sipp not installed (scripts/setup installs sip-tester)"
write_config
sed -i 's/^log_level: info$/log_level: debug/' "$WORK/keyline.yaml"  # the SIP trace, for 3.
start_server

run_sipp() {  # scenario [extra args]
  local scen="$1"; shift
  local sport; sport="$(free_port)"
  local mport; mport=$(( (RANDOM % 500) * 2 + 31000 ))
  (cd "$WORK" && timeout 120 sipp -sf "$SCEN/$scen" -m 1 -s 100 -i 127.0.0.1 -p "$sport" \
      -mi 127.0.0.1 -mp "$mport" -nostdin -timeout 100s -timeout_error -trace_err -trace_msg \
      "$@" "127.0.0.1:$SIP_PORT" >"$WORK/sipp-$scen.out" 2>&1)
}
show_sipp() { tail -40 "$WORK/sipp-$1.out"; cat "$WORK"/*errors.log 2>/dev/null || true; }

echo "== 1. hold and resume by re-INVITE"
python3 "$(dirname "$0")/rtp_counter.py" "$WORK/ports" "$WORK/stop" "$WORK/counts" hold resume &
COUNTER_PID=$!
for _ in $(seq 1 100); do [ -f "$WORK/ports" ] && break; sleep 0.1; done
[ -f "$WORK/ports" ] || fail "RTP counter did not start"
hold_port=$(sed -n 's/^hold=//p' "$WORK/ports")
resume_port=$(sed -n 's/^resume=//p' "$WORK/ports")
run_sipp uac_hold.xml -key hold_port "$hold_port" -key resume_port "$resume_port" ||
  { show_sipp uac_hold.xml; touch "$WORK/stop"; fail "hold scenario failed"; }
touch "$WORK/stop"
wait "$COUNTER_PID" || fail "RTP counter failed"
cat "$WORK/counts"
held=$(sed -n 's/^hold=//p' "$WORK/counts")
resumed=$(sed -n 's/^resume=//p' "$WORK/counts")
[ "$held" = 0 ] || fail "$held RTP packets were sent while the call was on hold"
[ "$resumed" -gt 0 ] || fail "no RTP after resume (at the resume offer's port)"
# o= versions of our three answers: the first, +1 (hold changed it), +1 (resume changed it).
python3 - "$WORK"/uac_hold_*_messages.log <<'PY' || fail "o= versions of the answers are wrong"
import re, sys
text = open(sys.argv[1], encoding="latin-1").read()
blocks = re.split(r"message received \[\d+\] bytes :", text)[1:]
seen = {}  # CSeq -> our 200's SDP (retransmissions are the same)
for b in blocks:
    b = b.lstrip()
    cseq = re.search(r"^CSeq:\s*(\d+)\s+INVITE", b, re.M)
    if b.startswith("SIP/2.0 200") and cseq and "\no=" in b:
        seen.setdefault(int(cseq.group(1)), b)
answers = [seen[k] for k in sorted(seen)]
assert len(answers) == 3, len(answers)
v = [int(re.search(r"^o=\S+ \d+ (\d+) ", a, re.M).group(1)) for a in answers]
print("o= versions of our answers:", v)
assert v[1] == v[0] + 1 and v[2] == v[1] + 1, v
assert "a=recvonly" in answers[1], "the hold answer is not recvonly"
assert "a=sendrecv" in answers[2], "the resume answer is not sendrecv"
PY
grep -q "on hold: sending paused" "$WORK/server.log" || fail "server did not log the hold"
grep -q "resumed: sending again" "$WORK/server.log" || fail "server did not log the resume"

echo "== 2. late offer"
run_sipp uac_late_offer.xml || { show_sipp uac_late_offer.xml; fail "late-offer scenario failed"; }
grep -q "late offer: our offer goes in the 200" "$WORK/server.log" || fail "late offer not logged"
grep -q "^m=audio [0-9]* RTP/AVP 0 8 " "$WORK"/uac_late_offer_[0-9]*_messages.log ||
  fail "no offer (PCMU, PCMA) in the 200 for the late offer"
grep -q "(answer from the ACK)" "$WORK/server.log" || fail "the ACK's answer was not taken"
run_sipp uac_late_offer_no_answer.xml ||
  { show_sipp uac_late_offer_no_answer.xml; fail "ACK without an answer did not get a BYE"; }
grep -q "ACK without an answer to our offer: hanging up" "$WORK/server.log" ||
  fail "ACK without answer not logged"

echo "== 3. SIP INFO DTMF"
out="$WORK/info.txt"
"$KEYLINE" call "sip:100@127.0.0.1:$SIP_PORT" --dtmf-method info --dtmf "2" --timeout 60 \
  >"$out" 2>&1 || { cat "$out"; fail "INFO call: phone exited non-zero"; }
cat "$out"
grep -q "no telephone-event" "$out" || fail "the phone offered telephone-event with --dtmf-method info"
grep -q 'sent DTMF "2" (SIP INFO)' "$out" || fail "the key was not sent by INFO"
for _ in $(seq 1 50); do
  "$KEYLINE" logs --data-dir "$WORK/data" >"$WORK/logs.txt" 2>&1 && grep -q "time_prompt" "$WORK/logs.txt" && break
  sleep 0.1
done
grep -q "main/main_menu (menu): 2" "$WORK/logs.txt" || { cat "$WORK/logs.txt"; fail "the INFO key did not reach the app"; }
grep -q "application/dtmf-relay" "$WORK/server.log" || fail "no INFO in the SIP trace (debug log)"
if grep -q "Signal=2" "$WORK/server.log"; then fail "the INFO key reached the log"; fi
server_alive || fail "server died"
stop_server
echo PASS
