"""The tracker cache of CachingSQLTrackerStore (stores/tracker_store.py, #14) against a
real SQLite file and the project's domain: a saved tracker is served itself on the next
retrieve with one cheap query and no event load; whatever changed in the database (rows
appended by another replica, a conversation deleted, a new session) or in the object
(changed, not saved) makes the store load as Rasa does, and then it returns what Rasa's
stock SQLTrackerStore returns. TRACKER_CACHE_SIZE=0 keeps nothing. No servers needed."""

import asyncio
import re
import time
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    SessionStarted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from stores.retention import delete_idle_conversations
from stores.tracker_cache import BYTES_ENV, EVENT_BYTES, SIZE_ENV
from stores.tracker_store import CachingSQLTrackerStore, TrackerStoreUnavailable

PROJECT_DIR = Path(__file__).resolve().parents[2]
SENDER = "cached-conversation"


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(PROJECT_DIR / "domain.yml"))


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "tracker.db"


@pytest.fixture
def new_store(
    db: Path, domain: Domain, monkeypatch: pytest.MonkeyPatch
) -> Callable[..., CachingSQLTrackerStore]:
    """A replica's store on the shared file; TRACKER_CACHE_SIZE as given (else unset)."""

    def make(cache_size: str | None = None) -> CachingSQLTrackerStore:
        if cache_size is None:
            monkeypatch.delenv(SIZE_ENV, raising=False)
        else:
            monkeypatch.setenv(SIZE_ENV, cache_size)
        return CachingSQLTrackerStore(domain=domain, dialect="sqlite", db=str(db))

    return make


@pytest.fixture
def store(new_store: Callable[..., CachingSQLTrackerStore]) -> CachingSQLTrackerStore:
    return new_store()


@pytest.fixture
def stock(db: Path, domain: Domain) -> SQLTrackerStore:
    return SQLTrackerStore(domain=domain, dialect="sqlite", db=str(db))


def start_session(tracker: DialogueStateTracker) -> None:
    """As Rasa's processor logs action_session_start: its events (SessionStarted, then
    action_listen) are created first, its own ActionExecuted last but logged first."""
    started, listen = SessionStarted(), ActionExecuted("action_listen")
    tracker.update(ActionExecuted("action_session_start"))
    tracker.update(started)
    tracker.update(listen)


def turn(tracker: DialogueStateTracker, text: str = "hello") -> None:
    tracker.update(UserUttered(text, {"name": "greet", "confidence": 1.0}))
    tracker.update(ActionExecuted("utter_greet"))
    tracker.update(BotUttered("Hi! I help you decide whether to outsource a process."))
    tracker.update(ActionExecuted("action_listen"))


async def message(store: SQLTrackerStore, sender: str = SENDER) -> DialogueStateTracker:
    """One message as Rasa's processor handles it: fetch (or create and start a
    session), log the user's message and the bot's actions, save."""
    tracker = await store.get_or_create_tracker(sender, append_action_listen=False)
    if not tracker.events:
        start_session(tracker)
    turn(tracker)
    await store.save(tracker)
    return tracker


def as_dicts(tracker: DialogueStateTracker | None) -> list[dict[str, Any]] | None:
    return None if tracker is None else [event.as_dict() for event in tracker.events]


def same_as_stock(tracker: DialogueStateTracker | None, stock: SQLTrackerStore) -> bool:
    expected = asyncio.run(stock.retrieve(SENDER))
    return as_dicts(tracker) == as_dicts(expected)


class Statements:
    """The SQL statements an engine runs, while recording."""

    def __init__(self, engine: sa.engine.Engine) -> None:
        self.seen: list[str] = []
        sa.event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        self.seen.append(statement)

    def loads(self) -> list[str]:
        """Statements that read the events' data (a tracker load)."""
        return [s for s in self.seen if "events.data" in s]


@pytest.fixture
def statements(store: CachingSQLTrackerStore) -> Iterator[Statements]:
    yield Statements(store.engine)


