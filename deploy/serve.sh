#!/usr/bin/env bash
# Waymark for a region on one machine: nginx in front of N Streamlit replicas and the
# Open Referral UK API (its own uvicorn workers), everything on loopback by default.
#
#   deploy/serve.sh start [N]   start nginx, N replicas (default 2) and the API; stays in the
#                               foreground and stops everything on Ctrl+C / SIGTERM
#   deploy/serve.sh stop        stop a running one (from another terminal: make serve-stop)
#   deploy/serve.sh status      probe nginx, each replica's /_stcore/health and the API;
#                               exits 1 if any is down (use it from a monitor or cron)
#   deploy/serve.sh conf        print the nginx configuration for the settings below
#
# Settings (environment): WAYMARK_PORT (nginx, default 8080), WAYMARK_LISTEN (default
# 127.0.0.1:$WAYMARK_PORT), WAYMARK_REPLICA_PORT (first replica, default 8601),
# WAYMARK_API_PORT (default 8700), WAYMARK_API_WORKERS (default 2), WAYMARK_RUN_DIR (pid
# files, logs, generated nginx.conf; default ${TMPDIR:-/tmp}/waymark-serve),
# WAYMARK_DATA (the read-only data folder), WAYMARK_CACHE_DIR (the shared warm-start
# cache; default $WAYMARK_RUN_DIR/cache), PYTHON (default .venv/bin/python, else python3).
# For `conf` only (containers): WAYMARK_APP_SERVERS and WAYMARK_API_SERVERS, space-separated
# host:port lists, replace the loopback replicas; WAYMARK_ERROR_LOG (default
# $WAYMARK_RUN_DIR/nginx-error.log; /dev/stderr in a container) and WAYMARK_ERROR_LEVEL
# (default crit: lower levels log client addresses and request lines); WAYMARK_PRELOAD=0 leaves out
# the Link header that preloads the first page's front-end code (deploy/preload.py).
#
# Replicas share nothing but the data folder (read only) and the warm-start cache (written
# atomically). Each notices a data update on its next page run, without a restart, and
# keeps the last good directory if the new files are broken (services/directory.py).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUN="${WAYMARK_RUN_DIR:-${TMPDIR:-/tmp}/waymark-serve}"
PORT="${WAYMARK_PORT:-8080}"
LISTEN="${WAYMARK_LISTEN:-127.0.0.1:$PORT}"
REPLICA_PORT="${WAYMARK_REPLICA_PORT:-8601}"
API_PORT="${WAYMARK_API_PORT:-8700}"
API_WORKERS="${WAYMARK_API_WORKERS:-2}"
NGINX="${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}"
if [ -z "${PYTHON:-}" ]; then
  if [ -x "$ROOT/.venv/bin/python" ]; then PYTHON="$ROOT/.venv/bin/python"; else PYTHON=python3; fi
fi
export WAYMARK_CACHE_DIR="${WAYMARK_CACHE_DIR:-$RUN/cache}"

say() { echo "serve: $*" >&2; }
die() { say "$*"; exit 2; }

whole() { [[ "$1" =~ ^[0-9]+$ ]] && [ "$1" -ge "$2" ] && [ "$1" -le "$3" ]; }

streamlit_static() {
  "$PYTHON" -c 'import os, streamlit; print(os.path.join(os.path.dirname(streamlit.__file__), "static"))'
}

