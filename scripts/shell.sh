#!/usr/bin/env bash
# Chat in the terminal with the server that `make run` started.
source "$(dirname "$0")/common.sh"
exec "$PY" scripts/chat_cli.py "http://127.0.0.1:$RASA_PORT"
