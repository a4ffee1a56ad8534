"""Conversation analytics for the operators' page, in SQL over the tracker store.

Every figure is one or a few SQL queries over Rasa's `events` table (the SQL
tracker store, SQLite or PostgreSQL): no tracker is loaded, so a page costs the
same whatever the number of conversations. Python only finishes small results
(the latest `assessments` slot of each conversation, the texts of the messages
not understood). The tables are plain data (`Table`), shown as HTML or CSV by
channels/admin_page.py.

What counts (everything in UTC, within the chosen days and channel):

* a conversation is a sender id with at least one user message in the range; its
  channel is that message's `input_channel` (rest, socketio, slack);
* the funnel counts conversations reaching each step in order: the assessment form
  started, each of the six questions answered (a non-empty answer), the final
  recommendation (`action_recommend`), the report page opened (`report_opens`);
* the mix counts the assessments finished in the range (the conversation's latest
  `assessments` slot), scored again by advisor/scoring.py as the report page does;
* understanding counts user messages: fell back (`nlu_fallback`), declined
  (out of scope, or on topic but not in the source), an assessment answer not
  understood, a confirmation or choice asked for, "not sure" (a default assumed).

The report page records each opening in `report_opens` (the only table this module
adds); stores/retention.py deletes those rows with their conversation.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Engine

from advisor.answers import SLOT_ORDER, Answers
from advisor.report import ASSESSMENTS_SLOT, FinishedAssessment, assessments_in
from advisor.scoring import Recommendation, score

EVENTS: sa.Table = SQLTrackerStore.SQLEvent.__table__
CHANNELS = ("socketio", "slack", "rest")  # input_channel of our channels
CHANNEL_NAMES = {"socketio": "web", "slack": "Slack", "rest": "REST"}
QUESTION_SLOTS = tuple(slot.value for slot in SLOT_ORDER)
FORM = "assessment_form"
RECOMMEND = "action_recommend"
FALLBACK_INTENT = "nlu_fallback"
DECLINED_INTENTS = ("out_of_scope", "out_of_source")
PENDING_SLOT = "pending_answer"
UNCLEAR_SLOT = "unclear_answers"
ASSUMED_SLOT = "assumed_answers"
PAGE_SIZE = 50
TOP = 20  # rows of the "top" lists
MAX_SEARCH = 200  # characters of a conversation search

_metadata = sa.MetaData()
REPORT_OPENS = sa.Table(
    "report_opens",
    _metadata,
    sa.Column("id", sa.Integer, sa.Sequence("report_opens_seq"), primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("report_id", sa.String(64), nullable=False),
    sa.Column("timestamp", sa.Float, nullable=False),
)


@dataclass(frozen=True)
class Filters:
    """The days (inclusive, UTC) and channel (None: all) a page shows."""

    first_day: date
    last_day: date
    channel: str | None = None

    @property
    def start(self) -> float:
        return _epoch(self.first_day)

    @property
    def end(self) -> float:  # exclusive
        return _epoch(self.last_day + timedelta(days=1))


@dataclass(frozen=True)
class Table:
    """One table of the page, also its CSV export (`name`.csv)."""

    name: str
    title: str
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]] = field(default_factory=list)


@dataclass(frozen=True)
class Turn:
    """One event of a transcript worth showing."""

    timestamp: float
    speaker: str  # "user", "bot" or "note"
    text: str
    detail: str = ""  # the intent of a user message; buttons of a bot message


@dataclass(frozen=True)
class Transcript:
    sender_id: str
    channel: str
    turns: list[Turn]
    assessments: list[tuple[FinishedAssessment, Recommendation]]


def _epoch(day: date) -> float:
    return datetime(day.year, day.month, day.day, tzinfo=timezone.utc).timestamp()


def channel_name(channel: str | None) -> str:
    return CHANNEL_NAMES.get(channel or "", channel or "unknown")


# --- recording report openings ----------------------------------------------------------


def store_engine(tracker_store: Any) -> Engine | None:
    """The SQL engine of a Rasa server's tracker store (None for other stores)."""
    store = getattr(tracker_store, "tracker_store", tracker_store)  # in FailSafeTrackerStore
    engine = getattr(store, "engine", None)
    return engine if isinstance(engine, Engine) else None


