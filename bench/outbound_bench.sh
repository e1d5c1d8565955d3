#!/usr/bin/env bash
# Outbound queue figures (docs/benchmarks.md, "Outbound queue"): the time to queue N calls as
# one bulk CSV through the HTTPS API, and the time the dialer takes to work through them when
# every attempt ends at once (number destinations with no outbound.proxy: each is claimed,
# refused with result no_route and written back) — the queue's own cost, without SIP.
# Usage: bench/outbound_bench.sh [calls=500, at most 500: the list route shows 500]   (KEYLINE=... picks the binary)
set -euo pipefail
N="${1:-500}"
KEYLINE="${KEYLINE:-$(dirname "$0")/../build/release/keyline}"
WORK="$(mktemp -d /tmp/keyline-obench.XXXXXX)"
trap 'kill $PID 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
cat >"$WORK/k.yaml" <<YAML
sip: {listen: 127.0.0.1, port: $(port)}
data_dir: $WORK/data
log_level: info
api: {port: 0, rate_per_second: 100000, burst: 100000}
outbound: {poll_ms: 100, max_concurrent: 1000}
YAML
"$KEYLINE" serve --config "$WORK/k.yaml" >"$WORK/log" 2>&1 &
PID=$!
for _ in $(seq 1 300); do grep -q "listening for HTTPS" "$WORK/log" && break; sleep 0.1; done
API="https://127.0.0.1:$(sed -n 's/.*listening for HTTPS on 127.0.0.1:\([0-9]*\).*/\1/p' "$WORK/log")"
KEY="$("$KEYLINE" apikey create --email bench@example.com --role admin --data-dir "$WORK/data")"
c() { curl -sS --cacert "$WORK/data/api-cert.pem" -H "Authorization: Bearer $KEY" "$@"; }
app='{"name":"b","pages":[{"name":"m","modules":[{"type":"exit","name":"e"}]}]}'
c -X PUT -H 'Content-Type: application/json' --data-binary "$app" "$API/v1/apps/b" >/dev/null
c -X POST -H 'Content-Type: application/json' \
  --data-binary '{"label":"b","app":"b","numbers":["1"]}' "$API/v1/deployments" >/dev/null
{ echo "destination,name"; for i in $(seq 1 "$N"); do echo "617555$(printf %04d $((i % 10000))),n$i"; done; } >"$WORK/calls.csv"
start=$(date +%s.%N)
c -o "$WORK/queued.json" -w 'bulk queue: HTTP %{http_code} in %{time_total} s\n' -X POST \
  -H 'Content-Type: text/csv' --data-binary @"$WORK/calls.csv" "$API/v1/deployments/b/outbound/bulk"
for _ in $(seq 1 6000); do
  left="$(c "$API/v1/deployments/b/outbound" | python3 -c \
    'import json,sys; print(sum(1 for x in json.load(sys.stdin)["calls"] if x["status"] != "failed"))')"
  [ "$left" = 0 ] && break
  sleep 0.1
done
end=$(date +%s.%N)
echo "dialer: $N calls claimed, refused and written back; all final $(python3 -c "print(round($end - $start, 2))") s after the bulk POST began"
