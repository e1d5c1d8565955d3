# Shared helpers for the integration tests: a real keyline server on a free
# loopback port with its own data directory, stopped when the test exits.
# Usage: source lib.sh KEYLINE_BINARY SOURCE_DIR
set -euo pipefail

KEYLINE="$1"
SOURCE_DIR="$2"
WORK="$(mktemp -d /tmp/keyline-it.XXXXXX)"
SERVER_PID=""

cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [ "${KEEP_WORK:-0}" = 1 ]; then echo "work dir kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  if [ -f "$WORK/server.log" ]; then echo "--- server log ---" >&2; tail -n 60 "$WORK/server.log" >&2; fi
  exit 1
}

free_port() {
  python3 - <<'PY'
import socket
for _ in range(50):
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", 0))
    port = u.getsockname()[1]
    t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        t.bind(("127.0.0.1", port)); print(port); break
    except OSError:
        pass
    finally:
        t.close(); u.close()
PY
}

# write_config [answer_delay_ms] [t1_ms] — a config on a free port into
# $WORK/keyline.yaml. A small T1 makes the SIP timers (64*T1) short enough
# for a test to wait them out.
write_config() {
  local delay="${1:-0}"
  local t1="${2:-500}"
  SIP_PORT="$(free_port)"
  local rtp_min=$(( (RANDOM % 200) * 100 + 20000 ))
  cat >"$WORK/keyline.yaml" <<YAML
sip:
  listen: 127.0.0.1
  port: $SIP_PORT
  t1_ms: $t1
media:
  rtp_port_min: $rtp_min
  rtp_port_max: $((rtp_min + 98))
apps_dir: $SOURCE_DIR/examples/apps
data_dir: $WORK/data
log_level: info
api:
  port: 0
deployments:
  - name: demo
    numbers: ["*"]
    app: demo
    answer_delay_ms: $delay
YAML
}

# start_server [serve args] — runs the server on $SERVER_DIR/keyline.yaml (default $WORK),
# logging to $SERVER_DIR/server.log, and waits until it listens for SIP.
start_server() {
  local dir="${SERVER_DIR:-$WORK}"
  # free_port's port is only free when it was picked: another test's process may take it before
  # the server binds it. Then the server exits with "Address already in use"; pick a new port
  # and try again rather than failing the test on a race with a neighbour.
  local attempt
  for attempt in 1 2 3 4 5; do
    "$KEYLINE" serve --config "$dir/keyline.yaml" "$@" >"$dir/server.log" 2>&1 &
    SERVER_PID=$!
    # Up to 60 s: a cold start on a loaded 2-core CI machine can be slow.
    local started=0 i
    for i in $(seq 1 600); do
      if grep -q "listening for SIP" "$dir/server.log" 2>/dev/null; then started=1; break; fi
      kill -0 "$SERVER_PID" 2>/dev/null || break
      sleep 0.1
    done
    [ "$started" = 1 ] && return 0
    kill -0 "$SERVER_PID" 2>/dev/null && fail "server did not start listening"
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
    if [ -n "${SIP_PORT:-}" ] && grep -q "bind .*:$SIP_PORT: Address already in use" "$dir/server.log" &&
      grep -q "^  port: $SIP_PORT\$" "$dir/keyline.yaml"; then
      local old_port="$SIP_PORT"
      SIP_PORT="$(free_port)"
      sed -i "s/^  port: $old_port\$/  port: $SIP_PORT/" "$dir/keyline.yaml"
      echo "start_server: port $old_port was taken, retrying on $SIP_PORT (attempt $attempt)" >&2
      continue
    fi
    [ "$dir" = "$WORK" ] || tail -n 60 "$dir/server.log" >&2
    fail "server exited at start"
  done
  fail "server exited at start (no free port after 5 attempts)"
}

stop_server() {
  kill -TERM "$SERVER_PID"
  local rc=0
  wait "$SERVER_PID" || rc=$?
  SERVER_PID=""
  [ "$rc" = 0 ] || fail "server exited with $rc on SIGTERM"
}

server_alive() { kill -0 "$SERVER_PID" 2>/dev/null; }

# ---- The HTTPS API of the running server (API_PORT and CERT set by the test).
# api_as KEY METHOD PATH [JSON] — prints the HTTP status; the body is in $WORK/body and the
# response headers in $WORK/headers. An empty KEY sends no Authorization header.
api_as() {
  local args=(-sS --max-time 60 --cacert "$CERT" -o "$WORK/body" -D "$WORK/headers"
    -w '%{http_code}' -X "$2")
  [ -n "$1" ] && args+=(-H "Authorization: Bearer $1")
  if [ -n "${4:-}" ]; then args+=(-H 'Content-Type: application/json' --data-binary "$4"); fi
  curl "${args[@]}" "https://127.0.0.1:$API_PORT$3"
}
# json EXPR — EXPR evaluated in Python with d = the last response body
json() { python3 -c "import json,sys; d=json.load(open('$WORK/body')); print($1)"; }
# expect GOT WANT WHAT — fails, showing the body, unless GOT is WANT
expect() { [ "$1" = "$2" ] || { head -c 2000 "$WORK/body" >&2; echo >&2; fail "$3: got $1, want $2"; }; }

# send_udp PAYLOAD_FILE — sends one datagram to the server, prints any reply
send_udp() {
  python3 - "$SIP_PORT" "$1" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(10.0)
s.sendto(open(sys.argv[2], "rb").read(), ("127.0.0.1", int(sys.argv[1])))
try:
    data, _ = s.recvfrom(65535); sys.stdout.write(data.decode("latin-1"))
except socket.timeout:
    pass
PY
}

# wait_for_call_log OUT PATTERN [DATA_DIR] — `keyline logs` into OUT until it shows PATTERN
# (the call log is written by a background thread after the call ends), then prints it.
wait_for_call_log() {
  local out="$1" pattern="$2" data="${3:-$WORK/data}"
  for _ in $(seq 1 100); do
    "$KEYLINE" logs --data-dir "$data" >"$out" 2>&1 && grep -q "$pattern" "$out" && break
    sleep 0.1
  done
  cat "$out"
}

# wait_for_line FILE PATTERN — true once a line of FILE matches PATTERN (grep -E), false after
# 10 s; for log lines written by another process around the event the test saw.
wait_for_line() {
  local file="$1" pattern="$2"
  for _ in $(seq 1 100); do
    grep -Eq "$pattern" "$file" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

# make_test_pki "CA NAME" — a throwaway CA and a certificate for 127.0.0.1 signed by it, for the
# tests' local HTTPS services: sets PKI to $WORK/pki, which then holds ca.pem, server.pem and
# server.key (EC P-256, valid for two days).
make_test_pki() {
  PKI="$WORK/pki"
  mkdir -p "$PKI"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -subj "/CN=$1" -keyout "$PKI/ca.key" -out "$PKI/ca.pem" 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=127.0.0.1" \
    -keyout "$PKI/server.key" -out "$PKI/server.csr" 2>/dev/null
  printf "subjectAltName=IP:127.0.0.1\n" >"$PKI/ext.cnf"
  openssl x509 -req -in "$PKI/server.csr" -CA "$PKI/ca.pem" -CAkey "$PKI/ca.key" -CAcreateserial \
    -days 2 -extfile "$PKI/ext.cnf" -out "$PKI/server.pem" 2>/dev/null
}