# The nginx config for N loopback replicas (or the container lists in the environment).
conf() {
  local n="${1:-2}" app_servers="" api_servers="" s
  if [ -n "${WAYMARK_APP_SERVERS:-}" ]; then
    for s in $WAYMARK_APP_SERVERS; do app_servers+="        server $s max_fails=1 fail_timeout=10s;"$'\n'; done
  else
    for ((i = 0; i < n; i++)); do
      app_servers+="        server 127.0.0.1:$((REPLICA_PORT + i)) max_fails=1 fail_timeout=10s;"$'\n'
    done
  fi
  for s in ${WAYMARK_API_SERVERS:-127.0.0.1:$API_PORT}; do
    api_servers+="        server $s max_fails=1 fail_timeout=10s;"$'\n'
  done
  local template
  template="$(cat "$ROOT/deploy/nginx.conf.template")"
  template="${template//@APP_SERVERS@/${app_servers%$'\n'}}"
  template="${template//@API_SERVERS@/${api_servers%$'\n'}}"
  template="${template//@ERROR_LOG@/${WAYMARK_ERROR_LOG:-$RUN/nginx-error.log}}"
  template="${template//@ERROR_LEVEL@/${WAYMARK_ERROR_LEVEL:-crit}}"
  template="${template//@RUN@/$RUN}"
  template="${template//@LISTEN@/$LISTEN}"
  template="${template//@WORKERS@/${WAYMARK_NGINX_WORKERS:-1}}"
  template="${template//@STREAMLIT_STATIC@/$(streamlit_static)}"
  template="${template//@APP_STATIC@/$ROOT/static}"
  local preload=""
  if [ "${WAYMARK_PRELOAD:-1}" != 0 ]; then preload="$("$PYTHON" "$ROOT/deploy/preload.py" 2>/dev/null || true)"; fi
  template="${template//@PRELOAD@/$preload}"
  printf '%s\n' "$template"
}

healthy() { # url
  "$PYTHON" - "$1" <<'PY' >/dev/null 2>&1
import sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=3) as r:
    sys.exit(0 if r.status == 200 else 1)
PY
}

