# Start/stop the action server and the Rasa server. Source after common.sh.
RUN_DIR="$PROJECT_DIR/var/run"
mkdir -p "$RUN_DIR" "$PROJECT_DIR/var/log"

wait_for_url() {  # wait_for_url URL SECONDS NAME
  local url="$1" seconds="$2" name="$3"
  for _ in $(seq "$seconds"); do
    if curl -fs -o /dev/null "$url"; then return 0; fi
    sleep 1
  done
  echo "ERROR: $name did not come up at $url within ${seconds}s (see var/log/)" >&2
  return 1
}

start_action_server() {
  log "Starting the action server on ${ACTIONS_HOST:-127.0.0.1}:$ACTIONS_PORT"
  # rasa_sdk binds 0.0.0.0 unless SANIC_HOST says otherwise: loopback by default.
  SANIC_HOST="${ACTIONS_HOST:-127.0.0.1}" "$RASA" run actions --actions actions --port "$ACTIONS_PORT" \
    >"$PROJECT_DIR/var/log/actions.log" 2>&1 &
  echo $! >"$RUN_DIR/actions.pid"
  wait_for_url "http://127.0.0.1:$ACTIONS_PORT/health" 60 "action server"
}

start_rasa_server() {
  log "Starting the Rasa server on port $RASA_PORT (loading the model takes ~15 s)"
  local api_args=() cors=()
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
  # (Authorization: Bearer <JWT>) is configured; both come from the environment.
  if [ -n "${RASA_API_TOKEN:-}" ] || [ -n "${RASA_JWT_SECRET:-}" ]; then
    api_args=(--enable-api)
    if [ -n "${RASA_API_TOKEN:-}" ]; then api_args+=(--auth-token "$RASA_API_TOKEN"); fi
    if [ -n "${RASA_JWT_SECRET:-}" ]; then
      api_args+=(--jwt-secret "$RASA_JWT_SECRET" --jwt-method "${RASA_JWT_METHOD:-HS256}")
    fi
  fi
  "$RASA" run --model "$MODEL_DIR/$MODEL_NAME.tar.gz" --port "$RASA_PORT" \
    --interface "${RASA_INTERFACE:-127.0.0.1}" \
    --credentials credentials.yml --endpoints endpoints.yml \
    --cors "${cors[@]}" \
    "${api_args[@]}" >"$PROJECT_DIR/var/log/rasa.log" 2>&1 &
  echo $! >"$RUN_DIR/rasa.pid"
  wait_for_url "http://127.0.0.1:$RASA_PORT/webhooks/rest/" 180 "Rasa server"
}

stop_servers() {
  for name in rasa actions; do
    local pidfile="$RUN_DIR/$name.pid"
    if [ -f "$pidfile" ]; then
      kill "$(cat "$pidfile")" 2>/dev/null || true
      rm -f "$pidfile"
    fi
  done
}