def test_the_saved_tracker_is_served_itself_with_one_query_and_no_load(
    store: CachingSQLTrackerStore, stock: SQLTrackerStore, statements: Statements
) -> None:
    first = asyncio.run(message(store))
    second = asyncio.run(message(store))
    # From the second message on, the same object goes round.
    for _ in range(3):
        statements.seen.clear()
        tracker = asyncio.run(store.retrieve(SENDER))
        assert tracker is second
        assert len(statements.seen) == 1, statements.seen
        assert statements.loads() == []
        assert same_as_stock(tracker, stock)
    assert first is second
    assert asyncio.run(message(store)) is second
    assert same_as_stock(second, stock)
    assert len(second.events) == 3 + 3 * 4


def stored_rows(db: Path) -> list[tuple[Any, ...]]:
    engine = sa.create_engine(f"sqlite:///{db}")
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT sender_id, type_name, timestamp, intent_name, action_name, data "
                "FROM events ORDER BY id"
            )
        ).all()
    engine.dispose()
    return [tuple(row) for row in rows]


def test_the_rows_written_are_those_rasas_store_writes(
    store: CachingSQLTrackerStore, domain: Domain, tmp_path: Path
) -> None:
    kept = None
    for _ in range(3):
        kept = asyncio.run(message(store))
    assert kept is not None
    kept.update(UserUttered("what is kpo?", {"name": "faq", "confidence": 0.9}))
    kept.update(ActionExecuted("utter_faq/what_is_kpo"))
    asyncio.run(store.save(kept))
    rasas = SQLTrackerStore(domain=domain, dialect="sqlite", db=str(tmp_path / "rasa.db"))
    asyncio.run(rasas.save(kept))
    ours_rows = stored_rows(Path(store.engine.url.database or ""))
    assert ours_rows == stored_rows(tmp_path / "rasa.db")
    assert ours_rows[-2][3] == "faq" and ours_rows[-1][4] == "utter_faq/what_is_kpo"


def test_a_kept_tracker_is_saved_with_inserts_only(
    store: CachingSQLTrackerStore, stock: SQLTrackerStore, statements: Statements
) -> None:
    """Its new events are known, and so is the new version: no count, no read-back."""
    kept = asyncio.run(message(store))
    for number in range(3):
        statements.seen.clear()
        assert asyncio.run(message(store)) is kept
        selects = [s for s in statements.seen if s.lstrip().upper().startswith("SELECT")]
        inserts = [s for s in statements.seen if s.lstrip().upper().startswith("INSERT")]
        assert len(selects) == 1, selects  # the version, before serving the object
        assert len(inserts) == 1  # the turn's four events in one statement
        assert same_as_stock(kept, stock), number
    assert asyncio.run(store.retrieve(SENDER)) is kept


def first_message_as_rasa(store: SQLTrackerStore) -> DialogueStateTracker:
    """A conversation's first message as Rasa's processor handles it: its own
    ActionExecuted(action_session_start) is logged first and stamped before the
    session's events, so Rasa's load of the session leaves it out."""
    tracker = asyncio.run(store.get_or_create_tracker(SENDER, append_action_listen=False))
    assert not tracker.events
    now = time.time()  # the turn's events are stamped later
    tracker.update(ActionExecuted("action_session_start", timestamp=now - 0.002))
    tracker.update(SessionStarted(timestamp=now - 0.001))
    tracker.update(ActionExecuted("action_listen", timestamp=now - 0.001))
    turn(tracker)
    asyncio.run(store.save(tracker))
    return tracker


def test_a_new_conversation_is_written_without_counting_or_reading_back(
    store: CachingSQLTrackerStore,
    stock: SQLTrackerStore,
    statements: Statements,
    domain: Domain,
    tmp_path: Path,
) -> None:
    """Its retrieve found no rows, so every event is new: one query, one INSERT, the
    rows Rasa's store writes. The next retrieve serves what Rasa's load gives (the
    session without the action_session_start logged before it), with no load."""
    ours = first_message_as_rasa(store)
    selects = [s for s in statements.seen if s.lstrip().upper().startswith("SELECT")]
    inserts = [s for s in statements.seen if s.lstrip().upper().startswith("INSERT")]
    assert len(selects) == 1 and len(inserts) == 1, statements.seen
    rasas = SQLTrackerStore(domain=domain, dialect="sqlite", db=str(tmp_path / "rasa.db"))
    asyncio.run(rasas.save(ours))
    assert stored_rows(Path(store.engine.url.database or "")) == stored_rows(tmp_path / "rasa.db")

    statements.seen.clear()
    served = asyncio.run(store.retrieve(SENDER))
    assert served is not None and served is not ours
    assert len(statements.seen) == 1 and statements.loads() == []
    assert same_as_stock(served, stock)
    assert as_dicts(served) == [event.as_dict() for event in list(ours.events)[1:]]
    assert asyncio.run(message(store)) is served
    assert same_as_stock(served, stock)


