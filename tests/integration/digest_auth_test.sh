#!/usr/bin/env bash
# Digest authentication (RFC 3261 22, RFC 8760) on a real server:
#  1. an INVITE without credentials gets 401 (SHA-256 and MD5 challenges);
#  2. the test phone answers the challenge (SHA-256) and the call goes through,
#     for passwords given as env:, file: and literal;
#  3. a wrong password and an unknown user both end in 401;
#  4. SIPp's own digest implementation ([authentication]) gets through. SIPp
#     3.6 answers only the first challenge and only MD5, so this server
#     offers MD5 first; the phone still picks SHA-256 (RFC 8760 2.4);
#  5. no password reaches the server log.
source "$(dirname "$0")/lib.sh" "$1" "$2"
SCEN="$(dirname "$0")/sipp"
command -v sipp >/dev/null || fail "sipp not installed (scripts/setup installs sip-tester)"

alice_pw="alice-$RANDOM-$RANDOM"
bob_pw="bob-$RANDOM-$RANDOM"
carol_pw="carol-$RANDOM-$RANDOM"
printf '%s\n' "$bob_pw" >"$WORK/bob.pw"
export KL_TEST_ALICE_PW="$alice_pw"
write_config
python3 - "$WORK/keyline.yaml" "$WORK" "$carol_pw" <<'PY'
import sys
path, work, carol = sys.argv[1:4]
auth = ("  auth:\n    realm: keyline.test\n    algorithms: [MD5, SHA-256]\n    users:\n"
        "      - {user: alice, password: \"env:KL_TEST_ALICE_PW\"}\n"
        f"      - {{user: bob, password: \"file:{work}/bob.pw\"}}\n"
        f"      - {{user: carol, password: \"{carol}\"}}\n")
text = open(path).read().replace("sip:\n", "sip:\n" + auth, 1)
open(path, "w").write(text)
PY
start_server --log-level debug
grep -q "digest authentication on (realm \"keyline.test\", 3 user(s)" "$WORK/server.log" ||
  fail "auth not configured"

call() {  # name expected_status [phone args...]
  local name="$1" expect="$2"; shift 2
  local out="$WORK/phone-$name.txt"
  if "$KEYLINE" call "sip:100@127.0.0.1:$SIP_PORT" --hangup-after-ms 300 --timeout 30 "$@" \
    >"$out" 2>&1; then
    [ "$expect" = ok ] || { cat "$out"; fail "$name: call succeeded, expected $expect"; }
    grep -q "answered: 200 OK" "$out" || { cat "$out"; fail "$name: not answered"; }
  else
    [ "$expect" != ok ] || { cat "$out"; fail "$name: call failed"; }
    grep -q "call failed: $expect" "$out" || { cat "$out"; fail "$name: expected $expect"; }
  fi
  echo "$name: $expect"
}

call no-credentials 401
call alice-env ok --auth-user alice --auth-password-env KL_TEST_ALICE_PW
BOB_PW="$bob_pw" call bob-file ok --auth-user bob --auth-password-env BOB_PW
CAROL_PW="$carol_pw" call carol-literal ok --auth-user carol --auth-password-env CAROL_PW
WRONG="not-$alice_pw" call wrong-password 401 --auth-user alice --auth-password-env WRONG
call unknown-user 401 --auth-user mallory --auth-password-env KL_TEST_ALICE_PW
grep -q "WWW-Authenticate: Digest realm=\"keyline.test\".*algorithm=SHA-256" "$WORK/server.log" ||
  fail "no SHA-256 challenge"
grep -q "WWW-Authenticate: Digest realm=\"keyline.test\".*algorithm=MD5" "$WORK/server.log" ||
  fail "no MD5 challenge"
grep -q "Authorization: Digest username=\"alice\".*algorithm=SHA-256" "$WORK/server.log" ||
  fail "the phone did not answer with SHA-256"
[ "$(grep -c "authenticated as alice" "$WORK/server.log")" -ge 1 ] || fail "alice not authenticated"
[ "$(grep -c "authentication failed" "$WORK/server.log")" -ge 2 ] || fail "failures not logged"

# SIPp's digest (it answers the MD5 challenge).
sport="$(free_port)"
mport=$(( (RANDOM % 500) * 2 + 30000 ))
(cd "$WORK" && timeout 60 sipp -sf "$SCEN/uac_auth.xml" -m 1 -s 100 -i 127.0.0.1 -p "$sport" \
  -mi 127.0.0.1 -mp "$mport" -nostdin -timeout 50s -timeout_error -trace_err \
  -au carol -ap "$carol_pw" "127.0.0.1:$SIP_PORT" >"$WORK/sipp-auth.out" 2>&1) ||
  { tail -30 "$WORK/sipp-auth.out"; cat "$WORK"/*errors.log 2>/dev/null; fail "SIPp digest scenario failed"; }
grep -q "authenticated as carol" "$WORK/server.log" || fail "SIPp's credentials not accepted"

for pw in "$alice_pw" "$bob_pw" "$carol_pw"; do
  grep -qF "$pw" "$WORK/server.log" && fail "a password reached the server log"
done
server_alive || fail "server died"
stop_server
echo PASS
