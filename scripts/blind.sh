#!/usr/bin/env bash
# `make blind`: score the blind sets (tests/blind/<date>/, written from the product
# description only and never trained on) against freshly started servers. Results:
# results/blind/<set>.{json,md}. See scripts/score_blind.py.
source "$(dirname "$0")/common.sh"
exec "$PY" scripts/score_blind.py "$@"
