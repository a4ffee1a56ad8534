#!/usr/bin/env bash
# Start the scale-out stack locally, in the background, on 127.0.0.1 only:
#
#   PostgreSQL   tracker store (all replicas share the conversations)
#   Redis        lock store (one message at a time per conversation, across replicas)
#   action server with ACTION_SERVER_SANIC_WORKERS Sanic workers
#   SCALE_REPLICAS Rasa servers (default 2)
#   nginx        the only entry point: public paths only, per-client limits,
#                round-robin for REST, sticky for socket.io, action-call timeout
#
# PostgreSQL, Redis and nginx are private instances from the Debian packages
# (scripts/install_services.sh installs them), with their data, logs and PID
# files under SCALE_DIR; the system services are never used. Stop everything
# with scripts/scale_down.sh (`make scale-down`); conversations are kept in
# SCALE_DIR/postgres until `scripts/scale_down.sh --purge`.
#
# Configuration (environment variables, defaults in brackets) is listed in
# deploy/README.md. Secrets: DB_PASSWORD, REDIS_PASSWORD and ADVISOR_SECRET_KEY
# (shared by every replica and the action server); when unset, the ones of the
# previous start (SCALE_DIR/secrets.env, mode 600) are reused, or random ones
# generated. Nothing secret is read from or written to the repo.
source "$(dirname "$0")/common.sh"

SCALE_DIR="$(realpath -m "${SCALE_DIR:-$PROJECT_DIR/var/scale}")"
SCALE_HTTP_PORT="${SCALE_HTTP_PORT:-8080}"            # nginx: the stack's only entry point
SCALE_REPLICAS="${SCALE_REPLICAS:-2}"
SCALE_RASA_PORT="${SCALE_RASA_PORT:-5105}"            # replica i listens on SCALE_RASA_PORT+i-1
SCALE_ACTIONS_PORT="${SCALE_ACTIONS_PORT:-5155}"      # action server (all its workers)
SCALE_ACTIONS_PROXY_PORT="${SCALE_ACTIONS_PROXY_PORT:-5156}"  # nginx in front of it
SCALE_MODEL="${SCALE_MODEL:-$MODEL_DIR/$MODEL_NAME.tar.gz}"
SCALE_CREDENTIALS="${SCALE_CREDENTIALS:-credentials.yml}"
SCALE_ENDPOINTS="${SCALE_ENDPOINTS:-deploy/endpoints.scale.yml}"
SCALE_START_TIMEOUT="${SCALE_START_TIMEOUT:-300}"     # seconds for the replicas to load the model
# What nginx lets through (deploy/README.md, "Public paths and limits"): REST only
# when asked; per client address, requests per second (with a burst) and open
# connections; Slack's servers get their own request budget; exempt addresses
# (trusted callers, space separated, e.g. "10.0.0.5 192.168.0.0/24") none of it.
SCALE_EXPOSE_REST="${SCALE_EXPOSE_REST:-0}"
SCALE_LIMIT_RATE="${SCALE_LIMIT_RATE:-5}"
SCALE_LIMIT_BURST="${SCALE_LIMIT_BURST:-40}"
SCALE_LIMIT_CONN="${SCALE_LIMIT_CONN:-20}"
SCALE_SLACK_LIMIT_RATE="${SCALE_SLACK_LIMIT_RATE:-20}"
SCALE_SLACK_LIMIT_BURST="${SCALE_SLACK_LIMIT_BURST:-100}"
SCALE_LIMIT_EXEMPT="${SCALE_LIMIT_EXEMPT:-}"
export ACTION_SERVER_SANIC_WORKERS="${ACTION_SERVER_SANIC_WORKERS:-2}"
export DB_HOST="${DB_HOST:-127.0.0.1}" DB_PORT="${DB_PORT:-5433}"
export DB_USER="${DB_USER:-rasa}" DB_DATABASE="${DB_DATABASE:-rasa}"
export REDIS_HOST="${REDIS_HOST:-127.0.0.1}" REDIS_PORT="${REDIS_PORT:-6380}"
# Message ordering (deploy/README.md): no message may hold its conversation's
# lock ticket longer than the ticket lives. One custom-action call takes at most
# RASA_ACTION_TIMEOUT seconds (the project's setting, scripts/common.sh: Rasa's
# action guard, nginx in front of the action server and the action server itself
# all cut it off then); a message makes at most 2 calls per prediction (a form
# calls validate_<form> and action_ask_<slot>) and MAX_NUMBER_OF_PREDICTIONS
# predictions.
export MAX_NUMBER_OF_PREDICTIONS="${MAX_NUMBER_OF_PREDICTIONS:-10}"
export TICKET_LOCK_LIFETIME="${TICKET_LOCK_LIFETIME:-90}"
PROCESSING_MARGIN=30  # NLU, policies, PostgreSQL and Redis in one message, with room to spare
# How long a replica works on one HTTP request before Sanic cancels it: a
# message may first wait up to one lifetime for a ticket left by a replica that
# died, then take up to one lifetime itself. (Without the HTTP API, Rasa leaves
# Sanic's default of 60 s, after which the message would be cancelled.)
RASA_RESPONSE_TIMEOUT=$((2 * TICKET_LOCK_LIFETIME + 30))

