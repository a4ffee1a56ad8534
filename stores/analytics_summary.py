"""A per-conversation summary of the events table, kept up to date in the same database.

Counting a million events for every page would scan the whole events table (with
the JSON of each event) several times per page: many seconds. Instead, each
conversation is summarised once into small tables (`analytics_*`), and again
whenever it gets new events; the pages then aggregate those few rows.

* `analytics_days`: one row per conversation and UTC day: its channel, user
  messages, the assessment steps reached and the understanding counts;
* `analytics_messages`: each user message's text (search, and the messages not
  understood);
* `analytics_assessments`: each finished assessment, scored as its report page
  scores it (advisor/scoring.py);
* `analytics_conversations`: what was summarised of each conversation (its number
  of events and highest id: its version);
* `analytics_progress`: the highest event id read so far.

`refresh()` reads the events added since the last refresh (by id, through the
primary key, plus an overlap of OVERLAP ids: a turn written by another replica
may commit after rows with higher ids), and summarises again every conversation
among them whose version changed, from all its events (through the sender_id
index). A conversation's summary is a function of its events only, so this is
exact and needs no state beyond the tables. Several replicas may refresh at once:
the first to update `analytics_progress` does the work, the others leave it.
Retention deletes a conversation's summary with the conversation
(`delete_orphans`, called by stores/retention.py).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from sqlalchemy.engine import Connection, Engine

from advisor.answers import SLOT_ORDER, Answers
from advisor.report import ASSESSMENTS_SLOT, FinishedAssessment, assessments_in
from advisor.scoring import Recommendation, score

EVENTS: sa.Table = SQLTrackerStore.SQLEvent.__table__
QUESTION_SLOTS = tuple(slot.value for slot in SLOT_ORDER)
FORM = "assessment_form"
RECOMMEND = "action_recommend"
FALLBACK_INTENT = "nlu_fallback"
DECLINED_INTENTS = ("out_of_scope", "out_of_source")
PENDING_SLOT = "pending_answer"
UNCLEAR_SLOT = "unclear_answers"
ASSUMED_SLOT = "assumed_answers"
OVERLAP = 2000  # ids read again: rows committed late by another replica are not missed
BATCH = 5000  # events read per refresh step
BUSY_WAIT = 0.1  # seconds between two looks while another process summarises
MAX_TEXT = 500  # characters of a message kept for the page

metadata = sa.MetaData()
DAY_COUNTS = (
    "messages",
    "started",
    *(f"q{n}" for n in range(1, 7)),
    "recommended",
    "fallbacks",
    "declined",
    "unclear",
    "confirms",
    "not_sure",
)
DAYS = sa.Table(
    "analytics_days",
    metadata,
    sa.Column("sender_id", sa.String(255), primary_key=True),
    sa.Column("day", sa.String(10), primary_key=True, index=True),
    sa.Column("channel", sa.String(32)),
    sa.Column("first_ts", sa.Float),
    sa.Column("last_ts", sa.Float),
    *(sa.Column(name, sa.Integer, nullable=False, default=0) for name in DAY_COUNTS),
)
MESSAGES = sa.Table(
    "analytics_messages",
    metadata,
    sa.Column("event_id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("timestamp", sa.Float),
    sa.Column("day", sa.String(10), index=True),
    sa.Column("channel", sa.String(32)),
    sa.Column("text", sa.Text),
    sa.Column("normal", sa.Text),  # lower case, spaces collapsed: for search and grouping
    sa.Column("missed", sa.Integer, nullable=False, default=0),
    sa.Index("ix_analytics_messages_missed_day", "missed", "day"),
)
ASSESSMENTS = sa.Table(
    "analytics_assessments",
    metadata,
    sa.Column("sender_id", sa.String(255), primary_key=True),
    sa.Column("report_id", sa.String(64), primary_key=True),
    sa.Column("finished_on", sa.String(10), index=True),
    sa.Column("model", sa.String(32)),
    sa.Column("certainty", sa.String(32)),
    sa.Column("process", sa.Text),
)
CONVERSATIONS = sa.Table(
    "analytics_conversations",
    metadata,
    sa.Column("sender_id", sa.String(255), primary_key=True),
    sa.Column("events", sa.Integer, nullable=False),
    sa.Column("max_id", sa.Integer, nullable=False),
)
PROGRESS = sa.Table(
    "analytics_progress",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("last_event_id", sa.Integer, nullable=False),
)
REPORT_OPENS = sa.Table(
    "report_opens",
    metadata,
    sa.Column("id", sa.Integer, sa.Sequence("report_opens_seq"), primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("report_id", sa.String(64), nullable=False),
    sa.Column("timestamp", sa.Float, nullable=False),
)
PER_CONVERSATION = (DAYS, MESSAGES, ASSESSMENTS, CONVERSATIONS)


def create_tables(engine: Engine) -> None:
    try:
        metadata.create_all(engine, checkfirst=True)
    except sa.exc.SQLAlchemyError:  # another replica created one at the same moment
        metadata.create_all(engine, checkfirst=True)


def delete_orphans(connection: Connection) -> None:
    """Delete the summaries (and report openings) of conversations no longer stored."""
    inspector = sa.inspect(connection)
    for table in (*PER_CONVERSATION, REPORT_OPENS):
        if inspector.has_table(table.name):
            stored = sa.select(EVENTS.c.sender_id).where(EVENTS.c.sender_id == table.c.sender_id)
            connection.execute(table.delete().where(~stored.exists()))


# --- summarising one conversation ---------------------------------------------------------


@dataclass
class Summary:
    """What the tables hold for one conversation."""

    days: dict[str, dict[str, Any]] = field(default_factory=dict)
    messages: list[dict[str, Any]] = field(default_factory=list)
    assessments: list[FinishedAssessment] = field(default_factory=list)


def summarise(sender_id: str, rows: Iterable[Any]) -> Summary:
    """The summary of a conversation from all its events (rows of the events
    table in id order: id, type_name, timestamp, intent_name, action_name, data)."""
    summary = Summary()
    channel: str | None = None
    assumed: set[str] = set()

    def day_of(timestamp: float | None) -> dict[str, Any]:
        day = _day(timestamp)
        if day not in summary.days:
            summary.days[day] = {
                "sender_id": sender_id,
                "day": day,
                "channel": None,
                "first_ts": None,
                "last_ts": None,
                **dict.fromkeys(DAY_COUNTS, 0),
            }
        return summary.days[day]

    for event_id, kind, timestamp, intent, name, data in rows:
        if kind == "user":
            event = _json(data)
            channel = str(event.get("input_channel") or channel or "") or None
            row = day_of(timestamp)
            row["messages"] += 1
            row["channel"] = row["channel"] or channel
            row["first_ts"] = row["first_ts"] if row["first_ts"] is not None else timestamp
            row["last_ts"] = timestamp
            text = str(event.get("text") or "")[:MAX_TEXT]
            missed = intent == FALLBACK_INTENT
            row["fallbacks"] += missed
            row["declined"] += intent in DECLINED_INTENTS
            summary.messages.append(
                {
                    "event_id": event_id,
                    "sender_id": sender_id,
                    "timestamp": timestamp,
                    "day": row["day"],
                    "channel": channel,
                    "text": text,
                    "normal": " ".join(text.lower().split()),
                    "missed": int(missed),
                }
            )
        elif kind == "active_loop" and name == FORM:
            day_of(timestamp)["started"] = 1
        elif kind == "action" and name == RECOMMEND:
            day_of(timestamp)["recommended"] += 1
        elif kind == "slot":
            _slot(summary, day_of(timestamp), name, _json(data).get("value"), assumed)
    return summary


def _slot(summary: Summary, row: dict[str, Any], name: str, value: Any, assumed: set[str]) -> None:
    if name in QUESTION_SLOTS and value is not None:
        row[f"q{QUESTION_SLOTS.index(name) + 1}"] = 1
    elif name == PENDING_SLOT and value is not None:
        row["confirms"] += 1
    elif name == UNCLEAR_SLOT and isinstance(value, int | float) and value > 0:
        row["unclear"] += 1
        if summary.messages:  # the answer not understood: the user message before it
            summary.messages[-1]["missed"] = 1
    elif name == ASSUMED_SLOT:
        now = {str(slot) for slot in value} if isinstance(value, list) else set()
        row["not_sure"] += bool(now - assumed)  # a "not sure" adds a default
        assumed.clear()
        assumed.update(now)
    elif name == ASSESSMENTS_SLOT:
        summary.assessments = assessments_in(value)  # each slot holds them all


def assessment_row(sender_id: str, assessment: FinishedAssessment) -> dict[str, Any]:
    result = scored(assessment)
    return {
        "sender_id": sender_id,
        "report_id": assessment.report_id,
        "finished_on": assessment.finished_on,
        "model": model_label(result),
        "certainty": result.certainty.value if result.certainty else "none",
        "process": " ".join(
            str(assessment.answers.get("process") or "(not named)").lower().split()
        ),
    }


def model_label(result: Recommendation) -> str:
    if result.hybrid is not None:
        return "hybrid"
    if result.recommended is None:
        return "none"
    if result.tied:
        return "tie"
    return result.recommended.short_name


@lru_cache(maxsize=4096)
def _score(answers: tuple[tuple[str, str], ...]) -> Recommendation:
    return score(Answers.from_slots(dict(answers)))


def scored(assessment: FinishedAssessment) -> Recommendation:
    """The recommendation of an assessment, as its report page shows it."""
    return _score(tuple(sorted(assessment.answers.items())))


# --- keeping the tables up to date --------------------------------------------------------


class Summariser:
    """Brings the summary tables up to date with the events table."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.batch = BATCH
        self._created = False

    def behind(self) -> int:
        """Events not summarised yet (0: up to date)."""
        self.ensure_tables()
        with self.engine.connect() as connection:
            last = self._last(connection)
            count = connection.execute(
                sa.select(sa.func.count()).select_from(EVENTS).where(EVENTS.c.id > last)
            ).scalar_one()
        return int(count)

    def refresh(self, seconds: float = 1.0) -> bool:
        """Summarise new events for up to about `seconds`; True once up to date."""
        deadline = time.monotonic() + seconds
        while True:
            done = self.step()
            if done or time.monotonic() >= deadline:
                return bool(done)
            if done is None:
                time.sleep(BUSY_WAIT)  # another process is summarising: wait for it

    def step(self) -> bool | None:
        """Summarise the conversations of the next BATCH events; True if none were left,
        None if another process is summarising them."""
        self.ensure_tables()
        with self.engine.begin() as connection:
            last = self._last(connection)
            ids = connection.execute(
                sa.select(EVENTS.c.id, EVENTS.c.sender_id)
                .where(EVENTS.c.id > max(last - OVERLAP, 0))
                .order_by(EVENTS.c.id)
                .limit(self.batch + OVERLAP)
            ).all()
            newest = max((row.id for row in ids), default=last)
            if newest <= last:
                return True
            # Claim the range: a concurrent refresh waits here, then finds it moved.
            claimed = connection.execute(
                PROGRESS.update()
                .where(PROGRESS.c.id == 1, PROGRESS.c.last_event_id == last)
                .values(last_event_id=newest)
            ).rowcount
            if claimed != 1:
                return None
            self._summarise(connection, sorted({row.sender_id for row in ids}))
        return len(ids) < self.batch + OVERLAP  # the end of the table was reached

    def _summarise(self, connection: Connection, senders: Sequence[str]) -> None:
        """Summarise again each of `senders` whose events changed since last time."""
        for chunk in _chunks(senders, 500):
            versions = {
                sender: (int(count), int(highest))
                for sender, count, highest in connection.execute(
                    sa.select(EVENTS.c.sender_id, sa.func.count(), sa.func.max(EVENTS.c.id))
                    .where(EVENTS.c.sender_id.in_(chunk))
                    .group_by(EVENTS.c.sender_id)
                )
            }
            known = {
                row.sender_id: (row.events, row.max_id)
                for row in connection.execute(
                    sa.select(CONVERSATIONS).where(CONVERSATIONS.c.sender_id.in_(chunk))
                )
            }
            changed = [s for s in chunk if versions.get(s) != known.get(s)]
            if not changed:
                continue
            for table in PER_CONVERSATION:
                connection.execute(table.delete().where(table.c.sender_id.in_(changed)))
            rows = connection.execute(
                sa.select(
                    EVENTS.c.sender_id,
                    EVENTS.c.id,
                    EVENTS.c.type_name,
                    EVENTS.c.timestamp,
                    EVENTS.c.intent_name,
                    EVENTS.c.action_name,
                    EVENTS.c.data,
                )
                .where(EVENTS.c.sender_id.in_(changed))
                .order_by(EVENTS.c.sender_id, EVENTS.c.id)
            ).all()
            days: list[dict[str, Any]] = []
            messages: list[dict[str, Any]] = []
            assessments: list[dict[str, Any]] = []
            conversations: list[dict[str, Any]] = []
            for sender in changed:
                if sender not in versions:
                    continue  # deleted meanwhile
                own = [tuple(row[1:]) for row in rows if row[0] == sender]
                summary = summarise(sender, own)
                days += summary.days.values()
                messages += summary.messages
                assessments += [assessment_row(sender, a) for a in summary.assessments]
                count, highest = versions[sender]
                conversations.append({"sender_id": sender, "events": count, "max_id": highest})
            for table, values in (
                (DAYS, days),
                (MESSAGES, messages),
                (ASSESSMENTS, assessments),
                (CONVERSATIONS, conversations),
            ):
                if values:
                    connection.execute(table.insert(), values)

    def _last(self, connection: Connection) -> int:
        last = connection.execute(
            sa.select(PROGRESS.c.last_event_id).where(PROGRESS.c.id == 1)
        ).scalar_one_or_none()
        return int(last or 0)

    def ensure_tables(self) -> None:
        if self._created:
            return
        create_tables(self.engine)
        try:
            with self.engine.begin() as connection:
                found = connection.execute(sa.select(PROGRESS.c.id).where(PROGRESS.c.id == 1))
                if found.first() is None:
                    connection.execute(PROGRESS.insert().values(id=1, last_event_id=0))
        except sa.exc.IntegrityError:
            pass  # another process created it first
        self._created = True


def _chunks(items: Sequence[str], size: int) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _json(data: str | None) -> dict[str, Any]:
    try:
        event = json.loads(data or "{}")
    except ValueError:
        return {}
    return event if isinstance(event, dict) else {}


def _day(timestamp: float | None) -> str:
    return datetime.fromtimestamp(timestamp or 0, timezone.utc).date().isoformat()
