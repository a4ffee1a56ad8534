"""Hand-offs to consultants, kept in the tracker store's own database (SQLite or
PostgreSQL, the same URL), so they survive restarts and every replica sees them.

Three small tables:
- `handoffs`: one row per conversation handed to a person: the Slack thread (ts) it
  is discussed in, the user's channel and where to answer them, its state and times;
- `handoff_events`: Slack event ids already handled; the primary key makes the second
  delivery of an event (a Slack retry, or the same event at another replica) fail to
  insert, so each consultant message is passed on once;
- `handoff_outbox`: messages for web and REST users, deleted by whoever delivers them
  (a replica holding the user's socket, or the REST response that returns them).

Plain SQLAlchemy Core, synchronous: callers run it in a thread (asyncio.to_thread).
No Rasa imports.
"""

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
)


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

    def queue(self, conversation_id: str, sender: str, text: str, now: float) -> None:
        with self._transaction() as db:
            db.execute(
                handoff_outbox.insert().values(
                    conversation_id=conversation_id, sender=sender, text=text, created_at=now
                )
            )

    def waiting(self, prefix: str = "", conversation_id: str | None = None) -> list[Queued]:
        """Messages not yet delivered, oldest first: of one conversation, or of every
        conversation whose id starts with `prefix`."""
        query = handoff_outbox.select().order_by(handoff_outbox.c.id)
        if conversation_id is not None:
            query = query.where(handoff_outbox.c.conversation_id == conversation_id)
        elif prefix:
            query = query.where(handoff_outbox.c.conversation_id.startswith(prefix))
        with self._transaction() as db:
            rows = db.execute(query).all()
        return [Queued(row.id, row.conversation_id, row.sender, row.text) for row in rows]

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
