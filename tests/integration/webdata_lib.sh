# Helpers for the data-module integration tests (post-call, OAuth2, sub-flows), on top of
# lib.sh: a test CA with a certificate for 127.0.0.1, and the HTTPS endpoint of
# https_endpoint.py. Source after lib.sh.

# make_test_pki DIR — DIR/ca.pem, DIR/server.pem, DIR/server.key (127.0.0.1).
make_test_pki() {
  local pki="$1"
  mkdir -p "$pki"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -subj "/CN=Keyline webdata test CA" -keyout "$pki/ca.key" -out "$pki/ca.pem" 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=127.0.0.1" \
    -keyout "$pki/server.key" -out "$pki/server.csr" 2>/dev/null
  printf "subjectAltName=IP:127.0.0.1\n" >"$pki/ext.cnf"
  openssl x509 -req -in "$pki/server.csr" -CA "$pki/ca.pem" -CAkey "$pki/ca.key" \
    -CAcreateserial -days 2 -extfile "$pki/ext.cnf" -out "$pki/server.pem" 2>/dev/null
}

# start_endpoint DIR PKI [PORT] — runs https_endpoint.py with DIR as its work dir; sets
# ENDPOINT_PID and ENDPOINT_PORT. Stop it with stop_endpoint.
start_endpoint() {
  local dir="$1" pki="$2" port="${3:-0}"
  mkdir -p "$dir"
  rm -f "$dir/endpoint.port"
  python3 "$SOURCE_DIR/tests/integration/https_endpoint.py" "$dir" "$pki/server.pem" \
    "$pki/server.key" "$port" >"$dir/endpoint.out" 2>&1 &
  ENDPOINT_PID=$!
  local i
  for i in $(seq 1 300); do [ -f "$dir/endpoint.port" ] && break; sleep 0.1; done
  [ -f "$dir/endpoint.port" ] || { cat "$dir/endpoint.out"; fail "the HTTPS endpoint did not start"; }
  ENDPOINT_PORT="$(cat "$dir/endpoint.port")"
}

stop_endpoint() {
  if [ -n "${ENDPOINT_PID:-}" ]; then
    kill "$ENDPOINT_PID" 2>/dev/null || true
    wait "$ENDPOINT_PID" 2>/dev/null || true
    ENDPOINT_PID=""
  fi
}
