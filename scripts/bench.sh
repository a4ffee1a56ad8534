#!/usr/bin/env bash
# Performance benchmark: our assistant vs Rasa's starter bot (README, "Performance").
#   bash scripts/bench.sh [--skip-training-time] [--scale-replicas N] [--duration S] ...
#   make bench BENCH_ARGS="--skip-training-time"
# Results: results/bench/benchmark.{json,md}, results/bench/latency.png.
source "$(dirname "$0")/common.sh"
bash scripts/setup.sh
bash scripts/train.sh
# py-spy profiles our server under load (a dev requirement).
[ -x "$VENV/bin/py-spy" ] || echo "py-spy missing (it is in requirements-dev.txt): no profile" >&2
exec "$PY" -u -m bench.run_benchmark "$@"
