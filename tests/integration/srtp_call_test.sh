#!/usr/bin/env bash
# SRTP end to end (SDES keys, RFC 4568), on a server run at --log-level debug
# so every SIP message, a=crypto lines included, goes through the log:
#  1. the test phone calls the demo with --srtp and keys "1 12345#": the call
#     is answered with an SRTP suite, the prompt is heard and the digits reach
#     the app. With SRTP on, MediaSession drops every packet that fails
#     authentication, so hearing speech and having the digits in the call log
#     proves both directions were encrypted with the negotiated keys (plain
#     G.711 would have been dropped and counted in srtp_dropped). That the
#     bytes on the wire are not plain G.711 is checked where the test can see
#     them: tests/media/srtp_media_session_test.cc puts a socket it owns
#     between two MediaSessions (loopback UDP gives no capture point here).
#  2. a second call offers AEAD_AES_256_GCM only, and gets it.
#  3. no log line carries a key: every inline: value is [private].
#  4. a server with media.srtp: mandatory answers a plain RTP/AVP offer 488.
source "$(dirname "$0")/lib.sh" "$1" "$2"

speech_ms_of() { sed -n 's/.*speech_ms=\([0-9]*\).*/\1/p' "$1"; }

write_config
start_server --log-level debug

out="$WORK/phone.txt"
"$KEYLINE" call "sip:100@127.0.0.1:$SIP_PORT" --srtp --dtmf "1 12345#" --timeout 60 \
  --log-level debug >"$out" 2>&1 || { cat "$out"; fail "SRTP phone exited non-zero"; }
cat "$out"
grep -q "SRTP offered" "$out" || fail "the phone did not offer SRTP"
grep -Eq "answered: 200 OK \(.*SRTP (AES_CM_128_HMAC_SHA1_80|AES_CM_128_HMAC_SHA1_32|AEAD_AES_128_GCM|AEAD_AES_256_GCM)" \
  "$out" || fail "not answered with an SRTP suite"
grep -q "prompt audio received" "$out" || fail "no prompt audio heard over SRTP"
# SRTCP shares the RTP port both ways (RFC 5761); srtp_dropped=0 below covers it too.
grep -q "answered: 200 OK (.*RTCP muxed on the RTP port)" "$out" || fail "rtcp-mux not negotiated"
grep -q 'sent DTMF "12345#"' "$out" || fail "digits not sent"
grep -q "BYE received" "$out" || fail "server did not hang up"
grep -q " srtp_dropped=0 " "$out" || fail "the phone dropped SRTP packets"
speech_ms=$(speech_ms_of "$out")
[ "${speech_ms:-0}" -gt 3000 ] || fail "too little speech heard over SRTP: ${speech_ms}ms"
grep -q "media: SRTP AES_CM_128_HMAC_SHA1_80" "$WORK/server.log" || fail "server did not log the suite"

wait_for_call_log "$WORK/logs.txt" "exit"
grep -q "main/main_menu (menu): 1" "$WORK/logs.txt" || fail "menu branch 1 (encrypted DTMF) not in the call log"
grep -q "balance/account (digits): success:\[private\]" "$WORK/logs.txt" || fail "account digits (encrypted DTMF) not collected"

out_gcm="$WORK/phone-gcm.txt"
"$KEYLINE" call "sip:100@127.0.0.1:$SIP_PORT" --srtp --srtp-suite AEAD_AES_256_GCM \
  --hangup-after-ms 2500 --timeout 30 >"$out_gcm" 2>&1 || { cat "$out_gcm"; fail "GCM phone exited non-zero"; }
cat "$out_gcm"
grep -q "answered: 200 OK (.*SRTP AEAD_AES_256_GCM" "$out_gcm" || fail "AEAD_AES_256_GCM not negotiated"
grep -q "prompt audio received" "$out_gcm" || fail "no prompt audio heard over AES-256-GCM"
grep -q " srtp_dropped=0 " "$out_gcm" || fail "the GCM phone dropped SRTP packets"

# Keys are never logged: the SDP went through the debug log (both sides), and
# every inline: value in it must be the redaction placeholder.
grep -q "a=crypto:" "$WORK/server.log" || fail "the debug log shows no SDP: nothing was checked"
grep -q "inline:\[private\]" "$WORK/server.log" || fail "no redacted a=crypto in the server log"
if grep -h "inline:" "$WORK/server.log" "$out" "$out_gcm" | grep -v "inline:\[private\]"; then
  fail "an SRTP key reached a log"
fi
server_alive || fail "server died"
stop_server

# Mandatory SRTP refuses a plain offer.
mv "$WORK/server.log" "$WORK/server-optional.log"
write_config
sed -i 's/^media:$/media:\n  srtp: mandatory/' "$WORK/keyline.yaml"
grep -q "srtp: mandatory" "$WORK/keyline.yaml" || fail "could not write the mandatory config"
start_server
out_plain="$WORK/phone-plain.txt"
if "$KEYLINE" call "sip:100@127.0.0.1:$SIP_PORT" --timeout 20 >"$out_plain" 2>&1; then
  cat "$out_plain"
  fail "a plain RTP call succeeded against srtp: mandatory"
fi
cat "$out_plain"
grep -q "call failed: 488" "$out_plain" || fail "plain RTP offer not rejected with 488"
wait_for_line "$WORK/server.log" "rejected 488: 488 Not Acceptable Here: SRTP is mandatory" ||
  { tail -n 30 "$WORK/server.log"; fail "server did not say why it rejected"; }
server_alive || fail "server died"
stop_server
echo PASS