def test_a_conversation_begun_on_another_replica_after_a_miss_is_loaded(
    new_store: Callable[..., CachingSQLTrackerStore], stock: SQLTrackerStore, db: Path
) -> None:
    """A found the conversation new, then it began on B: A's next message reads B's rows
    and adds only its own turn, never the whole conversation again."""
    replica_a, replica_b = new_store(), new_store()
    assert asyncio.run(replica_a.retrieve(SENDER)) is None
    assert replica_a.tracker_cache.is_new(SENDER)
    for _ in range(2):
        asyncio.run(message(replica_b))
    tracker = asyncio.run(message(replica_a))
    assert not replica_a.tracker_cache.is_new(SENDER)
    assert same_as_stock(tracker, stock)
    assert len(stored_rows(db)) == 3 + 3 * 4 == len(tracker.events)


def test_an_unknown_conversation_is_none(store: CachingSQLTrackerStore) -> None:
    assert asyncio.run(store.retrieve("nobody")) is None
    assert "nobody" not in store.tracker_cache


def test_rows_appended_by_another_replica_are_applied_to_the_kept_tracker(
    new_store: Callable[..., CachingSQLTrackerStore], stock: SQLTrackerStore
) -> None:
    """nginx spreads a conversation's REST messages over the replicas: each reads only
    the other's new rows, and ends up with what Rasa's load gives."""
    replica_a, replica_b = new_store(), new_store()
    for _ in range(2):
        kept = asyncio.run(message(replica_a))
    length = len(kept.events)
    on_b = asyncio.run(message(replica_b))  # B loads A's rows, appends a turn
    assert on_b is not kept
    statements = Statements(replica_a.engine)
    tracker = asyncio.run(replica_a.retrieve(SENDER))
    assert tracker is kept
    assert statements.loads() and all("events.id >" in s for s in statements.loads())
    assert same_as_stock(tracker, stock)
    assert as_dicts(tracker) == as_dicts(on_b)
    assert len(tracker.events) == length + 4
    # Turn and turn about, each replica keeps its own object up to date.
    for _ in range(3):
        assert asyncio.run(message(replica_b)) is on_b
        assert asyncio.run(message(replica_a)) is kept
        assert same_as_stock(kept, stock)
    assert as_dicts(on_b) != as_dicts(kept)  # B has not read A's last turn yet...
    assert asyncio.run(replica_b.retrieve(SENDER)) is on_b
    assert as_dicts(on_b) == as_dicts(kept)  # ...now it has


def test_a_new_session_started_by_another_replica_is_loaded_as_rasa_does(
    new_store: Callable[..., CachingSQLTrackerStore], stock: SQLTrackerStore
) -> None:
    replica_a, replica_b = new_store(), new_store()
    for _ in range(2):
        kept = asyncio.run(message(replica_a))
    on_b = asyncio.run(replica_b.retrieve(SENDER))
    assert on_b is not None
    start_session(on_b)
    turn(on_b)
    asyncio.run(replica_b.save(on_b))
    tracker = asyncio.run(replica_a.retrieve(SENDER))
    assert tracker is not kept
    assert same_as_stock(tracker, stock)
    assert len(tracker.events) == 3 + 4  # the new session only


def test_rows_deleted_as_well_as_appended_mean_a_full_load(
    new_store: Callable[..., CachingSQLTrackerStore], stock: SQLTrackerStore, db: Path
) -> None:
    replica_a, replica_b = new_store(), new_store()
    for _ in range(2):
        kept = asyncio.run(message(replica_a))
    engine = sa.create_engine(f"sqlite:///{db}")
    with engine.begin() as connection:  # someone removes a bot message
        connection.execute(sa.text("DELETE FROM events WHERE id = 5"))
    engine.dispose()
    asyncio.run(message(replica_b))
    tracker = asyncio.run(replica_a.retrieve(SENDER))
    assert tracker is not kept
    assert same_as_stock(tracker, stock)


