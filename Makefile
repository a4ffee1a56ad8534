# The two commands a newcomer needs: `make run` and `make test`. `make help` lists the rest
# (from the `##` comment after each target).
.DEFAULT_GOAL := help
.PHONY: help run test unit lint shell train setup clean

help:     ## list the targets
	@awk 'BEGIN {FS = ":[^#]*## "} /^[a-zA-Z_-]+:[^#]*## / {printf "  make %-17s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

run:      ## set up, train if needed, start both servers, print where to chat
	bash scripts/run.sh

test:     ## lint, set up, train if needed, run every test (what CI runs; ~25-35 min on 2 cores)
	bash scripts/test.sh

unit:     ## the fast unit tests: no server, service or model training (CI runs the slow ones too)
	bash scripts/setup.sh
	.venv/bin/python -m pytest -q -n auto -m "not slow" --durations=5

lint:     ## ruff (lint + format check) and mypy, settings in pyproject.toml
	bash scripts/setup.sh
	bash scripts/lint.sh

shell:    ## chat in the terminal with the running assistant (after `make run`)
	bash scripts/setup.sh && bash scripts/shell.sh

train:    ## set up and train the model if the data changed (~5 min on 2 cores)
	bash scripts/setup.sh && bash scripts/train.sh

setup:    ## create .venv, install the pinned requirements and the project, build spaCy
	bash scripts/setup.sh

clean:    ## remove everything generated (venv, models, results, local data)
	rm -rf .venv models build var results .pytest_cache .hypothesis web/node_modules

.PHONY: scale-up scale-down
scale-up:   ## start the scale-out stack (PostgreSQL, Redis, 2 Rasa replicas, nginx) in the background
	bash scripts/setup.sh && bash scripts/train.sh && bash scripts/install_services.sh \
	  && bash scripts/scale_up.sh

scale-down: ## stop it (conversations are kept; `bash scripts/scale_down.sh --purge` deletes them)
	bash scripts/scale_down.sh

.PHONY: prune-conversations
prune-conversations: ## delete conversations idle > CONVERSATION_RETENTION_DAYS (30); run it daily (RETENTION_ARGS="--endpoints deploy/endpoints.scale.yml")
	bash scripts/setup.sh && .venv/bin/python -m stores.retention $(RETENTION_ARGS)

.PHONY: bench
bench:      ## performance benchmark vs Rasa's starter bot, judged on issue #14's targets (~20 min on 2 cores; BENCH_ARGS="--skip-training-time" etc.)
	bash scripts/bench.sh $(BENCH_ARGS)

.PHONY: bench-sequential
bench-sequential: ## per-message cost in-process, stock vs tuned runtime, SQLite vs memory (~3 min)
	bash scripts/setup.sh && bash scripts/train.sh && .venv/bin/python -m bench.sequential $(BENCH_ARGS)

.PHONY: bench-conversation
bench-conversation: ## one conversation of 200 messages: p50 of messages 190-200 vs 1-10 (~2 min; BENCH_ARGS="--messages N")
	bash scripts/setup.sh && bash scripts/train.sh && .venv/bin/python -m bench.conversation_length $(BENCH_ARGS)

.PHONY: blind
blind:      ## score the blind sets (tests/blind/) against the running servers (~3 min; BLIND_ARGS="--set tests/blind/<date>")
	bash scripts/setup.sh && bash scripts/train.sh && bash scripts/blind.sh $(BLIND_ARGS)
