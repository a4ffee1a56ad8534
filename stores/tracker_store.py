"""The SQL tracker stores of endpoints.yml: Rasa's SQLTrackerStore, made strict, then fast.

* `StrictSQLTrackerStore`: a database error is `TrackerStoreUnavailable`, never a
  silent new or in-memory conversation; the channels answer 503 (channels/resilience.py).
* `CachingSQLTrackerStore` (the one endpoints.yml names): the strict store, keeping
  recent trackers between messages and writing each turn in one INSERT.

endpoints.yml::

    tracker_store:
      type: stores.tracker_store.CachingSQLTrackerStore
      dialect: sqlite            # or postgresql, with url/port/db/username/password
      db: var/tracker.db
"""

import contextlib
import functools
import itertools
import json
import logging
from collections.abc import Awaitable, Callable, Iterable, Iterator
from typing import Any, TypeVar

import sqlalchemy as sa
from rasa.core.tracker_store import FailSafeTrackerStore, SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.events import Event, SessionStarted, deserialise_events
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session, aliased, sessionmaker

from runtime.settings import rasa_settings
from stores.tracker_cache import TrackerCache, Version, tracker_weight

logger = logging.getLogger(__name__)

CONNECT_TIMEOUT = 3  # seconds; a dead database host must not hold a message for minutes

T = TypeVar("T")


class TrackerStoreUnavailable(RasaException):
    """The conversation could not be read or written; nothing was changed."""


def _unavailable(
    *, retry_dead_connection: bool
) -> Callable[[Callable[..., Awaitable[T]]], Callable[..., Awaitable[T]]]:
    """Database errors surface as TrackerStoreUnavailable.

    With `retry_dead_connection` (reads only), a call that failed on a pooled connection
    the database has closed since (it restarted) runs once more: SQLAlchemy has then
    discarded every connection pooled before, so the next message does not fail either.
    This replaces pre-pinging each connection checked out, a round trip every time.
    A write is never repeated: it may have been stored."""

    def decorate(method: Callable[..., Awaitable[T]]) -> Callable[..., Awaitable[T]]:
        @functools.wraps(method)
        async def wrapper(*args: Any, **kwargs: Any) -> T:
            try:
                try:
                    return await method(*args, **kwargs)
                except DBAPIError as error:
                    if not (retry_dead_connection and error.connection_invalidated):
                        raise
                    logger.info("Tracker store: the database closed a pooled connection")
                return await method(*args, **kwargs)
            except SQLAlchemyError as error:
                raise TrackerStoreUnavailable(
                    f"tracker store {method.__name__} failed: {error}"
                ) from error

        return wrapper

    return decorate


class StrictSQLTrackerStore(SQLTrackerStore):
    """Rasa's SQLTrackerStore whose database errors surface as TrackerStoreUnavailable.

    Rasa's Agent wraps every store in `FailSafeTrackerStore`, which turns a failed read
    into a brand-new conversation and a failed write into a write to memory; this
    error passes through it (`reraise_unavailable`, a patch in runtime/patches.py).
    Nothing is read or written meanwhile, so the conversation continues once the
    database is back. PostgreSQL connections time out after CONNECT_TIMEOUT; a read
    that fails on a connection the database closed (it restarted) runs once more."""

    engine: sa.engine.Engine

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Blocks (retrying every 5 s) until the database answers, like Rasa's store.
        super().__init__(*args, **kwargs)
        url = self.engine.url
        engine_kwargs = self._engine_options(url)
        self.engine.dispose()
        self.engine = sa.create_engine(url, **engine_kwargs)
        self.sessionmaker = sessionmaker(bind=self.engine)

    def _engine_options(self, url: sa.engine.URL) -> dict[str, Any]:
        options: dict[str, Any] = create_engine_kwargs(url)
        if url.get_backend_name() == "postgresql" and "connect_timeout" not in url.query:
            options["connect_args"] = {
                **options.get("connect_args", {}),
                "connect_timeout": CONNECT_TIMEOUT,
            }
        return options

    @_unavailable(retry_dead_connection=True)
    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        return await super().retrieve(sender_id)

    @_unavailable(retry_dead_connection=True)
    async def retrieve_full_tracker(self, conversation_id: str) -> DialogueStateTracker | None:
        return await super().retrieve_full_tracker(conversation_id)

    @_unavailable(retry_dead_connection=False)
    async def save(self, tracker: DialogueStateTracker) -> None:
        await super().save(tracker)

    @_unavailable(retry_dead_connection=True)
    async def keys(self) -> Iterable[str]:
        return await super().keys()

    @_unavailable(retry_dead_connection=True)
    async def last_activity(self, sender_id: str) -> float | None:
        """When the conversation's latest event happened (None: no such conversation);
        one indexed query."""
        events = self.SQLEvent
        with self._autocommit() as connection:
            latest = connection.execute(
                sa.select(sa.func.max(events.timestamp)).where(events.sender_id == sender_id)
            ).scalar()
        return float(latest) if latest is not None else None

    @_unavailable(retry_dead_connection=False)
    async def delete(self, sender_id: str) -> None:
        """Forget the conversation: every event of every session (as retention does)."""
        with self._autocommit() as connection:
            connection.execute(sa.delete(self.SQLEvent).where(self.SQLEvent.sender_id == sender_id))

    @contextlib.contextmanager
    def _autocommit(self) -> Iterator[sa.engine.Connection]:
        """A pooled connection running each statement in its own transaction."""
        with self.engine.connect() as connection:
            yield connection.execution_options(isolation_level="AUTOCOMMIT")


