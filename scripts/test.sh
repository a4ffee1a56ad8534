#!/usr/bin/env bash
# Everything CI runs: set-up, lint (ruff, mypy), unit tests, data validation, the README's run
# command from a fresh clone (which trains), training (from its cache), the NLU
# and free-text answer hold-out gates, end-to-end test stories and pytest against real servers.
# Each step prints how long it took.
source "$(dirname "$0")/common.sh"
NLU_GATE="${NLU_GATE:-0.95}"
ANSWER_GATE="${ANSWER_GATE:-0.95}"
RESULTS="results"
mkdir -p "$RESULTS"
RUN_STARTED=$SECONDS
STEP_STARTED=$SECONDS
STEP_NAME=""

step() {  # step "name": ends the previous step (with its time) and starts the next
  step_done
  STEP_NAME="$1"
  STEP_STARTED=$SECONDS
  log "$STEP_NAME"
}
step_done() {
  if [ -n "$STEP_NAME" ]; then
    printf '    (%s: %d s; %d s so far)\n' "$STEP_NAME" $((SECONDS - STEP_STARTED)) $((SECONDS - RUN_STARTED))
  fi
}

step "Set-up"
bash scripts/setup.sh
# Real servers the tests drive, from Debian's packages when missing (root): Chromium for the
# widget, PostgreSQL + Redis + nginx for scale-out and failures. Installed before any test, so
# no test skips for want of them (under CI=true a skip fails: tests/conftest.py).
bash scripts/install_browser.sh
bash scripts/install_services.sh

# Lint first (`make lint`): a style or type error fails the build before the long steps.
step "Lint (ruff, mypy)"
bash scripts/lint.sh

step "1/8 Unit tests (tests/<package>/: no server, no service; \`make unit\`)"
# On every core: the unit tests share no server, port or file.
"$PY" -m pytest -q -n auto

step "2/8 rasa data validate"
"$PY" scripts/validate_data.py

step "3/8 The README's run command from a fresh clone (make run, a reply, Ctrl-C)"
# Trained once per run: the clone trains from an empty training cache (its time is the
# README's first run) and the training step below reuses what it cached, as Rasa does
# between two trainings of the same data and config.
export RASA_CACHE_DIRECTORY="$PROJECT_DIR/.rasa/ci-cache"
rm -rf "$RASA_CACHE_DIRECTORY"
"$PY" -m pytest tests/fresh_clone -q -s

step "4/8 Training (from the training cache the fresh clone filled)"
bash scripts/train.sh

step "5/8 NLU hold-out evaluation (fails below ${NLU_GATE})"
rm -rf "$RESULTS/nlu"
"$RASA" test nlu --model "$MODEL_DIR/$MODEL_NAME.tar.gz" --nlu tests/nlu/holdout.yml \
  --out "$RESULTS/nlu" --quiet
"$PY" scripts/check_nlu_report.py "$RESULTS/nlu" "$NLU_GATE"

step "6/8 Free-text answer hold-out (fails below ${ANSWER_GATE})"
# Answers never trained on, read through the trained model and the rules (tests/answers/).
"$PY" scripts/check_answer_holdout.py "$MODEL_DIR/$MODEL_NAME.tar.gz" "$ANSWER_GATE" \
  "$RESULTS/answers"

step "7/8 End-to-end test stories"
rm -rf "$RESULTS/stories"
# --e2e makes Rasa check the intent (and FAQ topic) of each user message too;
# it only reads story files named test_*.yml. Through the launcher, as every server
# starts: the stories run with runtime/patches.py installed, what is tested is what runs.
"$PY" -m runtime.launch test core --e2e --model "$MODEL_DIR/$MODEL_NAME.tar.gz" --stories tests/test_stories.yml \
  --fail-on-prediction-errors --out "$RESULTS/stories" --quiet

step "8/8 Conversations against the real running servers (REST, web widget, Slack)"
# Two workers, each module whole on one (its servers are module- or worker-scoped, on free
# ports): much of this step is waiting on servers, and the longest modules start first.
"$PY" -m pytest tests/integration -q -n 2 --dist loadfile --durations=15

step_done
log "All tests passed in $((SECONDS - RUN_STARTED)) s. Reports are in $RESULTS/"
