# Shared settings for every script that runs Rasa. Source it, don't run it.
set -euo pipefail
PROJECT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$PROJECT_DIR"

export RASA_TELEMETRY_ENABLED=false      # no network for telemetry here
export TF_CPP_MIN_LOG_LEVEL=2            # hide TensorFlow's start-up chatter
export SQLALCHEMY_SILENCE_UBER_WARNING=1
export PYTHONPATH="$PROJECT_DIR${PYTHONPATH:+:$PYTHONPATH}"
# Robustness (README "Security and reliability"): Sanic refuses request bodies over
# 256 KiB (its default is 100 MB); a custom action gets 3 s before the user is told
# to retry (Rasa's default is 300 s; runtime/action_guard.py). The action server,
# which only the Rasa server calls, gets the last 10 user turns (~4 KiB a message;
# runtime/action_events.py) and the domain on every call: its own limit is 16 MiB
# (runtime/launch_env.py).
export SANIC_REQUEST_MAX_SIZE="${SANIC_REQUEST_MAX_SIZE:-262144}"
export ACTIONS_REQUEST_MAX_SIZE="${ACTIONS_REQUEST_MAX_SIZE:-16777216}"
export RASA_ACTION_TIMEOUT="${RASA_ACTION_TIMEOUT:-3}"
# Messages per conversation in any minute before "please wait" (channels/rate_limit.py).
export RASA_MAX_MESSAGES_PER_MINUTE="${RASA_MAX_MESSAGES_PER_MINUTE:-30}"

VENV="$PROJECT_DIR/.venv"
PY="$VENV/bin/python"
RASA="$VENV/bin/rasa"
SPACY_PIPELINE="build/spacy_en_lookup"
MODEL_DIR="models"
MODEL_NAME="outsourcing-advisor"
RASA_PORT="${RASA_PORT:-5005}"
ACTIONS_PORT="${ACTIONS_PORT:-5055}"

log() { printf '\033[1m==> %s\033[0m\n' "$*"; }
