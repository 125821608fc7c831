# shellcheck shell=bash
# The servers a team deployment uses, as throwaway instances for the tests: a Postgres 15 cluster and a Chroma
# server, both on 127.0.0.1 at free ports, both removed on exit.
#
# Used by .ci/run (from the repo root, as root, under `set -euo pipefail`):
#     source .ci/team-servers.sh
#     postgres_start    # installs postgresql-15 with apt if missing; exports INTERVIEWER_TEST_DATABASE_URL
#     chroma_start .venv/bin/chroma    # exports INTERVIEWER_TEST_CHROMA_HOST / INTERVIEWER_TEST_CHROMA_PORT
#     ... run pytest ...  # both are stopped on exit (trap), or call team_servers_stop
#
# The cluster is initdb'd in a temp dir owned by the `postgres` user and run with `runuser -u postgres`
# (Postgres refuses to run as root), with a random password (scram-sha-256) and fsync off: it is thrown away.

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_DIR=
PG_PORT=
CHROMA_PID=
CHROMA_DIR=

_team_free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

postgres_install() {
  [ -x "$PG_BIN/initdb" ] && return 0
  echo "team-servers: installing postgresql-15" >&2
  apt-get update -qq || return 1
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >/dev/null || return 1
  [ -x "$PG_BIN/initdb" ] || { echo "team-servers: no initdb at $PG_BIN after install" >&2; return 1; }
}

postgres_stop() {
  if [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR" ]; then
    if [ -f "$PG_DIR/data/postmaster.pid" ]; then
      runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$PG_DIR"
  fi
  PG_DIR=
}

postgres_start() {
  local password
  postgres_install || return 1
  PG_DIR=$(mktemp -d /tmp/interviewer-pg.XXXXXX) || return 1
  chown postgres:postgres "$PG_DIR" || return 1
  PG_PORT=$(_team_free_port) || return 1
  password=$(python3 -c 'import secrets; print(secrets.token_hex(16))') || return 1
  printf '%s\n' "$password" >"$PG_DIR/pw" && chown postgres:postgres "$PG_DIR/pw" && chmod 600 "$PG_DIR/pw" || return 1
  if ! runuser -u postgres -- "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --pwfile="$PG_DIR/pw" \
      --auth=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1; then
    cat "$PG_DIR/initdb.log" >&2
    return 1
  fi
  rm -f "$PG_DIR/pw"
  if ! runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR -c fsync=off -c max_connections=200" start >/dev/null; then
    cat "$PG_DIR/server.log" >&2
    return 1
  fi
  PGPASSWORD=$password runuser -u postgres --preserve-environment -- "$PG_BIN/createdb" -h 127.0.0.1 \
    -p "$PG_PORT" -U postgres interviewer_test || return 1
  export INTERVIEWER_TEST_DATABASE_URL="postgresql://postgres:$password@127.0.0.1:$PG_PORT/interviewer_test"
  trap team_servers_stop EXIT   # NB: replaces any EXIT trap the caller had (team_servers_stop stops llama too)
  echo "team-servers: Postgres ready on 127.0.0.1:$PG_PORT (data $PG_DIR/data)" >&2
}

chroma_stop() {
  if [ -n "${CHROMA_PID:-}" ] && kill -0 "$CHROMA_PID" 2>/dev/null; then
    kill "$CHROMA_PID" 2>/dev/null || true
    wait "$CHROMA_PID" 2>/dev/null || true
  fi
  CHROMA_PID=
  [ -n "${CHROMA_DIR:-}" ] && rm -rf "$CHROMA_DIR"
  CHROMA_DIR=
}

chroma_start() {
  local chroma=${1:-.venv/bin/chroma} timeout=${2:-120} port log
  [ -x "$chroma" ] || { echo "team-servers: no chroma CLI at $chroma (create the venv first)" >&2; return 1; }
  CHROMA_DIR=$(mktemp -d /tmp/interviewer-chroma.XXXXXX) || return 1
  port=$(_team_free_port) || return 1
  log=${CHROMA_LOG:-$PWD/test-artifacts/chroma-server.log}
  mkdir -p "$(dirname "$log")" || return 1
  ANONYMIZED_TELEMETRY=False "$chroma" run --path "$CHROMA_DIR/data" --host 127.0.0.1 --port "$port" >"$log" 2>&1 &
  CHROMA_PID=$!
  trap team_servers_stop EXIT
  if ! python3 - "http://127.0.0.1:$port/api/v2/heartbeat" "$timeout" "$CHROMA_PID" <<'PY'
import os, sys, time, urllib.request
url, deadline, pid = sys.argv[1], time.monotonic() + float(sys.argv[2]), int(sys.argv[3])
while True:
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit("team-servers: chroma died")
    if time.monotonic() > deadline:
        sys.exit("team-servers: chroma did not answer its heartbeat in time")
    try:
        urllib.request.urlopen(url, timeout=2).read(); break
    except OSError:
        time.sleep(0.3)
PY
  then
    tail -n 30 "$log" >&2
    chroma_stop
    return 1
  fi
  export INTERVIEWER_TEST_CHROMA_HOST=127.0.0.1 INTERVIEWER_TEST_CHROMA_PORT=$port
  echo "team-servers: Chroma ready on 127.0.0.1:$port (pid $CHROMA_PID, log $log)" >&2
}

team_servers_stop() {
  chroma_stop
  postgres_stop
  if declare -F llama_server_stop >/dev/null; then llama_server_stop; fi
}
