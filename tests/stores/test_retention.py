"""stores/retention.py: conversations idle longer than the retention period are
deleted whole, the others kept intact, from a real SQLite file written by Rasa's
own SQLTrackerStore; the command refuses bad arguments without a traceback."""

import asyncio
import math
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from stores.retention import (
    IDLE_DAYS_ENV,
    database_url,
    delete_idle_conversations,
    main,
)

PROJECT_DIR = Path(__file__).resolve().parents[2]
DAY = 86400.0
NOW = time.time()  # the command itself uses the current time
# sender id -> age in days of each user message (answered by an action 1 s later)
CONVERSATIONS = {
    "old": [40, 35],
    "very-old": [400, 400],
    "recent": [1, 0.5],
    "mixed": [60, 2],  # started long ago, active lately: kept whole
}


def events(ages: list[float]) -> list[Event]:
    found: list[Event] = []
    for age in ages:
        found += [
            UserUttered("hello", {"name": "greet", "confidence": 1.0}, timestamp=NOW - age * DAY),
            ActionExecuted("utter_greet", timestamp=NOW - age * DAY + 1),
        ]
    return found


def save(store: SQLTrackerStore, sender: str, ages: list[float]) -> None:
    asyncio.run(store.save(DialogueStateTracker.from_events(sender, events(ages))))


def stored(store: SQLTrackerStore) -> dict[str, list[dict]]:
    """sender id -> its events as loaded back through the store."""
    found = {}
    for sender in asyncio.run(store.keys()):
        tracker = asyncio.run(store.retrieve_full_tracker(sender))
        assert tracker is not None
        found[sender] = [event.as_dict() for event in tracker.events]
    return found


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "tracker.db"


@pytest.fixture
def store(db: Path) -> SQLTrackerStore:
    store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(db))
    for sender, ages in CONVERSATIONS.items():
        save(store, sender, ages)
    return store


@pytest.fixture
def endpoints(tmp_path: Path, db: Path) -> Path:
    path = tmp_path / "endpoints.yml"
    path.write_text(
        "tracker_store:\n  type: stores.tracker_store.StrictSQLTrackerStore\n"
        f"  dialect: sqlite\n  db: {db}\n"
    )
    return path


def test_idle_conversations_are_deleted_whole_and_the_others_kept(
    store: SQLTrackerStore,
) -> None:
    before = stored(store)
    assert delete_idle_conversations(store.engine, 30, now=NOW) == 2
    after = stored(store)
    assert set(after) == {"recent", "mixed"}
    assert after == {sender: before[sender] for sender in after}  # every event still there
    assert len(after["mixed"]) == 4
    assert delete_idle_conversations(store.engine, 30, now=NOW) == 0
    # Later on, the rest goes too; the default `now` is the current time.
    assert delete_idle_conversations(store.engine, 1) == 1
    assert delete_idle_conversations(store.engine, 2, now=NOW + 10 * DAY) == 1
    assert stored(store) == {}


@pytest.mark.parametrize(("seconds_past", "deleted"), [(-1, 0), (0, 0), (0.01, 1)])
def test_a_conversation_idle_exactly_the_period_is_kept(
    db: Path, seconds_past: float, deleted: int
) -> None:
    store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(db))
    last = NOW - 0.5 * DAY  # its only event: idle for exactly half a day at NOW
    tracker = DialogueStateTracker.from_events("edge", [UserUttered("hi", timestamp=last)])
    asyncio.run(store.save(tracker))
    assert delete_idle_conversations(store.engine, 0.5, now=NOW + seconds_past) == deleted


def test_a_database_without_conversations(tmp_path: Path) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    assert delete_idle_conversations(engine, 30) == 0  # no events table yet


@pytest.mark.parametrize("days", [0, -1, math.nan, math.inf])
def test_the_period_must_be_positive(store: SQLTrackerStore, days: float) -> None:
    with pytest.raises(ValueError, match="positive"):
        delete_idle_conversations(store.engine, days)


# --- the command ------------------------------------------------------------------------