def test_a_tracker_changed_and_not_saved_is_not_served(
    store: CachingSQLTrackerStore, stock: SQLTrackerStore
) -> None:
    for _ in range(2):
        kept = asyncio.run(message(store))
    changed = asyncio.run(store.retrieve(SENDER))
    assert changed is kept
    changed.update(UserUttered("this message failed", {"name": "greet", "confidence": 1.0}))
    tracker = asyncio.run(store.retrieve(SENDER))
    assert tracker is not changed
    assert same_as_stock(tracker, stock)
    assert "this message failed" not in [getattr(e, "text", None) for e in tracker.events]


def test_a_deleted_conversation_is_not_served(
    store: CachingSQLTrackerStore, stock: SQLTrackerStore, db: Path
) -> None:
    for _ in range(2):
        kept = asyncio.run(message(store))
    assert asyncio.run(store.retrieve(SENDER)) is kept
    engine = sa.create_engine(f"sqlite:///{db}")
    # Retention, a year from now: everything is idle.
    assert delete_idle_conversations(engine, 30, now=time.time() + 365 * 86400) == 1
    engine.dispose()
    assert asyncio.run(store.retrieve(SENDER)) is None
    assert asyncio.run(stock.retrieve(SENDER)) is None
    assert SENDER not in store.tracker_cache
    # The same sender starts again: a new conversation, not the deleted one.
    fresh = asyncio.run(message(store))
    assert fresh is not kept
    assert len(fresh.events) == 3 + 4
    assert same_as_stock(asyncio.run(store.retrieve(SENDER)), stock)


def test_after_a_new_session_only_the_new_session_is_served(
    store: CachingSQLTrackerStore, stock: SQLTrackerStore
) -> None:
    for _ in range(3):
        kept = asyncio.run(message(store))
    tracker = asyncio.run(store.retrieve(SENDER))
    assert tracker is kept
    start_session(tracker)  # the session expired: Rasa starts a new one in this object
    turn(tracker)
    asyncio.run(store.save(tracker))
    assert SENDER not in store.tracker_cache
    loaded = asyncio.run(store.retrieve(SENDER))
    assert loaded is not kept
    assert same_as_stock(loaded, stock)
    assert len(loaded.events) == 3 + 4  # the new session only
    assert sum(isinstance(e, SessionStarted) for e in loaded.events) == 1
    # The reloaded session is kept again.
    after = asyncio.run(message(store))
    assert after is loaded
    assert asyncio.run(store.retrieve(SENDER)) is after


def test_size_0_never_serves_the_same_object(
    new_store: Callable[..., CachingSQLTrackerStore], stock: SQLTrackerStore
) -> None:
    store = new_store("0")
    statements = Statements(store.engine)
    trackers = [asyncio.run(message(store)) for _ in range(3)]
    # No bookkeeping of the cache's versions either: the store's queries are Rasa's.
    assert not [s for s in statements.seen if re.search(r"max\(events(_\d+)?\.id\)", s)]
    statements.seen.clear()
    tracker = asyncio.run(store.retrieve(SENDER))
    assert tracker is not None
    assert all(tracker is not t for t in trackers)
    assert len({id(t) for t in trackers}) == 3
    assert len(store.tracker_cache) == 0
    assert statements.loads()  # loaded as Rasa does
    assert same_as_stock(tracker, stock)


def test_the_least_recently_used_conversation_is_evicted(
    new_store: Callable[..., CachingSQLTrackerStore],
) -> None:
    store = new_store("2")
    kept = {}
    for sender in ["a", "b", "c"]:
        for _ in range(2):
            kept[sender] = asyncio.run(message(store, sender))
    assert "a" not in store.tracker_cache
    assert asyncio.run(store.retrieve("a")) is not kept["a"]
    assert asyncio.run(store.retrieve("c")) is kept["c"]
    assert as_dicts(asyncio.run(store.retrieve("a"))) == as_dicts(kept["a"])


