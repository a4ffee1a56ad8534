"""Retention on PostgreSQL (stores/retention.py): the documented command, with the
scale-out endpoints (deploy/endpoints.scale.yml, every value from the environment),
deletes the idle conversations and keeps the others whole; a stopped database is
an error message, not a traceback. A throwaway cluster, as in
test_tracker_store_failure.py (no Rasa server needed)."""

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from harness.postgres import Postgres, postgres_bin

PROJECT_DIR = Path(__file__).resolve().parents[2]
DAY = 86400.0
NOW = time.time()
# sender id -> age in days of each user message (each answered by an action)
CONVERSATIONS = {"old": [45, 40], "recent": [1], "mixed": [60, 2]}


@pytest.fixture(scope="module")
def postgres() -> Iterator[Postgres]:
    if postgres_bin() is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not installed: run `sudo bash scripts/install_services.sh`")
        pytest.skip("PostgreSQL is not installed (scripts/install_services.sh)")
    database = Postgres().init().start()
    try:
        yield database
    finally:
        database.remove()


@pytest.fixture(scope="module")
def store(postgres: Postgres) -> SQLTrackerStore:
    store = SQLTrackerStore(
        Domain.empty(),
        dialect="postgresql",
        host="127.0.0.1",
        port=postgres.port,
        db="postgres",
        username="postgres",
    )
    for sender, ages in CONVERSATIONS.items():
        events = []
        for age in ages:
            events += [
                UserUttered("hi", {"name": "greet"}, timestamp=NOW - age * DAY),
                ActionExecuted("utter_greet", timestamp=NOW - age * DAY + 1),
            ]
        asyncio.run(store.save(DialogueStateTracker.from_events(sender, events)))
    return store


def stored(store: SQLTrackerStore) -> dict[str, list[dict]]:
    found = {}
    for sender in asyncio.run(store.keys()):
        tracker = asyncio.run(store.retrieve_full_tracker(sender))
        assert tracker is not None
        found[sender] = [event.as_dict() for event in tracker.events]
    return found


def prune(postgres: Postgres) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DB_HOST": "127.0.0.1",
        "DB_PORT": str(postgres.port),
        "DB_DATABASE": "postgres",
        "DB_USER": "postgres",
        "DB_PASSWORD": "test-only-password",  # trust authentication: not checked
        "ACTION_SERVER_URL": "http://127.0.0.1:9/webhook",  # the rest of the file: unused
        "REDIS_HOST": "127.0.0.1",
        "REDIS_PORT": "9",
        "REDIS_PASSWORD": "test-only-password",
        "CONVERSATION_RETENTION_DAYS": "30",
    }
    return subprocess.run(
        [sys.executable, "-m", "stores.retention", "--endpoints", "deploy/endpoints.scale.yml"],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_command_deletes_idle_conversations_from_postgresql(
    postgres: Postgres, store: SQLTrackerStore
) -> None:
    before = stored(store)
    done = prune(postgres)
    assert (done.returncode, done.stdout, done.stderr) == (
        0,
        "Deleted 1 conversation idle for more than 30 days.\n",
        "",
    )
    after = stored(store)
    assert after == {"recent": before["recent"], "mixed": before["mixed"]}
    assert len(after["mixed"]) == 4


def test_a_stopped_database_is_an_error_message(postgres: Postgres, store: SQLTrackerStore) -> None:
    postgres.stop()  # the module's last test
    done = prune(postgres)
    assert done.returncode == 1
    assert done.stderr.startswith("error: could not prune postgresql://postgres:***@127.0.0.1")
    assert "test-only-password" not in done.stderr
    assert "Traceback" not in done.stderr
