#!/usr/bin/env bash
# Set everything up and run the whole suite: lint, SQLite, a throwaway PostgreSQL server,
# then the browser tests in headless Chromium; an S3-compatible server (moto) serves the media
# tests of every run. Extra arguments go to every pytest run.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source "$ROOT/scripts/setup.sh"

# --- system packages the tests need (Debian): Chromium and PostgreSQL ----------------------
pg_bindir() {
  # Debian keeps the server binaries (initdb, pg_ctl, createdb) out of PATH.
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  if [ -z "$dir" ] && command -v pg_ctl >/dev/null 2>&1; then
    dir="$(dirname "$(command -v pg_ctl)")"
  fi
  echo "$dir"
}
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
PG_BIN="$(pg_bindir)"
[ -n "$PG_BIN" ] && [ -x "$PG_BIN/initdb" ] && [ -x "$PG_BIN/createdb" ] || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> installing Debian packages: ${missing[*]}"
  apt_install "${missing[@]}"
fi
PG_BIN="$(pg_bindir)"

# Front-end files only the tests use (axe-core), from the npm registry, checked by digest.
echo "==> fetching test-only front-end packages (npm registry)"
python "$ROOT/scripts/npm_fetch.py"

mkdir -p "$ROOT/artifacts"
status=0
# Compiled modules (and pytest's rewritten tests) kept in __pycache__/, ignored by git: with
# PYTHONDONTWRITEBYTECODE set, each of the six test processes compiled them again (3 s each).
unset PYTHONDONTWRITEBYTECODE
# Every run spreads over two processes (pytest-xdist): each gets its own PostgreSQL database,
# and each browser test its own server, port, database and Chromium page.
WORKERS="${TEST_WORKERS:-2}"

echo "==> lint (ruff)"
ruff check . && ruff format --check . || status=1

# --- an S3-compatible server (moto) on a free loopback port, for the media library tests ----
S3TMP="$(mktemp -d /tmp/backoffice-s3.XXXXXX)"
S3PID=""
stop_s3() {
  if [ -n "$S3PID" ]; then
    kill "$S3PID" 2>/dev/null || true
    wait "$S3PID" 2>/dev/null || true
  fi
  rm -rf "$S3TMP"
}
trap stop_s3 EXIT
S3PORT="$(python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
echo "==> starting an S3-compatible server (moto) on 127.0.0.1:$S3PORT"
python -m moto.server -H 127.0.0.1 -p "$S3PORT" >"$S3TMP/server.log" 2>&1 &
S3PID=$!
s3_up() {
  python -c "import socket, sys; socket.create_connection(('127.0.0.1', int(sys.argv[1])), 0.5)" "$S3PORT" 2>/dev/null
}
for _ in $(seq 1 120); do
  s3_up && break
  kill -0 "$S3PID" 2>/dev/null || break
  sleep 0.5
done
if ! s3_up; then
  tail -n 20 "$S3TMP/server.log" >&2
  echo "error: the S3 test server (moto) did not start; log above" >&2
  exit 1
fi
export TEST_S3_ENDPOINT_URL="http://127.0.0.1:$S3PORT"

echo "==> tests on SQLite"
python -m pytest -m "not browser" -p no:cacheprovider -n "$WORKERS" "$@" || status=1

# --- a throwaway PostgreSQL server on a free loopback port ---------------------------------
PGTMP="$(mktemp -d /tmp/backoffice-pg.XXXXXX)"
chmod 755 "$PGTMP"
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then
    chown -R postgres "$PGTMP"
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}
stop_pg() {
  as_pg "$PG_BIN/pg_ctl" -D "$PGTMP/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PGTMP"
}
trap 'stop_pg; stop_s3' EXIT
PGPORT="$(python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
echo "==> starting PostgreSQL on 127.0.0.1:$PGPORT"
as_pg "$PG_BIN/initdb" -D "$PGTMP/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
as_pg "$PG_BIN/pg_ctl" -D "$PGTMP/data" -l "$PGTMP/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGTMP -c fsync=off -c synchronous_commit=off" start >/dev/null
as_pg "$PG_BIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres backoffice_test

echo "==> tests on PostgreSQL"
TEST_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:$PGPORT/backoffice_test" \
  python -m pytest -m "not browser" -p no:cacheprovider -n "$WORKERS" "$@" || status=1

echo "==> browser tests (headless Chromium; screenshots in artifacts/)"
python -m pytest -m browser -p no:cacheprovider -n "$WORKERS" "$@" || status=1

if [ "$status" -ne 0 ]; then
  echo "==> FAILED: see the output above" >&2
fi
exit "$status"
