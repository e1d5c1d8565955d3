#!/usr/bin/env bash
# Concurrent calls with media: a release keyline (pinned to CPU 0) plays a
# looping prompt to every call; bench/media_load (pinned to CPU 1) places the
# calls, sends 20 ms G.711 frames on each, holds them, and prints packets lost,
# pacing, CPU and the server's RSS. Then the server's own pacing counters.
# Usage: bench/media_load.sh [calls=2000] [hold seconds=30] [--srtp]
#   BUILD=build/dev to use another build tree (default: the release build);
#   NICE=-15 to run both at a higher priority than other work on a shared machine.
set -euo pipefail
cd "$(dirname "$0")/.."
calls="${1:-2000}"
hold="${2:-30}"
srtp="${3:-}"
if [ -z "${BUILD:-}" ]; then
  scripts/build release >/dev/null
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
trap '[ -n "$server" ] && kill $server 2>/dev/null; wait 2>/dev/null || true; [ -n "${KEEP:-}" ] && echo "kept $work" || rm -rf "$work"' EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
sip_port="$(port)"
mkdir -p "$work/apps"
cp bench/media_load/talk.json "$work/apps/"
srtp_policy=off
[ "$srtp" = "--srtp" ] && srtp_policy=optional
cat >"$work/keyline.yaml" <<YAML
sip: {listen: 127.0.0.1, port: $sip_port}
media: {rtp_port_min: 20000, rtp_port_max: 39998, srtp: $srtp_policy}
apps_dir: apps
data_dir: data
log_level: warn
api: {port: 0}
deployments:
  - {name: talk, numbers: ["*"], app: talk}
YAML
key="$("$BUILD/keyline" apikey create --email bench@example.com --role viewer --config "$work/keyline.yaml" 2>/dev/null)"
(cd "$work" && exec nice -n "${NICE:-0}" taskset -c 0 "$OLDPWD/$BUILD/keyline" serve --config keyline.yaml --log-level info >server.log 2>&1) &
server=$!
for _ in $(seq 1 300); do grep -q "listening for SIP" "$work/server.log" && break; sleep 0.1; done
api_port="$(sed -n 's/.*listening for HTTPS on 127.0.0.1:\([0-9]*\).*/\1/p' "$work/server.log")"
server_pid="$(pgrep -f "keyline serve --config keyline.yaml" | head -1)"
echo "binary: $BUILD/keyline (pid $server_pid, CPU 0); load: $BUILD/bench/media_load (CPU 1); $calls calls, hold ${hold}s ${srtp}"
echo "server RSS before the calls: $(grep VmRSS /proc/$server_pid/status)"
nice -n "${NICE:-0}" taskset -c 1 "$BUILD/bench/media_load" --target "sip:load@127.0.0.1:$sip_port" --calls "$calls" \
  --rate 200 --hold "$hold" --server-pid "$server_pid" $srtp || echo "media_load: not every call held"
curl -sS --cacert "$work/data/api-cert.pem" -H "Authorization: Bearer $key" \
  "https://127.0.0.1:$api_port/metrics" | grep -E '^keyline_(media|rtp)_' || true
