#!/usr/bin/env bash
# `make lint`: ruff's lint and format check, then mypy (strict for advisor/), as CI runs
# them; settings in pyproject.toml. Fix with `.venv/bin/ruff check --fix . && .venv/bin/ruff format .`
source "$(dirname "$0")/common.sh"
log "Lint: ruff check, ruff format --check, mypy"
"$VENV/bin/ruff" check .
"$VENV/bin/ruff" format --check .
"$VENV/bin/mypy"
