#!/usr/bin/env bash
# Stop the scale-out stack that scripts/scale_up.sh started, by the PIDs it
# recorded in SCALE_DIR/run (default var/scale/run): nginx first, then the Rasa
# replicas and the action server, then Redis and PostgreSQL. Each gets SIGTERM
# (PostgreSQL SIGINT, its "fast" shutdown) and up to 30 s before SIGKILL.
#
#   bash scripts/scale_down.sh           # stop; conversations stay in SCALE_DIR/postgres
#   bash scripts/scale_down.sh --purge   # stop and delete SCALE_DIR (conversations, logs, passwords)
set -euo pipefail
PROJECT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SCALE_DIR="$(realpath -m "${SCALE_DIR:-$PROJECT_DIR/var/scale}")"
RUN="$SCALE_DIR/run"
PURGE=false
case "${1:-}" in
  --purge) PURGE=true ;;
  "") ;;
  *) echo "usage: $0 [--purge]" >&2; exit 2 ;;
esac

# name -> a word its command line must contain (a recycled PID is left alone)
# (the action server and the replicas run `python -m runtime.launch`)
declare -A EXPECT=([nginx]=nginx [actions]=runtime.launch [redis]=redis-server [postgres]=postgres)

stop() {  # stop NAME SIGNAL
  local name="$1" signal="$2" pidfile="$RUN/$1.pid" pid expect
  [ -f "$pidfile" ] || return 0
  pid="$(cat "$pidfile")"
  expect="${EXPECT[$name]:-runtime.launch}"
  if [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null \
     && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$expect"; then
    kill "-$signal" "$pid" 2>/dev/null || true
    for _ in $(seq 60); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.5
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "$name (PID $pid) did not stop within 30 s; killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
    # Each process was started in its own session (setsid): end what is left
    # of that session, e.g. the action server's Sanic workers.
    pkill -KILL -s "$pid" 2>/dev/null || true
    echo "stopped $name (PID $pid)"
  fi
  rm -f "$pidfile"
}

if [ ! -d "$RUN" ]; then
  echo "Nothing to stop: no scale-out stack state in $SCALE_DIR."
else
  stop nginx TERM
  # The replicas and the action server in parallel (each takes a few seconds).
  for pidfile in "$RUN"/rasa-*.pid "$RUN/actions.pid"; do
    [ -e "$pidfile" ] && stop "$(basename "$pidfile" .pid)" TERM &
  done
  wait
  stop redis TERM
  stop postgres INT
fi

if $PURGE; then
  case "$SCALE_DIR" in
    ""|/|"$PROJECT_DIR") echo "refusing to delete '$SCALE_DIR'" >&2; exit 1 ;;
  esac
  rm -rf "$SCALE_DIR"
  echo "deleted $SCALE_DIR"
fi
