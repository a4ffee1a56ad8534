#!/usr/bin/env bash
# Set up, train if needed, start the action server and the Rasa server, and
# print where to chat. Ctrl-C stops everything this script started.
source "$(dirname "$0")/common.sh"

# Set-up first: everything after it runs from .venv, which set-up creates.
bash scripts/setup.sh
bash scripts/train.sh
source scripts/servers.sh
trap stop_servers EXIT INT TERM
start_action_server
start_rasa_server

cat <<MSG

Outsourcing Advisor is running.
  Web:    http://localhost:$RASA_PORT/chat/   <- open this to chat
  REST:   curl -s localhost:$RASA_PORT/webhooks/rest/webhook -d '{"sender":"me","message":"what is kpo?"}'
  Shell:  make shell   (in another terminal)
Press Ctrl-C to stop.
MSG
wait
