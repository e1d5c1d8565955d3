#!/usr/bin/env bash
# Calls per second: SIPp (pinned to CPU 1) runs INVITE/100/200/ACK + BYE/200
# against a release keyline (pinned to CPU 0) whose app answers and hangs up.
# Usage: bench/cps.sh [rate=1000] [seconds=60]
#   WORKERS=N: the server's sip.workers (default 1); SERVER_CPUS=LIST: where the server runs
#   (taskset -c, default 0); SIPP_CPUS=LIST: where SIPp runs (default 1).
# Prints SIPp's successful/failed call counts and retransmissions, and the
# server's peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
rate="${1:-1000}"
seconds="${2:-60}"
calls=$((rate * seconds))
repo="$PWD"
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target keyline >/dev/null
work="$(mktemp -d /tmp/keyline-cps.XXXXXX)"
trap 'kill $server 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -p "$work/apps"
cp bench/cps/hangup.json "$work/apps/"
cat >"$work/keyline.yaml" <<YAML
sip:
  listen: 127.0.0.1
  port: 5070
  workers: ${WORKERS:-1}
  udp_receive_buffer_kb: ${UDP_RCVBUF_KB:-4096}
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
# Datagrams the kernel dropped because a socket's receive buffer was full (any socket on the
# machine: run nothing else that floods UDP meanwhile). A drop makes the generator retransmit.
udp_drops() { awk '/^Udp:/ { if (!h) { for (i = 1; i <= NF; i++) if ($i == "RcvbufErrors") c = i; h = 1 } else print $c }' /proc/net/snmp; }
drops_before="$(udp_drops)"
# Per socket (/proc/net/udp, last column): the server's SIP sockets on 5070 (one per worker),
# SIPp's on 5071 and 6000 (sampled while SIPp runs: its counters go with its sockets).
socket_drops() { awk -v port="$(printf '%04X' "$1")" 'NR > 1 && $2 ~ (":" port "$") { d += $NF } END { print d + 0 }' /proc/net/udp; }
taskset -c "${SERVER_CPUS:-0}" build/release/keyline serve --config "$work/keyline.yaml" >"$work/server.log" 2>&1 &
server=$!
sleep 1
(while kill -0 "$server" 2>/dev/null; do
  d="$(socket_drops 5071)"; [ "$d" -gt 0 ] 2>/dev/null && echo "$d" >"$work/generator_drops"
  d="$(socket_drops 6000)"; [ "$d" -gt 0 ] 2>/dev/null && echo "$d" >"$work/generator_media_drops"
  sleep 1
done) &
(cd "$work" && taskset -c "${SIPP_CPUS:-1}" sipp -sf "$repo/bench/cps/uac_cps.xml" -m "$calls" -r "$rate" -l $((rate * 4)) \
    -buff_size 4194304 -s 100 -i 127.0.0.1 -p 5071 -mi 127.0.0.1 -mp 6000 -nostdin -trace_screen -timeout $((seconds + 30))s \
    127.0.0.1:5070 >/dev/null 2>&1) || true
screen="$(ls "$work"/*_screen.log | head -1)"
grep -E "Successful call|Failed call|Call Rate|Total Call created" "$screen" || cat "$screen"
# The message table: the Retrans column counts SIPp's retransmissions, i.e.
# messages Keyline did not answer in time.
grep -E "INVITE|100|200|ACK|BYE" "$screen" | grep -E -- "-->|<--|E-RTP|Messages" | head -8
echo "UDP datagrams dropped on a full receive buffer: $(( $(udp_drops) - drops_before )) in all, of which"
echo "  at the server's SIP sockets (port 5070): $(socket_drops 5070)"
echo "  at the generator's SIP socket (port 5071): $(cat "$work/generator_drops" 2>/dev/null || echo '?')"
echo "  at the generator's media socket (port 6000): $(cat "$work/generator_media_drops" 2>/dev/null || echo '?')"
echo "server peak RSS: $(grep VmHWM /proc/$server/status)"
