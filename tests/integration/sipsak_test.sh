#!/usr/bin/env bash
# Keyline against sipsak (Debian's sipsak), a second independent SIP peer next to SIPp
# (issue 3): OPTIONS over UDP and TCP → 200 with our Server and Allow headers; a REGISTER
# (sipsak's usrloc mode) and a MESSAGE → 405, as docs/sip.md says (we are no registrar and
# take no instant messages); and the server still answers OPTIONS afterwards.
# Assertions are on what sipsak prints and on its exit status (man sipsak, RETURN VALUES:
# 0 = a 200 was received, 1 = a final response other than 1xx/2xx).
source "$(dirname "$0")/lib.sh" "$1" "$2"
command -v sipsak >/dev/null || fail "sipsak not installed (scripts/setup installs it)"
write_config
start_server
TARGET="sip:keyline@127.0.0.1:$SIP_PORT"

# run_sipsak NAME [args] — runs sipsak against the server with -vv (prints the received
# response) into $WORK/NAME.out with the CRs removed, so the asserts can anchor on line
# ends; sets RC to sipsak's exit status. sipsak answers in milliseconds here and gives up
# by itself after 64*T1 (32 s) without an answer; the outer timeout only guards a hang.
run_sipsak() {
  local name="$1"; shift
  RC=0
  timeout 120 sipsak -vv "$@" -s "$TARGET" >"$WORK/$name.raw" 2>&1 || RC=$?
  tr -d '\r' <"$WORK/$name.raw" >"$WORK/$name.out"
  echo "-- sipsak $name: exit $RC, $(grep -m1 '^SIP/2.0 ' "$WORK/$name.out" || echo 'no response')"
}

# expect_options_200 NAME TRANSPORT — an OPTIONS ping was answered 200 by Keyline itself.
expect_options_200() {
  local name="$1" transport="$2" out="$WORK/$1.out"
  [ "$RC" = 0 ] || { cat "$out"; fail "$name: sipsak exited $RC (0 means it received a 200)"; }
  grep -q '^SIP/2.0 200 OK$' "$out" || { cat "$out"; fail "$name: no 200 OK printed"; }
  grep -q '^CSeq: 1 OPTIONS$' "$out" || { cat "$out"; fail "$name: the 200 is not for sipsak's OPTIONS"; }
  # sipsak's Via names the transport it used: proves -E tcp really went over TCP.
  grep -q "^Via: SIP/2.0/$transport " "$out" || { cat "$out"; fail "$name: reply not over $transport"; }
  grep -q '^Server: Keyline/' "$out" || { cat "$out"; fail "$name: no Keyline Server header"; }
  grep -qE '^Allow: .*\bINVITE\b' "$out" && grep -qE '^Allow: .*\bOPTIONS\b' "$out" ||
    { cat "$out"; fail "$name: Allow does not list INVITE and OPTIONS"; }
}

# expect_405 NAME METHOD — Keyline refused METHOD with 405 and an Allow that does not offer it.
expect_405() {
  local name="$1" method="$2" out="$WORK/$1.out"
  [ "$RC" = 1 ] || { cat "$out"; fail "$name: sipsak exited $RC, want 1 (a non-2xx final response)"; }
  grep -q '^SIP/2.0 405 Method Not Allowed$' "$out" || { cat "$out"; fail "$name: no 405 printed"; }
  grep -q "^CSeq: 1 $method\$" "$out" || { cat "$out"; fail "$name: the 405 is not for the $method"; }
  grep -q '^Allow: ' "$out" || { cat "$out"; fail "$name: 405 without Allow (RFC 3261 21.4.6)"; }
  if grep -qE "^Allow: .*\\b$method\\b" "$out"; then cat "$out"; fail "$name: Allow offers $method"; fi
}

echo "== (a) OPTIONS ping over UDP and TCP"
run_sipsak options_udp
expect_options_200 options_udp UDP
run_sipsak options_tcp -E tcp
expect_options_200 options_tcp TCP

echo "== (b) REGISTER (usrloc mode) → 405 over UDP and TCP"
# -U registers the user of the URI; -i leaves out sipsak's own Via here (usrloc mode does
# that anyway and warns). sipsak reports the refusal in its own words too.
run_sipsak register_udp -U -i
expect_405 register_udp REGISTER
grep -q "didn't received '200 OK' on register" "$WORK/register_udp.out" ||
  { cat "$WORK/register_udp.out"; fail "sipsak did not report the refused registration"; }
run_sipsak register_tcp -U -i -E tcp
expect_405 register_tcp REGISTER
grep -q '^Via: SIP/2.0/TCP ' "$WORK/register_tcp.out" || fail "register_tcp: reply not over TCP"

echo "== (b) MESSAGE → 405"
# sipsak's own message mode (-M) crashes in Debian 12's 0.9.8.1 without a registration
# first, so the MESSAGE comes from a file (default mode sends a file's request as is, adding
# its Via). The URIs are spelled out: sipsak's $dsthost$ replacement cuts the port's last digit.
cat >"$WORK/message.sip" <<MSG
MESSAGE $TARGET SIP/2.0
From: <sip:sipsak@127.0.0.1>;tag=sipsak-msg-$$
To: <$TARGET>
Call-ID: sipsak-message-$$-$RANDOM@127.0.0.1
CSeq: 1 MESSAGE
Max-Forwards: 70
Content-Type: text/plain
Content-Length: 5

hello
MSG
run_sipsak message -f "$WORK/message.sip"
expect_405 message MESSAGE
# The summary sipsak prints after the response: the status it took as final.
grep -qE '^ +SIP/2.0 405 Method Not Allowed$' "$WORK/message.out" ||
  { cat "$WORK/message.out"; fail "sipsak's summary does not show 405 as the final response"; }

echo "== (c) the server still serves"
server_alive || fail "server died"
run_sipsak options_after
expect_options_200 options_after UDP
stop_server
echo PASS
