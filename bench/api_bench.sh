#!/usr/bin/env bash
# API throughput: wrk over keep-alive TLS against GET /v1/calls/{id} (one
# detailed call log, read from SQLite each time) on a server whose call log
# holds one real call made with `keyline call`. The call is routed by a stored
# deployment shared with the viewer whose key wrk uses, so every request also
# runs the sharing check a non-admin's does (api/call_access.h).
# Usage: bench/api_bench.sh [seconds=20] [connections=32] [wrk threads=1]
#   KEYLINE=path/to/keyline to choose the binary (default: the release build).
# Prints wrk's requests/s and latency distribution.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-20}"
connections="${2:-32}"
threads="${3:-1}"
if [ -z "${KEYLINE:-}" ]; then
  scripts/build release >/dev/null
  KEYLINE=build/release/keyline
fi
work="$(mktemp -d /tmp/keyline-api-bench.XXXXXX)"
server=""
trap '[ -n "$server" ] && kill $server 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"' EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
sip_port="$(port)"
cat >"$work/keyline.yaml" <<YAML
sip: {listen: 127.0.0.1, port: $sip_port}
media: {rtp_port_min: 31000, rtp_port_max: 31100}
data_dir: data
log_level: warn
api: {port: 0, threads: 2, rate_per_second: 1000000, burst: 1000000}
deployments:
  - {name: demo, numbers: ["*"], app: demo}
YAML
key="$("$KEYLINE" apikey create --email bench@example.com --role viewer --config "$work/keyline.yaml" 2>/dev/null)"
"$KEYLINE" serve --config "$work/keyline.yaml" --log-level info >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 300); do grep -q "listening for SIP" "$work/server.log" && break; sleep 0.1; done
api_port="$(sed -n 's/.*listening for HTTPS on 127.0.0.1:\([0-9]*\).*/\1/p' "$work/server.log")"
admin="$(grep -o '^kl_[0-9a-f]*_[0-9a-f]*$' "$work/server.log" | head -n 1)"
as_admin() { curl -sS -o /dev/null -w '%{http_code}' --cacert "$work/data/api-cert.pem" \
  -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' "$@"; }
sed 's/"name": "demo"/"name": "benchapp"/' examples/apps/demo.json >"$work/benchapp.json"
[ "$(as_admin -X PUT --data-binary @"$work/benchapp.json" "https://127.0.0.1:$api_port/v1/apps/benchapp")" = 201 ]
[ "$(as_admin -X POST -d '{"label":"bench","app":"benchapp","numbers":["100"]}' "https://127.0.0.1:$api_port/v1/deployments")" = 201 ]
[ "$(as_admin -X PUT "https://127.0.0.1:$api_port/v1/deployments/bench/shares/users/bench@example.com")" = 204 ]
"$KEYLINE" call "sip:100@127.0.0.1:$sip_port" --dtmf "1 12345#" --timeout 60 >/dev/null 2>&1
sleep 1
id="$(curl -sS --cacert "$work/data/api-cert.pem" -H "Authorization: Bearer $key" \
  "https://127.0.0.1:$api_port/v1/calls?limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["calls"][0]["session_id"])')"
echo "binary: $KEYLINE; GET /v1/calls/$id; ${seconds}s, $connections connections, $threads wrk thread(s)"
wrk -t "$threads" -c "$connections" -d "${seconds}s" --latency \
  -H "Authorization: Bearer $key" "https://127.0.0.1:$api_port/v1/calls/$id"