RUN="$SCALE_DIR/run"
LOGS="$SCALE_DIR/log"

die() { echo "ERROR: $*" >&2; exit 1; }

# --- checks before anything starts --------------------------------------------------
for n in SCALE_HTTP_PORT SCALE_REPLICAS SCALE_RASA_PORT SCALE_ACTIONS_PORT SCALE_ACTIONS_PROXY_PORT \
         ACTION_SERVER_SANIC_WORKERS DB_PORT REDIS_PORT RASA_ACTION_TIMEOUT MAX_NUMBER_OF_PREDICTIONS \
         TICKET_LOCK_LIFETIME SCALE_START_TIMEOUT SCALE_LIMIT_RATE SCALE_LIMIT_BURST SCALE_LIMIT_CONN \
         SCALE_SLACK_LIMIT_RATE SCALE_SLACK_LIMIT_BURST; do
  [[ "${!n}" =~ ^[0-9]+$ ]] || die "$n must be a whole number, not '${!n}'"
done
[ "$SCALE_REPLICAS" -ge 1 ] || die "SCALE_REPLICAS must be at least 1"
[[ "$SCALE_EXPOSE_REST" =~ ^[01]$ ]] || die "SCALE_EXPOSE_REST must be 0 or 1, not '$SCALE_EXPOSE_REST'"
# Exposed REST needs a token: a REST sender id is a bearer secret (docs/security.md).
# SCALE_REST_OPEN=1 opens it anyway, for load tests on this machine only.
if [ "$SCALE_EXPOSE_REST" = 1 ] && [ -z "${REST_TOKEN:-}" ] && [ "${SCALE_REST_OPEN:-0}" != 1 ]; then
  die "SCALE_EXPOSE_REST=1 needs REST_TOKEN (callers then send 'Authorization: Bearer <REST_TOKEN>')"
fi
[ -z "${REST_TOKEN:-}" ] || export REST_TOKEN  # the replicas read it (channels/rest.py)
worst=$((MAX_NUMBER_OF_PREDICTIONS * 2 * RASA_ACTION_TIMEOUT + PROCESSING_MARGIN))
if [ "$TICKET_LOCK_LIFETIME" -lt "$worst" ]; then
  die "TICKET_LOCK_LIFETIME=$TICKET_LOCK_LIFETIME s is shorter than the longest a message can take
  (MAX_NUMBER_OF_PREDICTIONS=$MAX_NUMBER_OF_PREDICTIONS x 2 action calls x RASA_ACTION_TIMEOUT=$RASA_ACTION_TIMEOUT s
  + ${PROCESSING_MARGIN} s = $worst s): a slow message would lose its lock and the next one could overtake it.
  Raise TICKET_LOCK_LIFETIME or lower RASA_ACTION_TIMEOUT (see deploy/README.md)."
