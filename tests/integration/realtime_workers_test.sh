#!/usr/bin/env bash
# media.realtime_priority: with two workers, both worker threads run under SCHED_RR and the
# server's helper threads do not; where the kernel refuses (no CAP_SYS_NICE), the server says
# so once and every thread keeps the normal scheduler. Either way a call works.
source "$(dirname "$0")/lib.sh" "$1" "$2"
write_config
sed -i 's/^  t1_ms: \(.*\)$/  t1_ms: \1\n  workers: 2/' "$WORK/keyline.yaml"
sed -i 's/^media:$/media:\n  realtime_priority: 5/' "$WORK/keyline.yaml"
grep -q "realtime_priority: 5" "$WORK/keyline.yaml" || fail "could not set realtime_priority"
grep -q "workers: 2" "$WORK/keyline.yaml" || fail "could not set two workers"
start_server

granted="workers run at real-time priority 5"
refused="real-time scheduling refused"
for _ in $(seq 1 100); do
  grep -qE "$granted|$refused" "$WORK/server.log" && break
  sleep 0.1
done

# Each thread's name and scheduling policy (/proc/PID/task/TID/stat field 41: 0 normal, 2 RR).
policies="$WORK/policies.txt"
for task in /proc/"$SERVER_PID"/task/*; do
  echo "$(basename "$task") $(cat "$task/comm") $(sed 's/.*) //' "$task/stat" | awk '{print $39}')"
done >"$policies"
cat "$policies"
policy_of() { awk -v tid="$1" '$1 == tid { print $NF }' "$policies"; }
worker1="$(awk '$2 == "keyline-worker1" { print $1 }' "$policies")"
[ -n "$worker1" ] || fail "no thread named keyline-worker1"
if grep -q "$granted" "$WORK/server.log"; then
  [ "$(policy_of "$SERVER_PID")" = 2 ] || fail "the first worker (main thread) is not SCHED_RR"
  [ "$(policy_of "$worker1")" = 2 ] || fail "keyline-worker1 is not SCHED_RR"
  normal="$(awk '$NF == 0' "$policies" | wc -l)"
  [ "$normal" -ge 1 ] || fail "every thread is real-time: the helpers should not be"
  [ "$(awk '$NF == 2' "$policies" | wc -l)" = 2 ] || fail "more real-time threads than workers"
elif grep -q "$refused" "$WORK/server.log"; then
  [ "$(grep -c "$refused" "$WORK/server.log")" = 1 ] || fail "the refusal was logged more than once"
  [ "$(awk '$NF != 0' "$policies" | wc -l)" = 0 ] || fail "a thread is real-time after a refusal"
else
  fail "the server said neither that the workers are real-time nor that it was refused"
fi

out="$WORK/phone.txt"
"$KEYLINE" call "sip:100@127.0.0.1:$SIP_PORT" --dtmf "1 12345#" --timeout 60 >"$out" 2>&1 ||
  { cat "$out"; fail "phone exited non-zero"; }
grep -q "answered: 200 OK" "$out" || fail "not answered"
grep -q "prompt audio received" "$out" || fail "no prompt audio heard"
grep -q "BYE received" "$out" || fail "server did not hang up"
server_alive || fail "server died"
stop_server
echo PASS
