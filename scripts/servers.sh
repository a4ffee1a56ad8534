# Start/stop the action server and the Rasa server. Source after common.sh.
# Both start through runtime/launch.py (runtime/launch_env.py): secrets come from the
# environment, never the command line, and the action server has its own request limit.
# var/ (conversations, logs, pids) is private: 0700, files 0600. Only var/ and the
# servers get umask 077: models/ and web/ keep the user's (the Docker images copy them).
# ADVISOR_VAR_DIR and RASA_ENDPOINTS move var/ and endpoints.yml (tests/integration/test_access.py).
VAR_DIR="${ADVISOR_VAR_DIR:-$PROJECT_DIR/var}"
RUN_DIR="$VAR_DIR/run"
LOG_DIR="$VAR_DIR/log"
(umask 077 && mkdir -p "$RUN_DIR" "$LOG_DIR")
# Also tightens a var/ made by an older version. var/scale/ (scale_up.sh) belongs to
# the services' users, which must still pass through var/ when it exists (0711).
if [ -d "$VAR_DIR/scale" ]; then chmod go-rw "$VAR_DIR"; else chmod go-rwx "$VAR_DIR"; fi
chmod -R go-rwx "$RUN_DIR" "$LOG_DIR"
find "$VAR_DIR" -maxdepth 1 -type f -exec chmod go-rwx {} +
LAUNCH=("$PY" -m runtime.launch)
# Sourcing this file runs nothing from .venv: scripts/run.sh sources it before set-up has
# made the venv (issue #22), so secrets come from the kernel, not Python.
random_secret() { head -c 48 /dev/urandom | base64 -w0 | tr '+/' '-_' | tr -d '='; }

# Signed web chat sessions and report links (advisor/signing.py) need one secret shared
# by both servers: ADVISOR_SECRET_KEY if set, else one kept in var/secret_key (0600).
if [ -z "${ADVISOR_SECRET_KEY:-}" ]; then
  if [ ! -s "$VAR_DIR/secret_key" ]; then
    (umask 077 && random_secret >"$VAR_DIR/secret_key")
  fi
  ADVISOR_SECRET_KEY="$(cat "$VAR_DIR/secret_key")"
  export ADVISOR_SECRET_KEY
fi
# The Rasa server proves itself to the action server with ACTION_SERVER_TOKEN
# (runtime/action_auth.py): if unset, one kept in var/action_server_token (0600).
ensure_action_server_token() {
  if [ -z "${ACTION_SERVER_TOKEN:-}" ]; then
    if [ ! -s "$VAR_DIR/action_server_token" ]; then
      (umask 077 && random_secret >"$VAR_DIR/action_server_token")
    fi
    ACTION_SERVER_TOKEN="$(cat "$VAR_DIR/action_server_token")"
  fi
  export ACTION_SERVER_TOKEN
}
ensure_action_server_token

start_private() {  # start_private NAME CMD...: in the background, umask 077, appending to var/log/NAME.log (rotated by scripts/rotate_logs.sh), var/run/NAME.pid
  local name="$1" pid
  shift
  (umask 077 && exec "$@" >>"$LOG_DIR/$name.log" 2>&1) &
  pid=$!
  (umask 077 && echo "$pid" >"$RUN_DIR/$name.pid")
}

wait_for_url() {  # wait_for_url URL SECONDS NAME
  local url="$1" seconds="$2" name="$3"
  for _ in $(seq "$seconds"); do
    if curl -fs -o /dev/null "$url"; then return 0; fi
    sleep 1
  done
  echo "ERROR: $name did not come up at $url within ${seconds}s (see $LOG_DIR/)" >&2
  return 1
}

start_action_server() {
  log "Starting the action server on ${ACTIONS_HOST:-127.0.0.1}:$ACTIONS_PORT"
  # rasa_sdk binds 0.0.0.0 unless SANIC_HOST says otherwise: loopback by default.
  # Its body limit is ACTIONS_REQUEST_MAX_SIZE (launch_env.py), not SANIC_REQUEST_MAX_SIZE.
  start_private actions env SANIC_HOST="${ACTIONS_HOST:-127.0.0.1}" \
    "${LAUNCH[@]}" run actions --actions actions --port "$ACTIONS_PORT"
  wait_for_url "http://127.0.0.1:$ACTIONS_PORT/health" 60 "action server"
}

start_rasa_server() {
  log "Starting the Rasa server on port $RASA_PORT (loading the model takes ~15 s)"
  local cors=()
  # Exact origins allowed to call the server from a browser (space-separated).
  read -ra cors <<<"${RASA_CORS_ORIGINS:-http://localhost:$RASA_PORT http://127.0.0.1:$RASA_PORT}"
  local origin
  for origin in "${cors[@]}"; do  # exact origins only: sanic-cors reads * ? ] \ as a regex
    if ! [[ "$origin" =~ ^https?://[A-Za-z0-9.-]+(:[0-9]+)?$ ]]; then
      echo "ERROR: RASA_CORS_ORIGINS entry '$origin' is not an exact origin like https://www.example.com" >&2
      return 1
    fi
  done
  # The HTTP admin API stays off unless a token (?token=...) or a JWT secret
  # (Authorization: Bearer <JWT>) is configured: the launcher reads RASA_API_TOKEN /
  # RASA_JWT_SECRET from the environment, so they never appear in `ps`.
  start_private rasa "${LAUNCH[@]}" run --model "$MODEL_DIR/$MODEL_NAME.tar.gz" --port "$RASA_PORT" \
    --interface "${RASA_INTERFACE:-127.0.0.1}" \
    --credentials credentials.yml --endpoints "${RASA_ENDPOINTS:-endpoints.yml}" \
    --cors "${cors[@]}"
  wait_for_url "http://127.0.0.1:$RASA_PORT/webhooks/rest/" 180 "Rasa server"
}

stop_servers() {  # stop both, and return only once they are gone (SIGKILL after 20 s)
  local name pid pids=()
  for name in rasa actions; do
    local pidfile="$RUN_DIR/$name.pid"
    if [ -f "$pidfile" ]; then
      pid="$(cat "$pidfile")"
      kill "$pid" 2>/dev/null && pids+=("$pid")
      rm -f "$pidfile"
    fi
  done
  for _ in $(seq 40); do
    any_alive "${pids[@]}" || return 0
    sleep 0.5
  done
  kill -9 "${pids[@]}" 2>/dev/null || true
}

any_alive() {  # any_alive PID...: true while one of them runs
  local pid
  for pid in "$@"; do kill -0 "$pid" 2>/dev/null && return 0; done
  return 1
}
