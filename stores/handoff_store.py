"""Hand-offs to consultants, kept in the tracker store's own database (SQLite or
PostgreSQL, the same URL), so they survive restarts and every replica sees them.

Three small tables:
- `handoffs`: one row per conversation handed to a person: the Slack thread (ts) it
  is discussed in, the user's channel and where to answer them, its state and times;
- `handoff_events`: Slack event ids already handled; the primary key makes the second
  delivery of an event (a Slack retry, or the same event at another replica) fail to
  insert, so each consultant message is passed on once;
- `handoff_outbox`: messages for web and REST users. A replica holding the user's
  socket leases a message (`leased_until`), sends it, then deletes it; a replica that
  died in between leaves a lease that runs out, and the message is sent again by the
  replica the user reconnected to (at least once; the widget shows a `delivery_id`
  once). A REST response that returns messages deletes them;
- `handoff_slack_posts`: what the hand-off posts to Slack (users' lines in the thread,
  consultants' replies to Slack users, the notes when it ends), kept until Slack took
  it: a post retried only in memory would be lost with its process. Leased the same
  way, sent in order per place (channel and thread).

Plain SQLAlchemy Core, synchronous: callers run it in a thread (asyncio.to_thread).
No Rasa imports.
"""

import contextlib
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.pool import StaticPool

ACTIVE = "active"
ENDED = "ended"
# Event ids are kept this long: Slack retries within minutes.
EVENT_MEMORY_SECONDS = 24 * 3600

metadata = sa.MetaData()
handoffs = sa.Table(
    "handoffs",
    metadata,
    sa.Column("conversation_id", sa.String(255), primary_key=True),
    sa.Column("thread_ts", sa.String(64), nullable=False, index=True),
    sa.Column("channel", sa.String(32), nullable=False),  # socketio | slack | rest
    sa.Column("reply_to", sa.Text, nullable=False),  # JSON: where a Slack user is answered
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("started_at", sa.Float, nullable=False),
    # The last time a consultant wrote (None: nobody yet); the timeout counts from it.
    sa.Column("consultant_at", sa.Float, nullable=True),
    sa.Column("ended_at", sa.Float, nullable=True),
)
handoff_events = sa.Table(
    "handoff_events",
    metadata,
    sa.Column("event_id", sa.String(128), primary_key=True),
    sa.Column("seen_at", sa.Float, nullable=False, index=True),
)
handoff_outbox = sa.Table(
    "handoff_outbox",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("conversation_id", sa.String(255), nullable=False, index=True),
    sa.Column("sender", sa.String(16), nullable=False),  # consultant | assistant
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    # Being sent by a replica until then (None: free to send).
    sa.Column("leased_until", sa.Float, nullable=True),
)
handoff_slack_posts = sa.Table(
    "handoff_slack_posts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("place", sa.String(160), nullable=False, index=True),  # channel/thread
    sa.Column("arguments", sa.Text, nullable=False),  # JSON: chat.postMessage's arguments
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("leased_until", sa.Float, nullable=True),
)
# Columns added after the first release, added to an existing table at start-up.
ADDED_COLUMNS = {("handoff_outbox", "leased_until"): "FLOAT"}


@dataclass(frozen=True)
class Handoff:
    conversation_id: str
    thread_ts: str
    channel: str
    reply_to: dict[str, Any] = field(default_factory=dict)
    state: str = ACTIVE
    started_at: float = 0.0
    consultant_at: float | None = None

    def waiting_since(self) -> float:
        """Since when the user has been waiting for a consultant."""
        return max(self.started_at, self.consultant_at or 0.0)

    def is_overdue(self, now: float, timeout_seconds: float) -> bool:
        return self.state == ACTIVE and now - self.waiting_since() > timeout_seconds


@dataclass(frozen=True)
class Queued:
    id: int
    conversation_id: str
    sender: str
    text: str
    created_at: float = 0.0

    def delivery_id(self) -> str:
        """Names this message for a client that may get it twice (SQLite reuses the id
        of a deleted last row: the time it was queued tells them apart)."""
        return f"h{self.id}-{int(self.created_at * 1_000_000)}"


