#!/usr/bin/env bash
# The local stack: moto (AWS emulator), the Temporal dev server, the cloud-medic worker and API.
# `up` starts what is not running and waits until each part answers; `down` stops only what `up` started.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$MEDIC_ROOT"
PIDS="$MEDIC_DATA_DIR/pids"
LOGS="$MEDIC_DATA_DIR/logs"
mkdir -p "$PIDS" "$LOGS"
say() { printf '\033[1;32m[stack]\033[0m %s\n' "$*"; }

running() { [ -f "$PIDS/$1.pid" ] && kill -0 "$(cat "$PIDS/$1.pid")" 2>/dev/null; }

# Waits for a readiness command, failing with the component's log if it never comes.
wait_for() {
  local name=$1 timeout=$2; shift 2
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if ! running "$name"; then echo "stack: $name exited; last lines of its log:" >&2; tail -20 "$LOGS/$name.log" >&2; exit 1; fi
    if [ $SECONDS -ge $deadline ]; then echo "stack: $name not ready after ${timeout}s; log: $LOGS/$name.log" >&2; tail -20 "$LOGS/$name.log" >&2; exit 1; fi
    sleep 0.3
  done
}

start() {
  local name=$1; shift
  if running "$name"; then say "$name already running (pid $(cat "$PIDS/$name.pid"))"; return 1; fi
  # A fresh log per start, so readiness is read from this run's lines (the last run's is kept as .1).
  [ -f "$LOGS/$name.log" ] && mv -f "$LOGS/$name.log" "$LOGS/$name.log.1"
  setsid "$@" >>"$LOGS/$name.log" 2>&1 < /dev/null &
  echo $! >"$PIDS/$name.pid"
  say "$name started (pid $!, log $LOGS/$name.log)"
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

up() {
  [ -x "$TEMPORAL_BIN" ] || { echo "stack: no Temporal CLI at $TEMPORAL_BIN; run make setup" >&2; exit 1; }
  if ! running moto; then
    port_free "$MOTO_PORT" || { echo "stack: port $MOTO_PORT is taken by another process" >&2; exit 1; }
    start moto "$MEDIC_ROOT/.venv/bin/moto_server" -H 127.0.0.1 -p "$MOTO_PORT" || true
  fi
  wait_for moto 60 curl -sf "http://127.0.0.1:$MOTO_PORT/moto-api/data.json"

  if ! running temporal; then
    port_free "$TEMPORAL_PORT" || { echo "stack: port $TEMPORAL_PORT is taken by another process" >&2; exit 1; }
    start temporal "$TEMPORAL_BIN" server start-dev --ip 127.0.0.1 --port "$TEMPORAL_PORT" --ui-port "$TEMPORAL_UI_PORT" \
      --db-filename "$MEDIC_DATA_DIR/temporal.db" --log-level warn \
      --sqlite-pragma journal_mode=wal --sqlite-pragma synchronous=normal \
      --search-attribute MedicResource=Keyword --search-attribute MedicKind=Keyword \
      --search-attribute MedicStatus=Keyword --search-attribute MedicSeverity=Keyword \
      --search-attribute MedicMode=Keyword || true
  fi
  wait_for temporal 60 "$TEMPORAL_BIN" operator cluster health --address "$TEMPORAL_ADDRESS"

  [ -f dist/workers/main.js ] || { echo "stack: not built; run make setup" >&2; exit 1; }
  if start worker node dist/workers/main.js; then :; fi
  wait_for worker 60 grep -q '"worker started"' "$LOGS/worker.log"

  if ! running api; then
    port_free "$MEDIC_API_PORT" || { echo "stack: port $MEDIC_API_PORT is taken by another process" >&2; exit 1; }
    start api node dist/api/main.js || true
  fi
  wait_for api 60 curl -sf "http://127.0.0.1:$MEDIC_API_PORT/healthz"

  say "ready: API http://127.0.0.1:$MEDIC_API_PORT  Temporal Web UI $MEDIC_TEMPORAL_UI_URL  AWS emulator $AWS_ENDPOINT_URL"
  say "admin token: $MEDIC_DATA_DIR/admin-token"
}

down() {
  for name in api worker temporal moto; do
    if running "$name"; then
      local pid; pid=$(cat "$PIDS/$name.pid")
      kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      kill -KILL -- "-$pid" 2>/dev/null || true
      say "$name stopped"
    fi
    rm -f "$PIDS/$name.pid"
  done
}

status() {
  for name in moto temporal worker api; do
    if running "$name"; then echo "$name: running (pid $(cat "$PIDS/$name.pid"))"; else echo "$name: stopped"; fi
  done
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  restart) down; up ;;
  *) echo "usage: $0 up|down|status|restart" >&2; exit 2 ;;
esac