fi
[ "$DB_HOST" = 127.0.0.1 ] && [ "$REDIS_HOST" = 127.0.0.1 ] \
  || die "the local stack runs PostgreSQL and Redis on 127.0.0.1 (DB_HOST/REDIS_HOST)"
[ -f "$SCALE_MODEL" ] || die "no trained model at $SCALE_MODEL: run \`make train\` first"
[ -f "$SCALE_CREDENTIALS" ] || die "no credentials file $SCALE_CREDENTIALS"
[ -f "$SCALE_ENDPOINTS" ] || die "no endpoints file $SCALE_ENDPOINTS"
[ -x "$RASA" ] || die "no Rasa in $VENV: run \`make setup\` first"
bash "$PROJECT_DIR/scripts/install_services.sh" --check >/dev/null \
  || die "PostgreSQL, Redis or nginx is missing: run \`sudo bash scripts/install_services.sh\`"

PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)"
REDIS_SERVER="$(command -v redis-server || echo /usr/bin/redis-server)"
REDIS_CLI="$(command -v redis-cli || echo /usr/bin/redis-cli)"
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"

alive() {  # alive NAME: its PID file names a running process
  local pid
  pid="$(cat "$RUN/$1.pid" 2>/dev/null)" || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}
for pidfile in "$RUN"/*.pid; do
  [ -e "$pidfile" ] || continue
  if alive "$(basename "$pidfile" .pid)"; then
    die "the stack in $SCALE_DIR is already running: stop it first with scripts/scale_down.sh"
  fi
done

RASA_PORTS=()
for i in $(seq "$SCALE_REPLICAS"); do RASA_PORTS+=($((SCALE_RASA_PORT + i - 1))); done
for port in "$SCALE_HTTP_PORT" "$SCALE_ACTIONS_PORT" "$SCALE_ACTIONS_PROXY_PORT" "$DB_PORT" "$REDIS_PORT" \
            "${RASA_PORTS[@]}"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    die "port $port on 127.0.0.1 is in use; choose other ports (see deploy/README.md)"
  fi
done

# --- unprivileged users when started as root ----------------------------------------
# initdb refuses to run as root; Redis and nginx's workers should not run as root either.
if [ "$(id -u)" -eq 0 ]; then
  PG_USER=postgres; REDIS_USER=redis; NGINX_USER=www-data
  for u in "$PG_USER" "$REDIS_USER" "$NGINX_USER"; do
    id -u "$u" >/dev/null 2>&1 || die "user '$u' is missing (the Debian packages create it)"
  done
else
  PG_USER="$(id -un)"; REDIS_USER="$PG_USER"; NGINX_USER=""
fi
as_user() {  # as_user USER CMD...: exec CMD as USER (same PID, no extra process)
  local user="$1"; shift
  if [ "$(id -u)" -eq 0 ] && [ "$user" != root ]; then
    exec setpriv --reuid="$user" --regid="$user" --init-groups --inh-caps=-all -- "$@"
  fi
  exec "$@"
}

# --- state directory and secrets ------------------------------------------------------
# var/ is private (0700, as scripts/servers.sh makes it); as root, the postgres and
# redis users may only pass through it (0711: no listing) to reach var/scale.
if [[ "$SCALE_DIR" == "$PROJECT_DIR/var/"* ]]; then
  (umask 077 && mkdir -p "$PROJECT_DIR/var")
  if [ "$(id -u)" -eq 0 ]; then chmod 711 "$PROJECT_DIR/var"; else chmod 700 "$PROJECT_DIR/var"; fi
fi
mkdir -p "$SCALE_DIR" "$RUN" "$LOGS"
chmod 755 "$SCALE_DIR"  # the postgres and redis users must reach their sub-directories
chmod 700 "$RUN" "$LOGS"  # logs and pid files: this user only (the services write through inherited fds)
if [ "$(id -u)" -eq 0 ] && ! setpriv --reuid="$PG_USER" --regid="$PG_USER" --init-groups -- test -x "$SCALE_DIR"; then
  die "user $PG_USER cannot reach $SCALE_DIR; choose a SCALE_DIR whose parent directories are world-executable"
fi
SECRETS="$SCALE_DIR/secrets.env"
if [ -f "$SECRETS" ]; then
  # shellcheck disable=SC1090
  saved_db="$(. "$SECRETS"; echo "${DB_PASSWORD:-}")"; saved_redis="$(. "$SECRETS"; echo "${REDIS_PASSWORD:-}")"
  saved_key="$(. "$SECRETS"; echo "${ADVISOR_SECRET_KEY:-}")"
  saved_action_token="$(. "$SECRETS"; echo "${ACTION_SERVER_TOKEN:-}")"
fi
random_secret() { "$PY" -c 'import secrets; print(secrets.token_hex(24))'; }
export DB_PASSWORD="${DB_PASSWORD:-${saved_db:-$(random_secret)}}"
export REDIS_PASSWORD="${REDIS_PASSWORD:-${saved_redis:-$(random_secret)}}"
# Signed web chat sessions and report links (advisor/signing.py): every replica and
# the action server must have the same secret, or a link or session made by one is
# refused by another. Kept across restarts, so links and sessions stay valid.
export ADVISOR_SECRET_KEY="${ADVISOR_SECRET_KEY:-${saved_key:-$("$PY" -c 'import secrets; print(secrets.token_urlsafe(48))')}}"
[ "${#ADVISOR_SECRET_KEY}" -ge 32 ] || die "ADVISOR_SECRET_KEY must be at least 32 characters"
# The replicas' proof to the action server (runtime/action_auth.py), through nginx.
export ACTION_SERVER_TOKEN="${ACTION_SERVER_TOKEN:-${saved_action_token:-$("$PY" -c 'import secrets; print(secrets.token_urlsafe(48))')}}"
[ "${#ACTION_SERVER_TOKEN}" -ge 32 ] || die "ACTION_SERVER_TOKEN must be at least 32 characters"
(umask 077; printf 'DB_PASSWORD=%q\nREDIS_PASSWORD=%q\nADVISOR_SECRET_KEY=%q\nACTION_SERVER_TOKEN=%q\n' \
  "$DB_PASSWORD" "$REDIS_PASSWORD" "$ADVISOR_SECRET_KEY" "$ACTION_SERVER_TOKEN" >"$SECRETS")
chmod 600 "$SECRETS"

export ACTION_SERVER_URL="http://127.0.0.1:$SCALE_ACTIONS_PROXY_PORT/webhook"
export SANIC_WORKERS=1  # Rasa's socketio channel needs one worker per replica

# If anything fails from here on, stop what was started.
on_exit() {
  local status=$?
  if [ "$status" -ne 0 ]; then
    echo "Start-up failed; stopping what was started (logs in $LOGS)." >&2
    SCALE_DIR="$SCALE_DIR" bash "$PROJECT_DIR/scripts/scale_down.sh" >/dev/null 2>&1 || true
  fi
  exit "$status"
}
trap on_exit EXIT

start_bg() {  # start_bg NAME USER CMD...: own session, PID in run/NAME.pid, log in log/NAME.log
  local name="$1" user="$2"; shift 2
  (cd "$SCALE_DIR" && as_user "$user" setsid "$@") >>"$LOGS/$name.log" 2>&1 </dev/null &
  echo $! >"$RUN/$name.pid"
}
start_bg_here() {  # like start_bg, but in the project directory as the current user
  local name="$1"; shift
  (exec setsid "$@") >>"$LOGS/$name.log" 2>&1 </dev/null &
  echo $! >"$RUN/$name.pid"
}
wait_for() {  # wait_for NAME SECONDS CHECK...: until CHECK succeeds; fail if NAME exits
  local name="$1" seconds="$2"; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if ! alive "$name"; then
      tail -n 30 "$LOGS/$name.log" >&2 || true
      die "$name exited during start-up (log: $LOGS/$name.log)"
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      tail -n 30 "$LOGS/$name.log" >&2 || true
      die "$name did not come up within ${seconds}s (log: $LOGS/$name.log)"
    fi
    sleep 0.5
  done
}
sql_literal() { local s="${1//\'/\'\'}"; printf "'%s'" "$s"; }

# --- PostgreSQL -------------------------------------------------------------------
PG_DIR="$SCALE_DIR/postgres"
PGDATA="$PG_DIR/data"
PG_SOCKET="$PG_DIR/socket"  # private (700): only the cluster's OS user connects through it
mkdir -p "$PG_DIR" "$PG_SOCKET"
chown "$PG_USER" "$PG_DIR" "$PG_SOCKET"
chmod 700 "$PG_SOCKET"
if [ ! -f "$PGDATA/PG_VERSION" ]; then
  log "Creating the PostgreSQL cluster in $PGDATA"
  (as_user "$PG_USER" "$PG_BIN/initdb" -D "$PGDATA" -U postgres -E UTF8 --no-locale \
    --auth-local=trust --auth-host=scram-sha-256) >"$LOGS/initdb.log" 2>&1 \
    || { cat "$LOGS/initdb.log" >&2; die "initdb failed"; }
fi
# Rewritten on every start: the socket (private directory) for administration,
# TCP from 127.0.0.1 with a password for the tracker store's user only.
cat >"$PGDATA/pg_hba.conf" <<HBA
# Written by scripts/scale_up.sh
local all      all                      trust
host  $DB_DATABASE $DB_USER 127.0.0.1/32 scram-sha-256
HBA
chown "$PG_USER" "$PGDATA/pg_hba.conf"
log "Starting PostgreSQL on 127.0.0.1:$DB_PORT"
start_bg postgres "$PG_USER" "$PG_BIN/postgres" -D "$PGDATA" -p "$DB_PORT" \
  -c listen_addresses=127.0.0.1 -c unix_socket_directories="$PG_SOCKET" \
  -c max_connections=200 -c password_encryption=scram-sha-256
wait_for postgres 60 "$PG_BIN/pg_isready" -q -h "$PG_SOCKET" -p "$DB_PORT"
# The tracker store's role and database; the password is set on every start
# (read from stdin, so it never appears in a process list).
(as_user "$PG_USER" "$PG_BIN/psql" -q -h "$PG_SOCKET" -p "$DB_PORT" -U postgres -d postgres \
  -v ON_ERROR_STOP=1) >"$LOGS/psql.log" 2>&1 <<SQL || { cat "$LOGS/psql.log" >&2; die "could not create the database"; }
SELECT format('CREATE ROLE %I LOGIN', $(sql_literal "$DB_USER"))
  WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = $(sql_literal "$DB_USER"))\gexec
ALTER ROLE "${DB_USER//\"/\"\"}" WITH LOGIN PASSWORD $(sql_literal "$DB_PASSWORD");
SELECT format('CREATE DATABASE %I OWNER %I', $(sql_literal "$DB_DATABASE"), $(sql_literal "$DB_USER"))
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = $(sql_literal "$DB_DATABASE"))\gexec
SQL

# --- Redis ------------------------------------------------------------------------
REDIS_DIR="$SCALE_DIR/redis"
mkdir -p "$REDIS_DIR"
(umask 077; cat >"$REDIS_DIR/redis.conf" <<CONF
# Written by scripts/scale_up.sh. Locks only: nothing is saved to disk.
bind 127.0.0.1
port $REDIS_PORT
protected-mode yes
requirepass "${REDIS_PASSWORD//\"/\\\"}"
save ""
appendonly no
daemonize no
dir $REDIS_DIR
CONF
)
chown -R "$REDIS_USER" "$REDIS_DIR"
log "Starting Redis on 127.0.0.1:$REDIS_PORT"
start_bg redis "$REDIS_USER" "$REDIS_SERVER" "$REDIS_DIR/redis.conf"
redis_ping() { [ "$(REDISCLI_AUTH="$REDIS_PASSWORD" "$REDIS_CLI" -h 127.0.0.1 -p "$REDIS_PORT" ping)" = PONG ]; }
wait_for redis 30 redis_ping

# --- action server and Rasa replicas (loaded in parallel) ---------------------------
log "Starting the action server on 127.0.0.1:$SCALE_ACTIONS_PORT ($ACTION_SERVER_SANIC_WORKERS workers, ${RASA_ACTION_TIMEOUT}s timeout)"
# Both servers start through the project's launcher (runtime/launch.py), as for `make run`.
SANIC_HOST=127.0.0.1 SANIC_RESPONSE_TIMEOUT="$RASA_ACTION_TIMEOUT" \
  start_bg_here actions "$PY" -m runtime.launch run actions --actions actions --port "$SCALE_ACTIONS_PORT"

read -ra CORS <<<"${RASA_CORS_ORIGINS:-http://localhost:$SCALE_HTTP_PORT http://127.0.0.1:$SCALE_HTTP_PORT}"
# The HTTP API stays off unless RASA_API_TOKEN or RASA_JWT_SECRET is set, as for
# `make run`: the launcher reads them from the environment (never the command line).
for i in $(seq "$SCALE_REPLICAS"); do
  port="${RASA_PORTS[$((i - 1))]}"
  log "Starting Rasa replica $i on 127.0.0.1:$port"
  SANIC_RESPONSE_TIMEOUT="$RASA_RESPONSE_TIMEOUT" \
    start_bg_here "rasa-$i" "$PY" -m runtime.launch run --model "$SCALE_MODEL" --port "$port" \
    --interface 127.0.0.1 --endpoints "$SCALE_ENDPOINTS" --credentials "$SCALE_CREDENTIALS" \
    --response-timeout "$RASA_RESPONSE_TIMEOUT" --cors "${CORS[@]}"
done

# --- nginx ---------------------------------------------------------------------------
NGINX_DIR="$SCALE_DIR/nginx"
mkdir -p "$NGINX_DIR/tmp"
RASA_READ_TIMEOUT=$((RASA_RESPONSE_TIMEOUT + 10))  # the replica gives up first
NGINX_DIR="$NGINX_DIR" NGINX_USER="$NGINX_USER" RASA_PORTS="${RASA_PORTS[*]}" \
HTTP_PORT="$SCALE_HTTP_PORT" ACTIONS_PORT="$SCALE_ACTIONS_PORT" \
ACTIONS_PROXY_PORT="$SCALE_ACTIONS_PROXY_PORT" RASA_READ_TIMEOUT="$RASA_READ_TIMEOUT" \
ACTION_TIMEOUT="$RASA_ACTION_TIMEOUT" EXPOSE_REST="$SCALE_EXPOSE_REST" \
LIMIT_RATE="$SCALE_LIMIT_RATE" LIMIT_BURST="$SCALE_LIMIT_BURST" LIMIT_CONN="$SCALE_LIMIT_CONN" \
SLACK_LIMIT_RATE="$SCALE_SLACK_LIMIT_RATE" SLACK_LIMIT_BURST="$SCALE_SLACK_LIMIT_BURST" \
LIMIT_EXEMPT="$SCALE_LIMIT_EXEMPT" \
  "$PY" "$PROJECT_DIR/deploy/nginx/render.py" "$PROJECT_DIR/deploy/nginx/advisor.conf.template" \
  "$NGINX_DIR/nginx.conf" || die "could not write the nginx configuration"
if [ -n "$NGINX_USER" ]; then chown -R "$NGINX_USER" "$NGINX_DIR/tmp"; fi
"$NGINX" -t -q -p "$NGINX_DIR/" -c "$NGINX_DIR/nginx.conf" -e "$NGINX_DIR/log/error.log" \
  || die "nginx rejected $NGINX_DIR/nginx.conf"
log "Starting nginx on 127.0.0.1:$SCALE_HTTP_PORT"
start_bg_here nginx "$NGINX" -p "$NGINX_DIR/" -c "$NGINX_DIR/nginx.conf" -e "$NGINX_DIR/log/error.log"

# What scale_down.sh, the tests and you need to find the stack (nothing secret).
cat >"$SCALE_DIR/stack.env" <<ENV
SCALE_HTTP_PORT=$SCALE_HTTP_PORT
SCALE_REPLICAS=$SCALE_REPLICAS
SCALE_RASA_PORTS="${RASA_PORTS[*]}"
SCALE_ACTIONS_PORT=$SCALE_ACTIONS_PORT
SCALE_ACTIONS_PROXY_PORT=$SCALE_ACTIONS_PROXY_PORT
ACTION_SERVER_SANIC_WORKERS=$ACTION_SERVER_SANIC_WORKERS
DB_HOST=$DB_HOST
DB_PORT=$DB_PORT
DB_USER=$DB_USER
DB_DATABASE=$DB_DATABASE
REDIS_HOST=$REDIS_HOST
REDIS_PORT=$REDIS_PORT
RASA_ACTION_TIMEOUT=$RASA_ACTION_TIMEOUT
MAX_NUMBER_OF_PREDICTIONS=$MAX_NUMBER_OF_PREDICTIONS
TICKET_LOCK_LIFETIME=$TICKET_LOCK_LIFETIME
RASA_RESPONSE_TIMEOUT=$RASA_RESPONSE_TIMEOUT
SCALE_EXPOSE_REST=$SCALE_EXPOSE_REST
SCALE_LIMIT_RATE=$SCALE_LIMIT_RATE
SCALE_LIMIT_BURST=$SCALE_LIMIT_BURST
SCALE_LIMIT_CONN=$SCALE_LIMIT_CONN
SCALE_SLACK_LIMIT_RATE=$SCALE_SLACK_LIMIT_RATE
SCALE_SLACK_LIMIT_BURST=$SCALE_SLACK_LIMIT_BURST
SCALE_LIMIT_EXEMPT="$SCALE_LIMIT_EXEMPT"
ENV

wait_for actions 120 curl -fs -o /dev/null "http://127.0.0.1:$SCALE_ACTIONS_PORT/health"
log "Waiting for the Rasa replicas to load the model (~1 min)"
for i in $(seq "$SCALE_REPLICAS"); do
  wait_for "rasa-$i" "$SCALE_START_TIMEOUT" curl -fs -o /dev/null "http://127.0.0.1:${RASA_PORTS[$((i - 1))]}/webhooks/rest/"
done
wait_for nginx 30 curl -fs -o /dev/null "http://127.0.0.1:$SCALE_HTTP_PORT/chat/"

if [ "$SCALE_EXPOSE_REST" = 1 ]; then
  rest="curl -s localhost:$SCALE_HTTP_PORT/webhooks/rest/webhook${REST_TOKEN:+ -H \"Authorization: Bearer \$REST_TOKEN\"} -d '{\"sender\":\"me\",\"message\":\"what is kpo?\"}'"
else
  rest="not exposed through nginx (SCALE_EXPOSE_REST=1 to expose it)"
fi
cat <<MSG

The scale-out stack is running ($SCALE_REPLICAS Rasa replicas behind nginx).
  Web:    http://localhost:$SCALE_HTTP_PORT/chat/
  REST:   $rest
  Limits: $SCALE_LIMIT_RATE requests/s (burst $SCALE_LIMIT_BURST) and $SCALE_LIMIT_CONN connections per client address
  State:  $SCALE_DIR (logs in log/, secrets in secrets.env)
Stop it with: make scale-down   (or bash scripts/scale_down.sh)
MSG