pids() { ls "$RUN"/*.pid 2>/dev/null | grep -v nginx.pid || true; }

stop() {
  local f pid
  [ -d "$RUN" ] && touch "$RUN/stopped"  # tells a running `start` this was on purpose
  if [ -f "$RUN/nginx.pid" ] && [ -f "$RUN/nginx.conf" ]; then
    "$NGINX" -p "$RUN" -c "$RUN/nginx.conf" -s quit 2>/dev/null || true
  fi
  for f in $(pids); do
    pid="$(cat "$f")"
    # Our own children only: the pid file was written by this script for this run dir.
    kill -TERM "$pid" 2>/dev/null || true
  done
  for _ in $(seq 1 50); do
    local alive=0
    for f in $(pids); do kill -0 "$(cat "$f")" 2>/dev/null && alive=1; done
    [ -f "$RUN/nginx.pid" ] && kill -0 "$(cat "$RUN/nginx.pid")" 2>/dev/null && alive=1
    [ "$alive" = 0 ] && break
    sleep 0.2
  done
  for f in $(pids); do kill -KILL "$(cat "$f")" 2>/dev/null || true; rm -f "$f"; done
  rm -f "$RUN/nginx.pid"
}

status() {
  local bad=0 f name port
  if healthy "http://$LISTEN/nginx-health"; then echo "nginx        http://$LISTEN/  up"; else echo "nginx        http://$LISTEN/  DOWN"; bad=1; fi
  for f in "$RUN"/replica-*.port; do
    [ -e "$f" ] || continue
    name="$(basename "$f" .port)"; port="$(cat "$f")"
    if healthy "http://127.0.0.1:$port/_stcore/health"; then echo "$name    127.0.0.1:$port  up"; else echo "$name    127.0.0.1:$port  DOWN"; bad=1; fi
  done
  if healthy "http://$LISTEN/api/oruk/"; then echo "api          http://$LISTEN/api/oruk/  up"; else echo "api          http://$LISTEN/api/oruk/  DOWN"; bad=1; fi
  return "$bad"
}

start() {
  local n="${1:-2}"
  whole "$n" 1 16 || die "N must be a whole number from 1 to 16 (got '$n')"
  [ -x "$NGINX" ] || die "nginx is not installed (Debian: apt-get install nginx; 'make serve' does it)"
  [ -f "$ROOT/static/vendor/leaflet/leaflet.js" ] || say "warning: static/vendor is empty (run 'make vendor'): the map will say it is unavailable"
  if [ -n "${WAYMARK_DATA:-}" ] && [ ! -d "$WAYMARK_DATA" ]; then die "WAYMARK_DATA=$WAYMARK_DATA is not a folder"; fi
  mkdir -p "$RUN" "$WAYMARK_CACHE_DIR"
  if [ -n "$(pids)" ] || [ -f "$RUN/nginx.pid" ]; then
    say "an earlier run left pid files in $RUN: stopping it first"
    stop
  fi
  rm -f "$RUN"/replica-*.port "$RUN/stopped"
  trap 'say "stopping"; stop; exit 0' INT TERM
  trap 'stop' EXIT

  # Replicas first: warm the shared cache once, so N replicas do not all parse the data.
  "$PYTHON" -c 'from services.directory import directories; directories.get()' >/dev/null 2>&1 \
    || say "warning: the data could not be loaded now; the replicas will say why on their pages"
  for ((i = 0; i < n; i++)); do
    local port=$((REPLICA_PORT + i))
    (cd "$ROOT" && exec "$PYTHON" -m streamlit run streamlit_app.py \
      --server.address 127.0.0.1 --server.port "$port" --server.headless true \
      --browser.gatherUsageStats false --server.fileWatcherType none --server.runOnSave false \
      >"$RUN/replica-$((i + 1)).log" 2>&1) &
    echo $! >"$RUN/replica-$((i + 1)).pid"
    echo "$port" >"$RUN/replica-$((i + 1)).port"
  done
  (cd "$ROOT" && exec "$PYTHON" -m services serve-api --host 127.0.0.1 --port "$API_PORT" \
    --workers "$API_WORKERS" --root-path /api/oruk >"$RUN/api.log" 2>&1) &
  echo $! >"$RUN/api.pid"

  conf "$n" >"$RUN/nginx.conf"
  "$NGINX" -t -q -p "$RUN" -c "$RUN/nginx.conf" 2>"$RUN/nginx-check.log" || { cat "$RUN/nginx-check.log" >&2; die "nginx rejected $RUN/nginx.conf"; }
  "$NGINX" -p "$RUN" -c "$RUN/nginx.conf" -g "daemon on;"

  local deadline=$((SECONDS + ${WAYMARK_START_TIMEOUT:-90}))
  for ((i = 1; i <= n; i++)); do
    until healthy "http://127.0.0.1:$(cat "$RUN/replica-$i.port")/_stcore/health"; do
      kill -0 "$(cat "$RUN/replica-$i.pid")" 2>/dev/null || { tail -20 "$RUN/replica-$i.log" >&2; die "replica $i exited; log: $RUN/replica-$i.log"; }
      [ "$SECONDS" -lt "$deadline" ] || die "replica $i did not become healthy; log: $RUN/replica-$i.log"
      sleep 0.3
    done
  done
  until healthy "http://$LISTEN/api/oruk/"; do
    kill -0 "$(cat "$RUN/api.pid")" 2>/dev/null || { tail -20 "$RUN/api.log" >&2; die "the API exited; log: $RUN/api.log"; }
    [ "$SECONDS" -lt "$deadline" ] || die "the API did not answer; log: $RUN/api.log"
    sleep 0.3
  done
  echo "serve: Waymark on http://$LISTEN/ ($n replicas; API at http://$LISTEN/api/oruk/; run dir $RUN). Ctrl+C stops it."
  # Stay in the foreground until stopped; exit (and clean up) if every replica has died.
  while :; do
    local any=0
    for ((i = 1; i <= n; i++)); do
      local p
      p="$(cat "$RUN/replica-$i.pid" 2>/dev/null || true)"
      [ -n "$p" ] && kill -0 "$p" 2>/dev/null && any=1
    done
    if [ -e "$RUN/stopped" ]; then say "stopped (serve.sh stop)"; exit 0; fi
    [ "$any" = 1 ] || die "every replica has stopped (serve.sh stop, or they failed: see $RUN/replica-*.log)"
    sleep 1 &
    wait $! || true
  done
}

cmd="${1:-start}"
shift || true
case "$cmd" in
  start) start "$@" ;;
  stop) stop ;;
  status) status ;;
  conf) conf "$@" ;;
  *) die "unknown command '$cmd' (start [N] | stop | status | conf [N])" ;;
esac