@dataclass(frozen=True)
class Post:
    id: int
    place: str
    arguments: dict[str, Any]
    attempts: int


def _handoff(row: Any) -> Handoff:
    try:
        reply_to = json.loads(row.reply_to or "{}")
    except ValueError:
        reply_to = {}
    return Handoff(
        conversation_id=row.conversation_id,
        thread_ts=row.thread_ts,
        channel=row.channel,
        reply_to=reply_to if isinstance(reply_to, dict) else {},
        state=row.state,
        started_at=row.started_at,
        consultant_at=row.consultant_at,
    )


def engine_for(url: str | sa.engine.URL) -> Engine:
    """An engine of its own on the tracker store's database."""
    url = sa.engine.make_url(url)
    if url.get_backend_name() == "sqlite":
        if url.database in (None, "", ":memory:"):
            # One shared in-memory database (a server without a SQL tracker store).
            return sa.create_engine(
                "sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False}
            )
        return sa.create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
    return sa.create_engine(url, pool_pre_ping=True)


class HandoffStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        metadata.create_all(engine, checkfirst=True)
        self._add_missing_columns()

    def _add_missing_columns(self) -> None:
        inspector = sa.inspect(self.engine)
        for (table, column), kind in ADDED_COLUMNS.items():
            if column not in {c["name"] for c in inspector.get_columns(table)}:
                # Another replica may just have added it: its error is ignored.
                with (
                    contextlib.suppress(sa.exc.OperationalError, sa.exc.ProgrammingError),
                    self._transaction() as db,
                ):
                    db.execute(sa.text(f"ALTER TABLE {table} ADD COLUMN {column} {kind}"))

    @contextmanager
    def _transaction(self) -> Iterator[Connection]:
        with self.engine.begin() as connection:
            yield connection

    # --- hand-offs ---------------------------------------------------------------------

    def open(
        self,
        conversation_id: str,
        thread_ts: str,
        channel: str,
        reply_to: dict[str, Any],
        now: float,
    ) -> bool:
        """Start a hand-off; False if the conversation already has an active one."""
        try:
            with self._transaction() as db:
                db.execute(
                    handoffs.delete().where(
                        (handoffs.c.conversation_id == conversation_id)
                        & (handoffs.c.state == ENDED)
                    )
                )
                db.execute(
                    handoffs.insert().values(
                        conversation_id=conversation_id,
                        thread_ts=thread_ts,
                        channel=channel,
                        reply_to=json.dumps(reply_to),
                        state=ACTIVE,
                        started_at=now,
                    )
                )
        except IntegrityError:
            return False
        return True

    def active(self, conversation_id: str) -> Handoff | None:
        with self._transaction() as db:
            row = db.execute(
                handoffs.select().where(
                    (handoffs.c.conversation_id == conversation_id) & (handoffs.c.state == ACTIVE)
                )
            ).first()
        return _handoff(row) if row else None

    def all_active(self) -> list[Handoff]:
        with self._transaction() as db:
            rows = db.execute(handoffs.select().where(handoffs.c.state == ACTIVE)).all()
        return [_handoff(row) for row in rows]

    def by_thread(self, thread_ts: str) -> Handoff | None:
        """The active hand-off discussed in this Slack thread."""
        with self._transaction() as db:
            row = db.execute(
                handoffs.select().where(
                    (handoffs.c.thread_ts == thread_ts) & (handoffs.c.state == ACTIVE)
                )
            ).first()
        return _handoff(row) if row else None

    def consultant_wrote(self, conversation_id: str, now: float) -> None:
        with self._transaction() as db:
            db.execute(
                handoffs.update()
                .where(handoffs.c.conversation_id == conversation_id)
                .values(consultant_at=now)
            )

    def end(self, conversation_id: str, now: float) -> bool:
        """End the active hand-off; True for the one caller (of any replica) that did."""
        with self._transaction() as db:
            result = db.execute(
                handoffs.update()
                .where(
                    (handoffs.c.conversation_id == conversation_id) & (handoffs.c.state == ACTIVE)
                )
                .values(state=ENDED, ended_at=now)
            )
        return bool(result.rowcount == 1)

    def overdue(self, now: float, timeout_seconds: float) -> list[Handoff]:
        """Active hand-offs whose user has waited longer than the timeout."""
        cutoff = now - timeout_seconds
        with self._transaction() as db:
            rows = db.execute(
                handoffs.select().where(
                    (handoffs.c.state == ACTIVE)
                    & (handoffs.c.started_at < cutoff)
                    & ((handoffs.c.consultant_at.is_(None)) | (handoffs.c.consultant_at < cutoff))
                )
            ).all()
        return [_handoff(row) for row in rows]

    # --- Slack events, once --------------------------------------------------------------

    def first_delivery(self, event_id: str, now: float) -> bool:
        """True the first time an event id is seen, by any replica."""
        try:
            with self._transaction() as db:
                db.execute(handoff_events.insert().values(event_id=event_id, seen_at=now))
        except IntegrityError:
            return False
        return True

    def forget_events(self, now: float) -> int:
        with self._transaction() as db:
            result = db.execute(
                handoff_events.delete().where(handoff_events.c.seen_at < now - EVENT_MEMORY_SECONDS)
            )
        return int(result.rowcount or 0)

    def forget_ended(self, before: float) -> int:
        """Delete hand-offs that ended, and undelivered messages queued, before `before`
        (retention: the same number of days as the conversations)."""
        with self._transaction() as db:
            ended = db.execute(
                handoffs.delete().where(
                    (handoffs.c.state == ENDED) & (handoffs.c.ended_at < before)
                )
            )
            stale = db.execute(handoff_outbox.delete().where(handoff_outbox.c.created_at < before))
        return int(ended.rowcount or 0) + int(stale.rowcount or 0)

    # --- messages waiting for web and REST users -------------------------------------

    def queue(
        self, conversation_id: str, sender: str, text: str, now: float, once: str | None = None
    ) -> bool:
        """Queue a message; with `once` (e.g. a Slack event id), only the first time that
        key is seen, in the same transaction: a replica that dies half-way has stored
        both or neither, and the retry of the event does the rest. False: seen before."""
        try:
            with self._transaction() as db:
                if once is not None:
                    db.execute(handoff_events.insert().values(event_id=once[:128], seen_at=now))
                db.execute(
                    handoff_outbox.insert().values(
                        conversation_id=conversation_id, sender=sender, text=text, created_at=now
                    )
                )
        except IntegrityError:
            return False
        return True

    def waiting(
        self, prefix: str = "", conversation_id: str | None = None, now: float | None = None
    ) -> list[Queued]:
        """Messages not yet delivered, oldest first: of one conversation, or of every
        conversation whose id starts with `prefix`; given `now`, only those no replica
        is sending (no lease, or one that ran out)."""
        query = handoff_outbox.select().order_by(handoff_outbox.c.id)
        if conversation_id is not None:
            query = query.where(handoff_outbox.c.conversation_id == conversation_id)
        elif prefix:
            query = query.where(handoff_outbox.c.conversation_id.startswith(prefix))
        if now is not None:
            query = query.where(
                handoff_outbox.c.leased_until.is_(None) | (handoff_outbox.c.leased_until < now)
            )
        with self._transaction() as db:
            rows = db.execute(query).all()
        return [
            Queued(row.id, row.conversation_id, row.sender, row.text, row.created_at)
            for row in rows
        ]

    def lease(self, ids: Iterable[int], now: float, seconds: float) -> set[int]:
        """Take these messages to send them, for `seconds`; the ids this caller got (not
        those another replica is sending). `delivered()` then deletes them; if this
        process dies first, the lease runs out and another replica sends them."""
        leased = set()
        with self._transaction() as db:
            for message_id in ids:
                result = db.execute(
                    handoff_outbox.update()
                    .where(
                        (handoff_outbox.c.id == message_id)
                        & (
                            handoff_outbox.c.leased_until.is_(None)
                            | (handoff_outbox.c.leased_until < now)
                        )
                    )
                    .values(leased_until=now + seconds)
                )
                if result.rowcount == 1:
                    leased.add(message_id)
        return leased

    def delivered(self, ids: Iterable[int]) -> None:
        ids = list(ids)
        if ids:
            with self._transaction() as db:
                db.execute(handoff_outbox.delete().where(handoff_outbox.c.id.in_(ids)))

    def claim(self, ids: Iterable[int]) -> set[int]:
        """Delete these messages; return the ids this caller deleted (another replica
        or request that deleted one first delivers it, not this one)."""
        claimed = set()
        with self._transaction() as db:
            for message_id in ids:
                result = db.execute(
                    handoff_outbox.delete().where(handoff_outbox.c.id == message_id)
                )
                if result.rowcount == 1:
                    claimed.add(message_id)
        return claimed

    def take(self, conversation_id: str) -> list[Queued]:
        """The conversation's waiting messages, removed: each is returned once."""
        waiting = self.waiting(conversation_id=conversation_id)
        claimed = self.claim(message.id for message in waiting)
        return [message for message in waiting if message.id in claimed]

    # --- posts to Slack, kept until Slack took them ----------------------------------

    def queue_post(
        self, place: str, arguments: dict[str, Any], now: float, once: str | None = None
    ) -> bool:
        """Keep a post until it is sent; `once` as for `queue`. False: seen before."""
        try:
            with self._transaction() as db:
                if once is not None:
                    db.execute(handoff_events.insert().values(event_id=once[:128], seen_at=now))
                db.execute(
                    handoff_slack_posts.insert().values(
                        place=place, arguments=json.dumps(arguments), created_at=now, attempts=0
                    )
                )
        except IntegrityError:
            return False
        return True

    def next_posts(self, now: float, seconds: float) -> list[Post]:
        """The oldest waiting post of each place, leased to this caller for `seconds`.
        A place whose oldest post another replica is sending waits: posts to one place
        go out in order."""
        with self._transaction() as db:
            rows = db.execute(handoff_slack_posts.select().order_by(handoff_slack_posts.c.id)).all()
        firsts: dict[str, Any] = {}
        for row in rows:
            firsts.setdefault(row.place, row)
        taken = []
        with self._transaction() as db:
            for row in firsts.values():
                if row.leased_until is not None and row.leased_until >= now:
                    continue
                result = db.execute(
                    handoff_slack_posts.update()
                    .where(
                        (handoff_slack_posts.c.id == row.id)
                        & (
                            handoff_slack_posts.c.leased_until.is_(None)
                            | (handoff_slack_posts.c.leased_until < now)
                        )
                    )
                    .values(leased_until=now + seconds, attempts=row.attempts + 1)
                )
                if result.rowcount == 1:
                    taken.append(
                        Post(row.id, row.place, json.loads(row.arguments), row.attempts + 1)
                    )
        return taken

    def posted(self, post_id: int) -> None:
        """Slack took it (or it can never be sent): gone."""
        with self._transaction() as db:
            db.execute(handoff_slack_posts.delete().where(handoff_slack_posts.c.id == post_id))

    def retry_post_at(self, post_id: int, when: float) -> None:
        """Not taken by Slack this time: sent again from `when`, by any replica."""
        with self._transaction() as db:
            db.execute(
                handoff_slack_posts.update()
                .where(handoff_slack_posts.c.id == post_id)
                .values(leased_until=when)
            )

    def pending_posts(self) -> int:
        with self._transaction() as db:
            return int(
                db.execute(sa.select(sa.func.count()).select_from(handoff_slack_posts)).scalar()
                or 0
            )
