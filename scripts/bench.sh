#!/usr/bin/env bash
# Performance benchmark: our assistant vs Rasa's starter bot (README, "Performance").
#   bash scripts/bench.sh [--skip-training-time] [--scale-replicas N] [--duration S] ...
#   make bench BENCH_ARGS="--skip-training-time"
# Results: results/bench/benchmark.{json,md}, results/bench/latency.png; then the
# operators' page over 1,000,000 generated events: results/bench/admin_page.{json,md}; then the
# hand-off soak: results/bench/handoff_soak.json.
source "$(dirname "$0")/common.sh"
bash scripts/setup.sh
bash scripts/train.sh
# py-spy profiles our server under load (a dev requirement).
[ -x "$VENV/bin/py-spy" ] || echo "py-spy missing (it is in requirements-dev.txt): no profile" >&2
"$PY" -u -m bench.run_benchmark "$@"
"$PY" -u -m bench.admin_page  # every page of /admin/ under 2 s (bench/admin_page.py)
# Human hand-off: 1,000 messages across 20 hand-offs, a replica killed half-way; nothing lost
# or duplicated, p95 consultant reply -> widget under 2 s (bench/handoff_soak.py).
exec "$PY" -u -m bench.handoff_soak