class CachingSQLTrackerStore(StrictSQLTrackerStore):
    """The strict store, keeping the tracker of recent conversations between messages
    (stores/tracker_cache.py; TRACKER_CACHE_SIZE, 0 disables) and saving a turn's
    events in one INSERT (SQLite, PostgreSQL), in autocommit.

    `retrieve` reads the conversation's version (rows, highest id) with one indexed
    query and returns the kept tracker while the database is still at that version;
    rows appended by another replica are read and applied to it, as Rasa's load would.
    Anything else (a new session, a deletion, rows it cannot account for) loads as
    Rasa does. `save` records the version from the ids the database gave: the
    conversation is locked while a message is handled, so no one wrote in between."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tracker_cache: TrackerCache[DialogueStateTracker] = TrackerCache(
            rasa_settings().tracker_cache_size,
            lambda tracker: tracker.events,
            max_bytes=rasa_settings().tracker_cache_max_bytes,
            weigh=lambda tracker: tracker_weight(tracker.events),
        )

    def _engine_options(self, url: sa.engine.URL) -> dict[str, Any]:
        options = super()._engine_options(url)
        # One INSERT per turn where the database reports the ids it gave (below). Then
        # every statement of this store stands alone, reads and writes: the connections
        # run in autocommit, without BEGIN and COMMIT or ROLLBACK round trips around
        # each. Other databases keep Rasa's transactions (its save adds row by row).
        self._bulk_insert = url.get_backend_name() in ("sqlite", "postgresql")
        if self._bulk_insert:
            options["isolation_level"] = "AUTOCOMMIT"
        return options

    @_unavailable(retry_dead_connection=True)
    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        if not self.tracker_cache.enabled:
            return await super().retrieve(sender_id)
        try:
            version = self._version(sender_id)
            if version is None:  # no rows: Rasa's load would find none either
                self.tracker_cache.mark_new(sender_id)
                return None
            kept = self.tracker_cache.unchanged(sender_id)
            if kept is not None:
                tracker, recorded = kept
                if recorded == version or self._catch_up(tracker, recorded, version):
                    self.tracker_cache.put(sender_id, tracker, version)
                    return tracker
            tracker = await super().retrieve(sender_id)
        except BaseException:
            self.tracker_cache.drop(sender_id)
            raise
        if tracker is None:
            self.tracker_cache.drop(sender_id)
        else:
            # The version was read before the events: rows appended in between make
            # it older than the tracker, so the next retrieve reloads (never the reverse).
            self.tracker_cache.put(sender_id, tracker, version)
        return tracker

    @_unavailable(retry_dead_connection=False)
    async def save(self, tracker: DialogueStateTracker) -> None:
        sender_id = tracker.sender_id
        recorded = self.tracker_cache.recorded(sender_id, tracker)
        first_rows = recorded is None and self.tracker_cache.is_new(sender_id)
        try:
            if not self._bulk_insert:
                await super().save(tracker)
                self._record(tracker)
                return
            await self.stream_events(tracker)  # as Rasa's save
            with self.session_scope() as session:  # no connection unless Rasa's count runs
                new = list(self._additional_events(session, tracker))
            # The conversation is locked, so the count and the insert need no common
            # transaction (nor did they have a common snapshot in Rasa's save).
            rows = self._rows(sender_id, new)
            inserted_up_to = self._insert(rows)
        except BaseException:
            self.tracker_cache.drop(sender_id)
            raise
        if first_rows:
            if rows:
                self._keep_as_loaded(tracker, rows, (len(rows), inserted_up_to or 0))
        elif recorded is None:
            self._record(tracker)
        elif any(isinstance(event, SessionStarted) for event in new):
            self.tracker_cache.drop(sender_id)  # Rasa now loads only the new session
        else:
            count, highest = recorded[0]
            version = (count + len(new), max(highest, inserted_up_to or highest))
            self.tracker_cache.put(sender_id, tracker, version)

    @staticmethod
    def _rows(sender_id: str, events: list[Event]) -> list[dict[str, Any]]:
        """The events as rows of the events table, with the columns Rasa's save writes."""
        rows = []
        for event in events:
            data = event.as_dict()
            rows.append(
                {
                    "sender_id": sender_id,
                    "type_name": event.type_name,
                    "timestamp": data.get("timestamp"),
                    "intent_name": data.get("parse_data", {}).get("intent", {}).get("name"),
                    "action_name": data.get("name"),
                    "data": json.dumps(data),
                }
            )
        return rows

    def _insert(self, rows: list[dict[str, Any]]) -> int | None:
        """Insert the rows in one statement, its own transaction (Rasa's save adds them
        one by one, then commits); the highest id given, or None if there were none."""
        if not rows:
            return None
        table = self.SQLEvent.__table__
        statement = table.insert().values(rows)
        with self._autocommit() as connection:
            if connection.dialect.name == "postgresql":
                return max(connection.execute(statement.returning(table.c.id)).scalars())
            return int(connection.execute(statement).lastrowid)  # SQLite: the last row's

    @contextlib.contextmanager
    def _autocommit(self) -> Iterator[sa.engine.Connection]:
        """A pooled connection running each statement in its own transaction."""
        with self.engine.connect() as connection:
            if self._bulk_insert:  # the engine's own setting
                yield connection
            else:
                yield connection.execution_options(isolation_level="AUTOCOMMIT")

    def _additional_events(self, session: Session, tracker: DialogueStateTracker) -> Iterator:
        """The events to insert: all of a new conversation's, or of a kept tracker those
        appended since it was recorded (no query); otherwise Rasa's count of the stored
        ones decides."""
        recorded = self.tracker_cache.recorded(tracker.sender_id, tracker)
        if recorded is not None:
            return itertools.islice(tracker.events, recorded[1], None)
        if self.tracker_cache.is_new(tracker.sender_id):
            return iter(tracker.events)  # Rasa would count 0 stored events
        return super()._additional_events(session, tracker)

    def _keep_as_loaded(
        self, tracker: DialogueStateTracker, rows: list[dict[str, Any]], version: Version
    ) -> None:
        """Keep what Rasa's retrieve would now load, when `rows` are all the rows of the
        conversation (its first save): the rows stamped at or after the latest
        SessionStarted, or all of them if there is none (Rasa's query, in memory).
        Rasa logs action_session_start before the session's events and stamps it
        earlier, so the first message's tracker is not what Rasa loads: the loaded one
        is built from the same rows, as Rasa builds it."""
        sender_id = tracker.sender_id
        starts = [
            row["timestamp"]
            for row in rows
            if row["type_name"] == SessionStarted.type_name and row["timestamp"] is not None
        ]
        if starts:
            start = max(starts)
            rows = [r for r in rows if r["timestamp"] is not None and r["timestamp"] >= start]
        if len(rows) == len(tracker.events):
            self.tracker_cache.put(sender_id, tracker, version)
        elif self.domain is None:
            self.tracker_cache.drop(sender_id)
        else:
            events = [json.loads(row["data"]) for row in rows]
            loaded = DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
            self.tracker_cache.put(sender_id, loaded, version)

    def _catch_up(self, tracker: DialogueStateTracker, recorded: Version, now: Version) -> bool:
        """Apply the rows appended since `recorded` (up to version `now`) to `tracker`;
        False, with `tracker` untouched, unless they are exactly the new rows (none
        deleted) and Rasa's load would include them all in the same session."""
        (rows_then, highest_then), (rows_now, highest_now) = recorded, now
        if rows_now <= rows_then or highest_now <= highest_then:
            return False
        events = self.SQLEvent
        with self._autocommit() as connection:
            new = connection.execute(
                sa.select(events.type_name, events.timestamp, events.data)
                .where(
                    events.sender_id == tracker.sender_id,
                    events.id > highest_then,
                    events.id <= highest_now,
                )
                .order_by(events.id)
            ).all()
        session_start = next(
            (e.timestamp for e in reversed(tracker.events) if isinstance(e, SessionStarted)),
            None,
        )
        if (
            len(new) != rows_now - rows_then
            or any(row.type_name == SessionStarted.type_name for row in new)
            or (session_start is not None and any(r.timestamp < session_start for r in new))
        ):
            return False
        # As Rasa's load replays them: without stamping the model's ids on the events.
        ids = tracker.model_id, tracker.assistant_id
        tracker.model_id = tracker.assistant_id = None
        try:
            for event in deserialise_events([json.loads(row.data) for row in new]):
                tracker.update(event)
        finally:
            tracker.model_id, tracker.assistant_id = ids
        return True

    def _version(self, sender_id: str) -> Version | None:
        """(number of rows, highest id) of the conversation; None if it has no rows."""
        events = self.SQLEvent
        with self._autocommit() as connection:
            count, highest = connection.execute(
                sa.select(sa.func.count(events.id), sa.func.max(events.id)).where(
                    events.sender_id == sender_id
                )
            ).one()
        return (int(count), int(highest)) if count and highest is not None else None

    def _record(self, tracker: DialogueStateTracker) -> None:
        """Keep the saved tracker with the conversation's new version, if a retrieve
        by Rasa would now load exactly its events; otherwise drop the entry. Nothing
        (no query) when the cache is off."""
        if not self.tracker_cache.enabled:
            return
        sender_id = tracker.sender_id
        events = self.SQLEvent
        outer = aliased(events)
        try:
            with self.session_scope() as session:
                # Rasa's own count of the latest session's rows (as its save uses), in
                # the same statement as the version: one snapshot, also on PostgreSQL.
                in_session = (
                    self._event_query(session, sender_id, fetch_events_from_all_sessions=False)
                    .order_by(None)
                    .with_entities(sa.func.count(events.id))
                    .scalar_subquery()
                )
                count, highest, loaded = (
                    session.query(sa.func.count(outer.id), sa.func.max(outer.id), in_session)
                    .filter(outer.sender_id == sender_id)
                    .one()
                )
        except SQLAlchemyError as error:
            # The events are saved; only the bookkeeping failed: the next retrieve loads.
            self.tracker_cache.drop(sender_id)
            logger.warning(f"Tracker cache: could not read the version of a conversation: {error}")
            return
        if not count or highest is None or loaded != len(tracker.events):
            # A new session started in this object (Rasa loads only the latest one),
            # another replica appended rows, or the conversation was deleted.
            self.tracker_cache.drop(sender_id)
            return
        self.tracker_cache.put(sender_id, tracker, (int(count), int(highest)))

    async def delete(self, sender_id: str) -> None:
        self.tracker_cache.drop(sender_id)
        await super().delete(sender_id)
        self.tracker_cache.drop(sender_id)


def _raise_unavailable(error: Exception) -> None:
    """FailSafeTrackerStore's error callback: it is called inside the wrapper's `except`
    block, before the wrapper falls back to an empty or in-memory conversation."""
    if isinstance(error, TrackerStoreUnavailable):
        raise error  # never fall back: the channel answers 503 (channels/resilience.py)
    logger.error("Tracker store error, Rasa falls back to memory: %s", error)  # as Rasa logs


def strict_fail_safe(rasa_attribute: Any) -> Any:
    """The replacement of `Agent._create_tracker_store` (a staticmethod), installed by
    the registry in runtime/patches.py.

    Rasa wraps every tracker store in a `FailSafeTrackerStore`, which turns a failed read
    into a new conversation and a failed write into one kept in memory. Its constructor
    takes an error callback that Rasa's agent does not pass; this passes
    `_raise_unavailable`, so TrackerStoreUnavailable reaches the channel."""
    rasa_create = rasa_attribute.__func__

    def create_tracker_store(store: Any, domain: Any) -> FailSafeTrackerStore:
        wrapped = rasa_create(store, domain)
        primary = wrapped._tracker_store
        return FailSafeTrackerStore(primary, on_tracker_store_error=_raise_unavailable)

    return staticmethod(create_tracker_store)
