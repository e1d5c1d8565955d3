#!/usr/bin/env bash
# Go To App over a real SIP call (issue 6): the test phone calls order_status, keys an order
# number and confirms it, then the verify_pin sub-app (loaded from the same apps directory)
# asks for a private PIN, confirms it masked and returns `verified` to the caller app, which
# says the order has shipped and ends the call. The call log shows modules of both apps; the
# PIN is nowhere on disk or in the server log.
source "$(dirname "$0")/lib.sh" "$1" "$2"
write_config
sed -i 's/^    app: demo$/    app: order_status/' "$WORK/keyline.yaml"
grep -q "app: order_status" "$WORK/keyline.yaml" || fail "could not point the deployment at order_status"
start_server
out="$WORK/phone.txt"
"$KEYLINE" call "sip:100@127.0.0.1:$SIP_PORT" --dtmf "123456 1 2468 1" --timeout 90 >"$out" 2>&1 ||
  { cat "$out"; cat "$WORK/server.log"; fail "phone exited non-zero"; }
cat "$out"
grep -q "answered: 200 OK" "$out" || fail "not answered"
grep -q "BYE received" "$out" || fail "server did not hang up"
wait_for_call_log "$WORK/logs.txt" "exit"
grep -q "order (digits): success" "$WORK/logs.txt" || fail "order number not taken"
grep -q "pin_code (digits): success:\[private\]" "$WORK/logs.txt" || fail "the sub-app's private PIN module is not in the call log as private"
grep -q "shipped (prompt)" "$WORK/logs.txt" || fail "the caller app did not get verified=true back from the sub-app"
if grep -q "refused (prompt)" "$WORK/logs.txt"; then fail "the PIN was refused"; fi
if grep -rqa "2468" "$WORK/data" "$WORK/server.log"; then fail "the private PIN reached disk or the log"; fi
server_alive || fail "server died"
stop_server
echo PASS
