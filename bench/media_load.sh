#!/usr/bin/env bash
# Concurrent calls with media: a release keyline (pinned to CPU 0) plays a
# looping prompt to every call; bench/media_load (pinned to CPU 1) places the
# calls, sends 20 ms G.711 frames on each, holds them, and prints packets lost,
# pacing, CPU and the server's RSS. Then the server's own pacing counters.
# Usage: bench/media_load.sh [calls=2000] [hold seconds=30] [--srtp]
#   SLOW_WEB=SECONDS: every call loops a short prompt and a REST request that a local HTTPS
#   endpoint answers only after SECONDS, so most calls wait on a web service at any moment
#   (the data-modules issue: slow web services must not delay media on the same worker).
#   BUILD=build/dev to use another build tree (default: the release build);
#   NICE=-15 to run both at a higher priority than other work on a shared machine;
#   GENERATOR_NICE=N: the load generator's own nice value (default NICE). A generator sharing
#   the server's CPUs at the same priority takes turns with the workers, and the workers' ticks
#   wait for it; a higher value stands for a server that has its cores to itself.
#   WORKERS=N: the server's sip.workers (default 1, as the figures before workers existed);
#   SERVER_CPUS=LIST: the CPUs the server may use (taskset -c; default 0). The load generator
#   (and the slow web endpoint) stay on CPU 1.
#   SHARED_SOCKET=1: the generator sends and receives every call's RTP on one socket (64
#   datagrams per system call) instead of a full media session per call, so it needs a
#   fraction of the server's CPU; RTP only.
#   REALTIME=N: the server's media.realtime_priority (workers under SCHED_RR at priority N;
#   default 0, the normal scheduler).
#   GENERATOR_REALTIME=N: the load generator runs under SCHED_RR at priority N (chrt). Above
#   REALTIME, it stands for the far end of a trunk, which a busy server cannot slow down.
#   IO_URING=false: server and generator make a system call per packet instead of batching
#   each loop turn's sends and reads with io_uring (media.io_uring).
set -euo pipefail
cd "$(dirname "$0")/.."
calls="${1:-2000}"
hold="${2:-30}"
srtp="${3:-}"
if [ -z "${BUILD:-}" ]; then
  cmake --preset release >/dev/null
  cmake --build --preset release -j "$(nproc)" --target keyline media_load >/dev/null
  BUILD=build/release
fi
cmake --build "$BUILD" --target media_load keyline >/dev/null
if [ -n "${NICE:-}" ] && [ -w /proc/self/autogroup ]; then
  # With the scheduler's autogroups, nice only ranks processes within a session; the
  # session's own weight is what competes with other sessions' work.
  echo "$NICE" >/proc/self/autogroup 2>/dev/null || true
fi
ulimit -n "$(ulimit -Hn)"  # two sockets per call on each side
work="$(mktemp -d /tmp/keyline-media-load.XXXXXX)"
server=""
web=""
trap '[ -n "$web" ] && kill $web 2>/dev/null; [ -n "$server" ] && kill $server 2>/dev/null; wait 2>/dev/null || true; [ -n "${KEEP:-}" ] && echo "kept $work" || rm -rf "$work"' EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
sip_port="$(port)"
mkdir -p "$work/apps"
app=talk
http_section=""
web=""
if [ -n "${SLOW_WEB:-}" ]; then
  pki="$work/pki"
  mkdir -p "$pki"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -subj "/CN=media load CA" -keyout "$pki/ca.key" -out "$pki/ca.pem" 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=127.0.0.1" \
    -keyout "$pki/server.key" -out "$pki/server.csr" 2>/dev/null
  printf "subjectAltName=IP:127.0.0.1\n" >"$pki/ext.cnf"
  openssl x509 -req -in "$pki/server.csr" -CA "$pki/ca.pem" -CAkey "$pki/ca.key" \
    -CAcreateserial -days 2 -extfile "$pki/ext.cnf" -out "$pki/server.pem" 2>/dev/null
  taskset -c 1 python3 bench/media_load/slow_https.py "$pki/server.pem" "$pki/server.key" \
    "$SLOW_WEB" "$work/web.port" >"$work/web.out" 2>&1 &
  web=$!
  for _ in $(seq 1 100); do [ -f "$work/web.port" ] && break; sleep 0.1; done
  sed "s/WEB_HOST/127.0.0.1:$(cat "$work/web.port")/" bench/media_load/talk_web.json \
    >"$work/apps/talk_web.json"
  app=talk_web
  http_section="http: {ca_file: $pki/ca.pem, max_connections: 4096, egress: {allow: [\"127.0.0.1\"]}}"
