# A throwaway PostgreSQL cluster for a test: initdb in a temp dir, postgres on
# a free loopback port (and a socket in that dir), stopped and removed when
# the test exits. Installs nothing: it uses the `postgresql` package that
# scripts/setup installs, and exits 77 (skipped) when its binaries are absent.
# Source after lib.sh. Sets PG_PORT, PG_USER, PG_PASSWORD, PG_PASSWORD_FILE and
# PG_URL (postgresql://keyline:...@127.0.0.1:PORT, no database).

PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/initdb" ] || [ ! -x "$PG_BIN/pg_ctl" ]; then
  echo "SKIP: no PostgreSQL server under /usr/lib/postgresql/*/bin (scripts/setup installs postgresql)"
  exit 77
fi

PG_DIR="$(mktemp -d /tmp/keyline-pg.XXXXXX)"
PG_STARTED=0
# PostgreSQL refuses to run as root. As root (CI), the cluster belongs to the
# `postgres` system user the package creates; otherwise to the current user.
PG_AS=()
if [ "$(id -u)" = 0 ]; then
  if ! id postgres >/dev/null 2>&1 || ! runuser -u postgres -- true 2>/dev/null; then
    rm -rf "$PG_DIR"
    echo "SKIP: running as root and cannot switch to the postgres user"
    exit 77
  fi
  chown postgres: "$PG_DIR"
  PG_AS=(runuser -u postgres --)
fi

stop_pg() {
  if [ "$PG_STARTED" = 1 ]; then
    "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w -t 60 stop >/dev/null 2>&1 || true
    PG_STARTED=0
  fi
  rm -rf "$PG_DIR"
}
trap 'stop_pg; cleanup' EXIT

PG_USER=keyline
PG_PASSWORD="$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
PG_PASSWORD_FILE="$PG_DIR/password"
printf '%s\n' "$PG_PASSWORD" >"$PG_PASSWORD_FILE"
chmod 600 "$PG_PASSWORD_FILE"
[ "$(id -u)" = 0 ] && chown postgres: "$PG_PASSWORD_FILE"

# Passwords over TCP (scram-sha-256), so the tests exercise a real login.
"${PG_AS[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -U "$PG_USER" --pwfile="$PG_PASSWORD_FILE" \
  --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --no-locale >"$PG_DIR/initdb.log" 2>&1 ||
  { cat "$PG_DIR/initdb.log" >&2; fail "initdb failed"; }
# The password file now belongs to the test (root may read it either way).
[ "$(id -u)" = 0 ] && chown root: "$PG_PASSWORD_FILE"

# A port can be taken between free_port and the bind by a neighbouring test: retry on a new one.
for attempt in 1 2 3 4 5; do
  PG_PORT="$(free_port)"
  if "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/postgres.log" -w -t 120 \
    -o "-k $PG_DIR -p $PG_PORT -h 127.0.0.1 -c fsync=off -c max_connections=30 -c shared_buffers=16MB" \
    start >/dev/null 2>&1; then
    PG_STARTED=1
    break
  fi
  "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  echo "pg_lib: postgres did not start on port $PG_PORT (attempt $attempt)" >&2
  tail -n 5 "$PG_DIR/postgres.log" >&2 || true
done
[ "$PG_STARTED" = 1 ] || fail "postgres did not start"
PG_URL="postgresql://$PG_USER:$PG_PASSWORD@127.0.0.1:$PG_PORT"