def test_the_command_deletes_idle_conversations(
    store: SQLTrackerStore, endpoints: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--endpoints", str(endpoints), "--idle-days", "30"]) == 0
    assert capsys.readouterr().out == "Deleted 2 conversations idle for more than 30 days.\n"
    assert set(stored(store)) == {"recent", "mixed"}


def test_the_period_comes_from_the_environment_else_30_days(
    store: SQLTrackerStore,
    endpoints: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(IDLE_DAYS_ENV, "100")
    assert main(["--endpoints", str(endpoints)]) == 0
    assert capsys.readouterr().out == "Deleted 1 conversation idle for more than 100 days.\n"
    monkeypatch.setenv(IDLE_DAYS_ENV, "")  # empty counts as unset
    assert main(["--endpoints", str(endpoints)]) == 0
    assert capsys.readouterr().out == "Deleted 1 conversation idle for more than 30 days.\n"
    assert set(stored(store)) == {"recent", "mixed"}


@pytest.mark.parametrize("value", ["0", "-3", "thirty", "nan", "inf", ""])
def test_bad_periods_are_refused(
    store: SQLTrackerStore,
    endpoints: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    value: str,
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--endpoints", str(endpoints), "--idle-days", value])
    assert exited.value.code == 2
    assert f"--idle-days must be a positive number of days, not {value!r}" in (
        capsys.readouterr().err
    )
    if value:
        monkeypatch.setenv(IDLE_DAYS_ENV, value)
        with pytest.raises(SystemExit) as exited:
            main(["--endpoints", str(endpoints)])
        assert exited.value.code == 2
        assert f"{IDLE_DAYS_ENV} must be a positive number" in capsys.readouterr().err
    assert set(stored(store)) == set(CONVERSATIONS)  # nothing touched


def run_command(endpoints: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """The command as cron runs it: without scripts/common.sh's environment."""
    environ = {name: value for name, value in os.environ.items() if not name.startswith("SQLA")}
    return subprocess.run(
        [sys.executable, "-m", "stores.retention", "--endpoints", str(endpoints)],
        env={**environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_command_is_quiet_and_a_bad_period_is_a_message_not_a_traceback(
    store: SQLTrackerStore, endpoints: Path
) -> None:
    done = run_command(endpoints)
    assert (done.returncode, done.stdout, done.stderr) == (
        0,
        "Deleted 2 conversations idle for more than 30 days.\n",
        "",  # nothing for a daily job to mail around: no warnings
    )
    done = run_command(endpoints, **{IDLE_DAYS_ENV: "a month"})
    assert done.returncode == 2
    assert "CONVERSATION_RETENTION_DAYS must be a positive number of days" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_missing_database_is_nothing_to_delete_and_is_not_created(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # the shipped endpoints.yml names var/tracker.db
    assert main(["--endpoints", str(PROJECT_DIR / "endpoints.yml")]) == 0
    assert "No conversation database at var/tracker.db" in capsys.readouterr().out
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("tracker_store", "message"),
    [
        ("  type: redis\n", "'redis' is not an SQL tracker store"),
        ("  type: no.such.Store\n", "'no.such.Store' is not an SQL tracker store"),
        ("  type: rasa.core.tracker_store.InMemoryTrackerStore\n", "not an SQL tracker store"),
        ("  type: sql\n  dialect: sqlite\n  db: ${TEST_UNSET_DB}\n", "TEST_UNSET_DB"),
        ("  type: sql\n  dialect: postgresql\n  port: five\n", "five"),
        ("  type: sql\n  dialect: nosuchdb\n", "nosuchdb"),
    ],
)
def test_unusable_endpoints_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], tracker_store: str, message: str
) -> None:
    path = tmp_path / "endpoints.yml"
    path.write_text("tracker_store:\n" + tracker_store)
    assert main(["--endpoints", str(path)]) == 2
    assert message in capsys.readouterr().err
    assert main(["--endpoints", str(tmp_path / "missing.yml")]) == 2
    assert "no endpoints file" in capsys.readouterr().err


def test_without_a_tracker_store_nothing_is_stored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "endpoints.yml"
    path.write_text("action_endpoint:\n  url: http://127.0.0.1:5055/webhook\n")
    assert main(["--endpoints", str(path)]) == 0
    assert "No tracker store" in capsys.readouterr().out


def test_the_scale_out_database_comes_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """deploy/endpoints.scale.yml: PostgreSQL, every value from ${...}, as Rasa reads it."""
    env = {
        "DB_HOST": "127.0.0.1",
        "DB_PORT": "5433",
        "DB_DATABASE": "rasa",
        "DB_USER": "rasa",
        "DB_PASSWORD": "test-only-db-password",
        "ACTION_SERVER_URL": "http://127.0.0.1:5156/webhook",
        "REDIS_HOST": "127.0.0.1",
        "REDIS_PORT": "6380",
        "REDIS_PASSWORD": "test-only-redis-password",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    url = database_url(str(PROJECT_DIR / "deploy/endpoints.scale.yml"))
    assert url is not None
    assert (url.get_backend_name(), url.host, url.port, url.database) == (
        "postgresql",
        "127.0.0.1",
        5433,
        "rasa",
    )
    assert (url.username, url.password) == ("rasa", "test-only-db-password")
    assert url.query["options"] == "-c statement_timeout=5000"
    assert "test-only-db-password" not in repr(url)  # what an error message shows
