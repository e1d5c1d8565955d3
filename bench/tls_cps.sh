#!/usr/bin/env bash
# SIP-over-TLS calls per second: bench/tls_cps places INVITE/100/200/ACK + BYE/200 calls over
# TLS against a release keyline whose app answers and hangs up (bench/cps/hangup.json), either
# over a few persistent connections or with a new connection (and full handshake) per call.
# Debian's SIPp has no TLS, hence our own generator; bench/cps.sh is the UDP figure.
# Usage: bench/tls_cps.sh reuse|handshake [rate=1000] [seconds=30]
#   WORKERS=N: the server's sip.workers (default 2); SERVER_CPUS=LIST: pin the server
#   (taskset -c; default: not pinned, it shares both cores with the generator).
#   CONNECTIONS=N: persistent connections in reuse mode (default 4).
# Prints the generator's figures and the server's CPU time and peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-}"
rate="${2:-1000}"
seconds="${3:-30}"
case "$mode" in
  reuse) mode_flag=(--reuse --connections "${CONNECTIONS:-4}") ;;
  handshake) mode_flag=(--handshake-per-call) ;;
  *) echo "usage: $0 reuse|handshake [rate] [seconds]" >&2; exit 2 ;;
esac
repo="$PWD"
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target keyline tls_cps >/dev/null
ulimit -n "$(ulimit -Hn)"  # handshake mode: a connection per call in flight on each side
work="$(mktemp -d /tmp/keyline-tls-cps.XXXXXX)"
server=""
trap '[ -n "$server" ] && kill $server 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"' EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
sip_port="$(port)"
tls_port="$(port)"

# A throwaway CA and a server certificate for 127.0.0.1 (as bench/media_load.sh's SLOW_WEB).
pki="$work/pki"
mkdir -p "$pki" "$work/apps"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
  -subj "/CN=tls cps CA" -keyout "$pki/ca.key" -out "$pki/ca.pem" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=127.0.0.1" \
  -keyout "$pki/server.key" -out "$pki/server.csr" 2>/dev/null
printf "subjectAltName=IP:127.0.0.1\n" >"$pki/ext.cnf"
openssl x509 -req -in "$pki/server.csr" -CA "$pki/ca.pem" -CAkey "$pki/ca.key" \
  -CAcreateserial -days 2 -extfile "$pki/ext.cnf" -out "$pki/server.pem" 2>/dev/null

cp bench/cps/hangup.json "$work/apps/"
cat >"$work/keyline.yaml" <<YAML
sip:
  listen: 127.0.0.1
  port: $sip_port
  workers: ${WORKERS:-2}
  tls: {port: $tls_port, cert: $pki/server.pem, key: $pki/server.key}
media:
  rtp_port_min: 20000
  rtp_port_max: 60000
apps_dir: apps
data_dir: data
log_level: warn
api:
  enabled: false
deployments:
  - name: cps
    numbers: ["*"]
    app: hangup
YAML
pin=()
[ -n "${SERVER_CPUS:-}" ] && pin=(taskset -c "$SERVER_CPUS")
(cd "$work" && exec "${pin[@]}" "$repo/build/release/keyline" serve --config keyline.yaml >server.log 2>&1) &
server=$!
# Ready when the TLS port accepts a connection.
for _ in $(seq 1 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$tls_port") 2>/dev/null && break
  sleep 0.1
done
echo "server: build/release/keyline (pid $server, ${WORKERS:-2} worker(s), CPUs ${SERVER_CPUS:-any}); generator: build/release/bench/tls_cps (CPUs any)"
build/release/bench/tls_cps "${mode_flag[@]}" --target "127.0.0.1:$tls_port" --rate "$rate" \
  --seconds "$seconds" --ca "$pki/ca.pem" || echo "tls_cps: exited with $?"
# utime + stime (fields 14 and 15 after the command name) in clock ticks.
ticks="$(sed 's/.*) //' "/proc/$server/stat" | awk '{print $12 + $13}')"
echo "server CPU: $(awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" 'BEGIN{printf "%.1f s", t / hz}')"
# Per thread (they are unnamed; the busiest are the SIP workers): shows whether the reused
# connections landed on one worker, and whether a worker was saturated.
busiest="$(for t in /proc/"$server"/task/*; do sed 's/.*) //' "$t/stat" | awk '{print $12 + $13}'; done |
  sort -rn | head -3 | awk -v hz="$(getconf CLK_TCK)" '{printf "%s%.1f s", (NR > 1 ? ", " : ""), $1 / hz}')"
echo "server busiest threads: $busiest"
echo "server peak RSS: $(grep VmHWM "/proc/$server/status" | awk '{print $2, $3}')"
grep -v "^$" "$work/server.log" | tail -5 | sed 's/^/server log: /' || true