else
  cp bench/media_load/talk.json "$work/apps/"
fi
srtp_policy=off
[ "$srtp" = "--srtp" ] && srtp_policy=optional
cat >"$work/keyline.yaml" <<YAML
sip: {listen: 127.0.0.1, port: $sip_port, workers: ${WORKERS:-1}}
media: {rtp_port_min: 20000, rtp_port_max: 39998, srtp: $srtp_policy, io_uring: ${IO_URING:-true}, realtime_priority: ${REALTIME:-0}}
apps_dir: apps
data_dir: data
log_level: warn
api: {port: 0}
$http_section
deployments:
  - {name: talk, numbers: ["*"], app: $app}
YAML
key="$("$BUILD/keyline" apikey create --email bench@example.com --role viewer --config "$work/keyline.yaml" 2>/dev/null)"
(cd "$work" && exec nice -n "${NICE:-0}" taskset -c "${SERVER_CPUS:-0}" "$OLDPWD/$BUILD/keyline" serve --config keyline.yaml --log-level info >server.log 2>&1) &
server=$!
for _ in $(seq 1 300); do grep -q "listening for SIP" "$work/server.log" && break; sleep 0.1; done
api_port="$(sed -n 's/.*listening for HTTPS on 127.0.0.1:\([0-9]*\).*/\1/p' "$work/server.log")"
server_pid="$(pgrep -f "keyline serve --config keyline.yaml" | head -1)"
echo "binary: $BUILD/keyline (pid $server_pid, CPU ${SERVER_CPUS:-0}, ${WORKERS:-1} worker(s), nice ${NICE:-0}); load: $BUILD/bench/media_load (CPU 1, nice ${GENERATOR_NICE:-${NICE:-0}}, real-time priority ${GENERATOR_REALTIME:-0}); $calls calls, hold ${hold}s ${srtp}, io_uring ${IO_URING:-true}, real-time priority ${REALTIME:-0}${SHARED_SOCKET:+, generator on one shared socket}"
echo "server RSS before the calls: $(grep VmRSS /proc/$server_pid/status)"
metrics() {
  curl -sS --cacert "$work/data/api-cert.pem" -H "Authorization: Bearer $key" \
    "https://127.0.0.1:$api_port/metrics" | grep -E '^keyline_(media|rtp)_' || true
}
# The server's pacing counters are read when the hold starts and ends (the generator says
# when), so the figures below leave out the ramp-up and the hang-ups.
{ ${GENERATOR_REALTIME:+chrt -r "$GENERATOR_REALTIME"} nice -n "${GENERATOR_NICE:-${NICE:-0}}" taskset -c 1 "$BUILD/bench/media_load" --target "sip:load@127.0.0.1:$sip_port" --calls "$calls" \
  --rate 200 --hold "$hold" --server-pid "$server_pid" $srtp \
  $([ "${IO_URING:-true}" = false ] && echo --no-io-uring) \
  $([ -n "${SHARED_SOCKET:-}" ] && echo --shared-socket) || echo "media_load: not every call held"; } |
  while IFS= read -r line; do
    echo "$line"
    case "$line" in
      holding*) metrics >"$work/metrics.start" ;;
      "hold over") metrics >"$work/metrics.end" ;;
    esac
  done
if [ -s "$work/metrics.start" ] && [ -s "$work/metrics.end" ]; then
  awk 'NR == FNR { start[$1] = $2; next } { print $1, $2 - start[$1] }' \
    "$work/metrics.start" "$work/metrics.end" >"$work/metrics.hold"
  ticks="$(awk '$1 == "keyline_media_call_ticks_total" { print $2 }' "$work/metrics.hold")"
  late="$(awk '$1 == "keyline_media_call_ticks_late_total" { print $2 }' "$work/metrics.hold")"
  skipped="$(awk '$1 == "keyline_media_ticks_skipped_total" { print $2 }' "$work/metrics.hold")"
  echo "server over the hold: $late of $ticks frames sent > 5 ms late ($(awk -v l="$late" -v t="$ticks" 'BEGIN { printf "%.4f", t ? 100 * l / t : 0 }') %), $skipped ticks skipped"
fi
echo "server counters since start:"
metrics
if [ -n "$web" ]; then
  kill -TERM "$web"; wait "$web" 2>/dev/null || true
  cat "$work/web.out"
  web=""
fi
