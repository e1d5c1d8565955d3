#!/usr/bin/env bash
# SIGTERM during a call: the caller gets a BYE, the call is logged, the
# server exits 0.
source "$(dirname "$0")/lib.sh" "$1" "$2"
write_config
start_server
"$KEYLINE" call "sip:200@127.0.0.1:$SIP_PORT" --timeout 30 >"$WORK/phone.txt" 2>&1 &
phone=$!
for _ in $(seq 1 100); do
  grep -q "prompt audio received" "$WORK/phone.txt" 2>/dev/null && break
  sleep 0.1
done
grep -q "answered" "$WORK/phone.txt" || { cat "$WORK/phone.txt"; fail "call not answered"; }
stop_server
rc=0; wait "$phone" || rc=$?
cat "$WORK/phone.txt"
grep -q "BYE received" "$WORK/phone.txt" || fail "caller got no BYE at shutdown"
[ "$rc" = 0 ] || fail "phone exit $rc"
grep -q "shutting down: 1 active call" "$WORK/server.log" || fail "shutdown not logged"
"$KEYLINE" logs --data-dir "$WORK/data" >"$WORK/logs.txt" 2>&1 || fail "no call log"
cat "$WORK/logs.txt"
grep -q "to sip:200@" "$WORK/logs.txt" || fail "call not logged at shutdown"
echo PASS