def test_the_cache_is_bounded_in_bytes_too(
    new_store: Callable[..., CachingSQLTrackerStore], monkeypatch: pytest.MonkeyPatch
) -> None:
    """TRACKER_CACHE_MAX_BYTES: a long conversation that alone exceeds the budget is
    never kept (served by a load, equal to Rasa's), short ones fit beside each other."""
    monkeypatch.setenv(BYTES_ENV, str(64 * EVENT_BYTES))  # room for 64 events
    store = new_store("100")
    long = asyncio.run(message(store, "long"))
    for _ in range(20):  # 4 events a turn: over the budget
        long = asyncio.run(message(store, "long"))
    assert "long" not in store.tracker_cache
    served = asyncio.run(store.retrieve("long"))
    assert served is not long and as_dicts(served) == as_dicts(long)
    short = {sender: asyncio.run(message(store, sender)) for sender in ("a", "b", "c")}
    assert all(asyncio.run(store.retrieve(s)) is short[s] for s in short)
    assert store.tracker_cache.weight <= 64 * EVENT_BYTES


def down(*_: Any, **__: Any) -> Any:
    raise sa.exc.OperationalError("SELECT 1", {}, Exception("database is down"))


def fails_while_down(
    store: CachingSQLTrackerStore, monkeypatch: pytest.MonkeyPatch, call: Coroutine[Any, Any, Any]
) -> None:
    """`call` with the database down raises TrackerStoreUnavailable and leaves no cache
    entry; the database is back afterwards."""
    connect = store.engine.connect
    monkeypatch.setattr(store.engine, "connect", down)
    with pytest.raises(TrackerStoreUnavailable):
        asyncio.run(call)
    assert SENDER not in store.tracker_cache
    monkeypatch.setattr(store.engine, "connect", connect)


def test_a_database_error_surfaces_and_leaves_no_entry(
    store: CachingSQLTrackerStore, stock: SQLTrackerStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    for _ in range(2):
        kept = asyncio.run(message(store))
    # Even with an entry for it, the conversation is not served while the database is down.
    fails_while_down(store, monkeypatch, store.retrieve(SENDER))

    tracker = asyncio.run(store.retrieve(SENDER))
    assert tracker is not kept
    assert same_as_stock(tracker, stock)
    turn(tracker, "saved while the database is down")
    fails_while_down(store, monkeypatch, store.save(tracker))

    again = asyncio.run(store.retrieve(SENDER))
    assert again is not tracker
    assert same_as_stock(again, stock)
    assert len(again.events) == len(tracker.events) - 4


def dead_once(connect: Callable[[], Any]) -> Callable[[], Any]:
    """`connect`, except that the first connection is one the database has closed."""
    calls = []

    def connect_or_fail() -> Any:
        calls.append(1)
        if len(calls) == 1:
            raise sa.exc.OperationalError(
                "SELECT 1",
                {},
                Exception("server closed the connection unexpectedly"),
                connection_invalidated=True,
            )
        return connect()

    return connect_or_fail


def test_a_read_on_a_connection_closed_by_the_database_is_run_again(
    store: CachingSQLTrackerStore, stock: SQLTrackerStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a restart of the database, the pool's old connections are dead: the first
    read finds out and runs again on a new one, instead of failing the message."""
    for _ in range(2):
        kept = asyncio.run(message(store))
    monkeypatch.setattr(store.engine, "connect", dead_once(store.engine.connect))
    tracker = asyncio.run(store.retrieve(SENDER))
    assert tracker is not None and same_as_stock(tracker, stock)
    assert as_dicts(tracker) == as_dicts(kept)  # loaded again: the failed read dropped it


def test_a_write_on_a_connection_closed_by_the_database_is_not_repeated(
    store: CachingSQLTrackerStore, stock: SQLTrackerStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It may have been stored: the message fails and the next one loads what is stored."""
    for _ in range(2):
        kept = asyncio.run(message(store))
    turn(kept, "lost with the connection")
    monkeypatch.setattr(store.engine, "connect", dead_once(store.engine.connect))
    with pytest.raises(TrackerStoreUnavailable):
        asyncio.run(store.save(kept))
    assert SENDER not in store.tracker_cache
    loaded = asyncio.run(store.retrieve(SENDER))
    assert loaded is not kept and same_as_stock(loaded, stock)
    assert len(loaded.events) == len(kept.events) - 4