def record_report_opened(engine: Engine, sender_id: str, report_id: str) -> None:
    """Note that a report page was opened (the funnel's last step)."""
    REPORT_OPENS.create(engine, checkfirst=True)
    with engine.begin() as connection:
        connection.execute(
            REPORT_OPENS.insert().values(
                sender_id=sender_id, report_id=report_id, timestamp=time.time()
            )
        )


def delete_orphan_report_opens(connection: sa.engine.Connection) -> None:
    """Delete the openings of conversations no longer stored (retention)."""
    if sa.inspect(connection).has_table(REPORT_OPENS.name):
        stored = sa.select(EVENTS.c.sender_id).where(EVENTS.c.sender_id == REPORT_OPENS.c.sender_id)
        connection.execute(REPORT_OPENS.delete().where(~stored.exists()))


# --- the queries ------------------------------------------------------------------------


class Analytics:
    """The page's figures, read from the tracker store's database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name

    # SQL expressions that differ between SQLite and PostgreSQL
    def _json_text(self, column: Any, key: str) -> Any:
        if self.dialect == "postgresql":
            return sa.cast(column, postgresql.JSON)[key].astext
        return sa.func.json_extract(column, f"$.{key}")

    def _day(self, column: Any) -> Any:
        if self.dialect == "postgresql":
            return sa.func.to_char(
                sa.func.timezone("UTC", sa.func.to_timestamp(column)), "YYYY-MM-DD"
            )
        return sa.func.date(column, "unixepoch")

    def _channel(self) -> Any:
        return self._json_text(EVENTS.c.data, "input_channel")

    def _in_range(self, filters: Filters) -> Any:
        return sa.and_(EVENTS.c.timestamp >= filters.start, EVENTS.c.timestamp < filters.end)

    def _user_messages(self, filters: Filters) -> Any:
        """The WHERE clause of the user messages in the range and channel."""
        clause = sa.and_(EVENTS.c.type_name == "user", self._in_range(filters))
        if filters.channel:
            clause = sa.and_(clause, self._channel() == filters.channel)
        return clause

    def _conversations(self, filters: Filters) -> Any:
        """The sender ids of the conversations in the range and channel."""
        return sa.select(EVENTS.c.sender_id).where(self._user_messages(filters)).distinct()

    def _scoped(self, filters: Filters) -> Any:
        """Events in the range of the conversations in the range and channel."""
        clause = self._in_range(filters)
        if filters.channel:
            clause = sa.and_(clause, EVENTS.c.sender_id.in_(self._conversations(filters)))
        return clause

    def _rows(self, statement: Any) -> list[Any]:
        with self.engine.connect() as connection:
            return list(connection.execute(statement).all())

    def _has_report_opens(self) -> bool:
        with self.engine.connect() as connection:
            return bool(sa.inspect(connection).has_table(REPORT_OPENS.name))

    # --- conversations per day --------------------------------------------------------
    def activity(self, filters: Filters) -> Table:
        """Conversations and user messages per day and channel."""
        day, channel = self._day(EVENTS.c.timestamp), self._channel()
        rows = self._rows(
            sa.select(
                day.label("day"),
                channel.label("channel"),
                sa.func.count(sa.distinct(EVENTS.c.sender_id)),
                sa.func.count(),
            )
            .where(self._user_messages(filters))
            .group_by(day, channel)
            .order_by(day, channel)
        )
        return Table(
            "conversations_per_day",
            "Conversations and messages per day",
            ("day", "channel", "conversations", "messages"),
            [(d, channel_name(c), int(n), int(m)) for d, c, n, m in rows],
        )

    def totals(self, filters: Filters) -> tuple[int, int]:
        """(conversations, user messages) in the range and channel."""
        conversations, messages = self._rows(
            sa.select(sa.func.count(sa.distinct(EVENTS.c.sender_id)), sa.func.count()).where(
                self._user_messages(filters)
            )
        )[0]
        return int(conversations), int(messages)

    # --- the assessment funnel --------------------------------------------------------
    def funnel(self, filters: Filters) -> Table:
        """Conversations reaching each step, in order, and how many stopped there."""
        answered = sa.and_(EVENTS.c.type_name == "slot", ~EVENTS.c.data.like('%"value": null%'))
        flags = [
            (
                "assessment started",
                sa.and_(EVENTS.c.type_name == "active_loop", EVENTS.c.action_name == FORM),
            ),
            *(
                (f"question {n} answered ({slot})", sa.and_(answered, EVENTS.c.action_name == slot))
                for n, slot in enumerate(QUESTION_SLOTS, start=1)
            ),
            (
                "recommendation given",
                sa.and_(EVENTS.c.type_name == "action", EVENTS.c.action_name == RECOMMEND),
            ),
        ]
        columns = [
            sa.func.max(sa.case((condition, 1), else_=0)).label(f"s{i}")
            for i, (_, condition) in enumerate(flags)
        ]
        relevant = sa.or_(*(condition for _, condition in flags))
        per_conversation = (
            sa.select(EVENTS.c.sender_id, *columns)
            .where(self._scoped(filters), relevant)
            .group_by(EVENTS.c.sender_id)
        )
        if self._has_report_opens():
            opened = (
                sa.select(REPORT_OPENS.c.sender_id)
                .where(
                    REPORT_OPENS.c.sender_id == per_conversation.selected_columns.sender_id,
                    REPORT_OPENS.c.timestamp >= filters.start,
                    REPORT_OPENS.c.timestamp < filters.end,
                )
                .exists()
            )
            per_conversation = per_conversation.add_columns(
                sa.case((opened, 1), else_=0).label(f"s{len(flags)}")
            )
        else:
            per_conversation = per_conversation.add_columns(sa.literal(0).label(f"s{len(flags)}"))
        steps = [name for name, _ in flags] + ["report opened"]
        table = per_conversation.subquery()
        reached = []  # conversations with this step and every step before it
        for i in range(len(steps)):
            all_so_far = sa.and_(*(table.c[f"s{j}"] == 1 for j in range(i + 1)))
            reached.append(sa.func.coalesce(sa.func.sum(sa.case((all_so_far, 1), else_=0)), 0))
        counts = [int(n) for n in self._rows(sa.select(*reached))[0]]
        rows = []
        started = counts[0]
        for i, (step, count) in enumerate(zip(steps, counts, strict=True)):
            next_count = counts[i + 1] if i + 1 < len(counts) else None
            stopped = count - next_count if next_count is not None else None
            share = round(100 * count / started, 1) if started else 0.0
            rows.append((step, count, share, "" if stopped is None else stopped))
        return Table(
            "funnel",
            "The assessment funnel",
            ("step", "conversations", "% of started", "stopped after this step"),
            rows,
        )

    # --- the mix ------------------------------------------------------------------------
    def finished_assessments(self, filters: Filters) -> list[FinishedAssessment]:
        """The assessments finished in the range, from each conversation's latest
        `assessments` slot (it holds every assessment of the conversation)."""
        latest = (
            sa.select(sa.func.max(EVENTS.c.id))
            .where(
                EVENTS.c.type_name == "slot",
                EVENTS.c.action_name == ASSESSMENTS_SLOT,
                EVENTS.c.timestamp < filters.end,
            )
            .group_by(EVENTS.c.sender_id)
        )
        if filters.channel:
            latest = latest.where(EVENTS.c.sender_id.in_(self._conversations(filters)))
        rows = self._rows(sa.select(EVENTS.c.data).where(EVENTS.c.id.in_(latest)))
        first, last = filters.first_day.isoformat(), filters.last_day.isoformat()
        found = []
        for (data,) in rows:
            for assessment in assessments_in(_value(data)):
                if first <= assessment.finished_on <= last:
                    found.append(assessment)
        return found

    def mix(self, filters: Filters) -> list[Table]:
        """Recommendations, certainty levels and the most assessed processes."""
        assessments = self.finished_assessments(filters)
        results = [_scored(a) for a in assessments]
        models = Counter(_model_label(r) for r in results)
        certainty = Counter(r.certainty.value if r.certainty else "none" for r in results)
        processes = Counter(
            " ".join(str(a.answers.get("process") or "(not named)").lower().split())
            for a in assessments
        )
        total = len(assessments)
        return [
            Table(
                "recommendations",
                "Recommendations",
                ("recommendation", "assessments", "%"),
                _shares(models, total),
            ),
            Table(
                "certainty",
                "How clear-cut",
                ("certainty", "assessments", "%"),
                _shares(certainty, total),
            ),
            Table(
                "processes",
                "Most assessed processes",
                ("process", "assessments", "%"),
                _shares(processes, total)[:TOP],
            ),
        ]

    # --- understanding ----------------------------------------------------------------
    def understanding(self, filters: Filters) -> Table:
        """The share of user messages in each case of not being understood at once."""
        _, messages = self.totals(filters)
        intent = EVENTS.c.intent_name
        user = self._user_messages(filters)
        fell_back, declined = self._rows(
            sa.select(
                sa.func.coalesce(sa.func.sum(sa.case((intent == FALLBACK_INTENT, 1), else_=0)), 0),
                sa.func.coalesce(
                    sa.func.sum(sa.case((intent.in_(DECLINED_INTENTS), 1), else_=0)), 0
                ),
            ).where(user, sa.or_(intent == FALLBACK_INTENT, intent.in_(DECLINED_INTENTS)))
        )[0]
        slot_rows = self._rows(
            sa.select(EVENTS.c.action_name, EVENTS.c.data).where(
                self._scoped(filters),
                EVENTS.c.type_name == "slot",
                EVENTS.c.action_name.in_((PENDING_SLOT, UNCLEAR_SLOT)),
                ~EVENTS.c.data.like('%"value": null%'),
            )
        )
        unclear = sum(1 for name, data in slot_rows if name == UNCLEAR_SLOT and _number(data) > 0)
        asked = sum(1 for name, _ in slot_rows if name == PENDING_SLOT)
        not_sure = self._assumptions(filters)
        cases = [
            ("fell back (no intent)", int(fell_back)),
            ("declined (out of scope or not in the source)", int(declined)),
            ("assessment answer not understood", unclear),
            ("needed a confirmation or a choice", asked),
            ('"not sure" (a default assumed)', not_sure),
        ]
        rows = [(case, n, round(100 * n / messages, 1) if messages else 0.0) for case, n in cases]
        return Table(
            "understanding",
            f"Understanding ({messages} user messages)",
            ("case", "messages", "% of messages"),
            rows,
        )

    def _assumptions(self, filters: Filters) -> int:
        """How many times a "not sure" added an answer to `assumed_answers`."""
        rows = self._rows(
            sa.select(EVENTS.c.sender_id, EVENTS.c.timestamp, EVENTS.c.data)
            .where(
                EVENTS.c.type_name == "slot",
                EVENTS.c.action_name == ASSUMED_SLOT,
                EVENTS.c.timestamp < filters.end,
                EVENTS.c.sender_id.in_(self._conversations(filters)),
            )
            .order_by(EVENTS.c.sender_id, EVENTS.c.id)
        )
        count, sender = 0, None
        previous: set[str] = set()
        for sender_id, timestamp, data in rows:
            if sender_id != sender:
                sender, previous = sender_id, set()
            value = _value(data)
            now = set(value) if isinstance(value, list) else set()
            if now - previous and timestamp >= filters.start:
                count += 1
            previous = now
        return count

    def not_understood(self, filters: Filters) -> Table:
        """The messages most often not understood, with their latest conversation:
        the list to grow the training data from."""
        previous_user = (
            sa.select(sa.func.max(EVENTS.c.id))
            .where(
                EVENTS.c.sender_id == _UNCLEAR.c.sender_id,
                EVENTS.c.type_name == "user",
                EVENTS.c.id < _UNCLEAR.c.id,
            )
            .scalar_subquery()
        )
        unclear_ids = sa.select(previous_user).where(
            _UNCLEAR.c.type_name == "slot",
            _UNCLEAR.c.action_name == UNCLEAR_SLOT,
            ~_UNCLEAR.c.data.like('%"value": 0%'),
            ~_UNCLEAR.c.data.like('%"value": null%'),
            _UNCLEAR.c.timestamp >= filters.start,
            _UNCLEAR.c.timestamp < filters.end,
        )
        rows = self._rows(
            sa.select(EVENTS.c.sender_id, EVENTS.c.timestamp, EVENTS.c.data).where(
                self._user_messages(filters),
                sa.or_(EVENTS.c.intent_name == FALLBACK_INTENT, EVENTS.c.id.in_(unclear_ids)),
            )
        )
        counts: Counter[str] = Counter()
        latest: dict[str, tuple[float, str, str]] = {}
        for sender_id, timestamp, data in rows:
            text = str(_event(data).get("text") or "")
            key = " ".join(text.lower().split())
            if not key:
                continue
            counts[key] += 1
            if key not in latest or timestamp > latest[key][0]:
                latest[key] = (timestamp, sender_id, text)
        top = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:TOP]
        return Table(
            "not_understood",
            "Messages not understood",
            ("message", "times", "latest conversation"),
            [(latest[key][2], n, latest[key][1]) for key, n in top],
        )

    # --- conversations ----------------------------------------------------------------
    def conversation_list(
        self, filters: Filters, search: str = "", page: int = 0, page_size: int = PAGE_SIZE
    ) -> Table:
        """The conversations in the range, latest first; `search` matches a
        conversation id or the text of a user message."""
        user = self._user_messages(filters)
        recommended = sa.func.sum(
            sa.case(
                (sa.and_(EVENTS.c.type_name == "action", EVENTS.c.action_name == RECOMMEND), 1),
                else_=0,
            )
        )
        messages = sa.func.sum(sa.case((EVENTS.c.type_name == "user", 1), else_=0))
        statement = (
            sa.select(
                EVENTS.c.sender_id,
                sa.func.min(EVENTS.c.timestamp),
                sa.func.max(EVENTS.c.timestamp),
                messages,
                recommended,
            )
            .where(self._in_range(filters), EVENTS.c.sender_id.in_(self._conversations(filters)))
            .group_by(EVENTS.c.sender_id)
        )
        needle = " ".join(search.split())[:MAX_SEARCH].lower()
        if needle:
            text = sa.func.lower(self._json_text(EVENTS.c.data, "text"))
            matching = sa.select(EVENTS.c.sender_id).where(
                user, text.contains(needle, autoescape=True)
            )
            statement = statement.where(
                sa.or_(
                    sa.func.lower(EVENTS.c.sender_id).contains(needle, autoescape=True),
                    EVENTS.c.sender_id.in_(matching),
                )
            )
        statement = (
            statement.order_by(sa.func.max(EVENTS.c.timestamp).desc(), EVENTS.c.sender_id)
            .limit(page_size + 1)  # one more than a page: the page says there is a next one
            .offset(max(page, 0) * page_size)
        )
        rows = self._rows(statement)
        channels = self._channels_of([row[0] for row in rows])
        return Table(
            "conversations",
            "Conversations",
            (
                "conversation",
                "channel",
                "first (UTC)",
                "last (UTC)",
                "user messages",
                "recommendations",
            ),
            [
                (sender, channels.get(sender, ""), _utc(first), _utc(last), int(n), int(r))
                for sender, first, last, n, r in rows
            ],
        )

    def _channels_of(self, senders: Sequence[str]) -> dict[str, str]:
        if not senders:
            return {}
        channel = self._channel()
        rows = self._rows(
            sa.select(EVENTS.c.sender_id, sa.func.min(channel))
            .where(EVENTS.c.sender_id.in_(senders), EVENTS.c.type_name == "user")
            .group_by(EVENTS.c.sender_id)
        )
        return {sender: channel_name(name) for sender, name in rows}

    def transcript(self, sender_id: str) -> Transcript | None:
        """One conversation: what was said, and its assessments; None if not stored."""
        rows = self._rows(
            sa.select(EVENTS.c.type_name, EVENTS.c.timestamp, EVENTS.c.data, EVENTS.c.action_name)
            .where(EVENTS.c.sender_id == sender_id)
            .order_by(EVENTS.c.id)
        )
        if not rows:
            return None
        turns, channel, kept = [], "", []
        for kind, timestamp, data, name in rows:
            event = _event(data)
            if kind == "user":
                channel = channel or channel_name(event.get("input_channel"))
                intent = (event.get("parse_data") or {}).get("intent") or {}
                turns.append(
                    Turn(
                        timestamp,
                        "user",
                        str(event.get("text") or ""),
                        str(intent.get("name") or ""),
                    )
                )
            elif kind == "bot":
                buttons = ((event.get("data") or {}).get("buttons")) or []
                titles = " | ".join(str(b.get("title", "")) for b in buttons if isinstance(b, dict))
                turns.append(Turn(timestamp, "bot", str(event.get("text") or ""), titles))
            elif kind == "session_started":
                turns.append(Turn(timestamp, "note", "session started"))
            elif kind == "slot" and name == ASSESSMENTS_SLOT:
                kept = assessments_in(event.get("value"))
        scored = [(a, _scored(a)) for a in kept]
        return Transcript(sender_id, channel, turns, scored)


_UNCLEAR = EVENTS.alias("unclear")


# --- helpers ------------------------------------------------------------------------------


def _event(data: str | None) -> dict[str, Any]:
    try:
        event = json.loads(data or "{}")
    except ValueError:
        return {}
    return event if isinstance(event, dict) else {}


def _value(data: str | None) -> Any:
    return _event(data).get("value")


def _number(data: str | None) -> float:
    value = _value(data)
    return float(value) if isinstance(value, int | float) else 0.0


def _utc(timestamp: float | None) -> str:
    if timestamp is None:
        return ""
    return datetime.fromtimestamp(timestamp, timezone.utc).strftime("%Y-%m-%d %H:%M")


def _shares(counts: Counter[str], total: int) -> list[tuple[Any, ...]]:
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [(name, n, round(100 * n / total, 1) if total else 0.0) for name, n in ranked]


def _model_label(result: Recommendation) -> str:
    if result.recommended is None:
        return "none"
    if result.tied:
        return "tie"
    return result.recommended.short_name


@lru_cache(maxsize=4096)
def _score(answers: tuple[tuple[str, str], ...]) -> Recommendation:
    return score(Answers.from_slots(dict(answers)))


def _scored(assessment: FinishedAssessment) -> Recommendation:
    """The recommendation of an assessment, as its report page shows it."""
    return _score(tuple(sorted(assessment.answers.items())))


def default_filters(today: date | None = None, days: int = 30) -> Filters:
    today = today or datetime.now(timezone.utc).date()
    return Filters(today - timedelta(days=days - 1), today)


def known_channels() -> Iterable[tuple[str, str]]:
    return ((channel, channel_name(channel)) for channel in CHANNELS)
