"""Conversation analytics for the operators' page, in SQL over the tracker store.

The figures are SQL aggregates over the per-conversation summary that
stores/analytics_summary.py keeps of Rasa's `events` table (SQLite or
PostgreSQL), brought up to date before each page: no tracker is loaded, and a
page aggregates one row per conversation and day, not every event. A transcript
is read from the events table itself. The tables are plain data (`Table`), shown
as HTML or CSV by channels/admin_page.py.

What counts (everything in UTC, within the chosen days and channel):

* a conversation counts on a day when it has a user message that day; its channel
  is that message's `input_channel` (rest, socketio, slack);
* the funnel counts conversations reaching each step and every step before it:
  the assessment form started, each of the six questions answered (a non-empty
  answer), the final recommendation (`action_recommend`), its report page opened
  (`report_opens`, noted by channels/report_page.py);
* the mix counts the assessments finished on those days (the conversation's
  latest `assessments` slot), scored again as the report page scores them;
* understanding counts user messages: fell back (`nlu_fallback`), declined (out
  of scope, or on topic but not in the source), an assessment answer not
  understood, a confirmation or a choice asked for, "not sure" (a default assumed).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from advisor.report import ASSESSMENTS_SLOT, FinishedAssessment, assessments_in
from advisor.scoring import Recommendation
from stores.analytics_summary import (
    ASSESSMENTS,
    DAYS,
    EVENTS,
    MESSAGES,
    QUESTION_SLOTS,
    REPORT_OPENS,
    Summariser,
    scored,
)

CHANNELS = ("socketio", "slack", "rest")  # input_channel of our channels
CHANNEL_NAMES = {"socketio": "web", "slack": "Slack", "rest": "REST"}
PAGE_SIZE = 50
TOP = 20  # rows of the "top" lists
MAX_SEARCH = 200  # characters of a conversation search


@dataclass(frozen=True)
class Filters:
    """The days (inclusive, UTC) and channel (None: all) a page shows."""

    first_day: date
    last_day: date
    channel: str | None = None


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


def channel_name(channel: str | None) -> str:
    return CHANNEL_NAMES.get(channel or "", channel or "unknown")


def known_channels() -> Iterable[tuple[str, str]]:
    return ((channel, channel_name(channel)) for channel in CHANNELS)


def default_filters(today: date | None = None, days: int = 30) -> Filters:
    today = today or datetime.now(timezone.utc).date()
    return Filters(today - timedelta(days=days - 1), today)


# --- recording report openings ----------------------------------------------------------


def store_engine(tracker_store: Any) -> Engine | None:
    """The SQL engine of a Rasa server's tracker store (None for other stores)."""
    store = tracker_store
    for _ in range(5):  # inside Rasa's FailSafeTrackerStore and AwaitableTrackerStore
        store = getattr(store, "_tracker_store", store)
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


# --- the queries ------------------------------------------------------------------------


class Analytics:
    """The page's figures, read from the tracker store's database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.summariser = Summariser(engine)

    def refresh(self, seconds: float = 1.0) -> bool:
        """Bring the summary up to date for up to `seconds`; True once it is."""
        return self.summariser.refresh(seconds)

    def _rows(self, statement: Any) -> list[Any]:
        self.summariser.ensure_tables()
        with self.engine.connect() as connection:
            return list(connection.execute(statement).all())

    @staticmethod
    def _days(filters: Filters) -> Any:
        """The WHERE clause of the summary rows of the days and channel."""
        clause = DAYS.c.day.between(filters.first_day.isoformat(), filters.last_day.isoformat())
        if filters.channel:
            clause = sa.and_(clause, DAYS.c.channel == filters.channel)
        return clause

    def _conversations(self, filters: Filters) -> Any:
        """The sender ids of the conversations with a message on the days, in the channel."""
        return sa.select(DAYS.c.sender_id).where(self._days(filters), DAYS.c.messages > 0)

    def _scoped(self, filters: Filters) -> Any:
        """Summary rows of the days, of the conversations in the channel."""
        clause = DAYS.c.day.between(filters.first_day.isoformat(), filters.last_day.isoformat())
        if filters.channel:
            clause = sa.and_(clause, DAYS.c.sender_id.in_(self._conversations(filters)))
        return clause

    # --- conversations per day --------------------------------------------------------
    def activity(self, filters: Filters) -> Table:
        """Conversations and user messages per day and channel."""
        rows = self._rows(
            sa.select(DAYS.c.day, DAYS.c.channel, sa.func.count(), sa.func.sum(DAYS.c.messages))
            .where(self._days(filters), DAYS.c.messages > 0)
            .group_by(DAYS.c.day, DAYS.c.channel)
            .order_by(DAYS.c.day, DAYS.c.channel)
        )
        return Table(
            "conversations_per_day",
            "Conversations and messages per day",
            ("day", "channel", "conversations", "messages"),
            [(d, channel_name(c), int(n), int(m)) for d, c, n, m in rows],
        )

    def totals(self, filters: Filters) -> tuple[int, int]:
        """(conversations, user messages) on the days, in the channel."""
        conversations, messages = self._rows(
            sa.select(
                sa.func.count(sa.distinct(DAYS.c.sender_id)),
                sa.func.coalesce(sa.func.sum(DAYS.c.messages), 0),
            ).where(self._days(filters), DAYS.c.messages > 0)
        )[0]
        return int(conversations), int(messages)

    # --- the assessment funnel --------------------------------------------------------
    def funnel(self, filters: Filters) -> Table:
        """Conversations reaching each step, in order, and how many stopped there."""
        flags = ["started", *(f"q{n}" for n in range(1, len(QUESTION_SLOTS) + 1)), "recommended"]
        per_conversation = (
            sa.select(
                DAYS.c.sender_id,
                *(sa.func.max(sa.case((DAYS.c[f] > 0, 1), else_=0)).label(f) for f in flags),
            )
            .where(self._scoped(filters))
            .group_by(DAYS.c.sender_id)
            .subquery()
        )
        opened = (
            sa.select(REPORT_OPENS.c.sender_id)
            .where(
                REPORT_OPENS.c.sender_id == per_conversation.c.sender_id,
                REPORT_OPENS.c.timestamp >= _epoch(filters.first_day),
                REPORT_OPENS.c.timestamp < _epoch(filters.last_day + timedelta(days=1)),
            )
            .exists()
        )
        steps = [per_conversation.c[f] == 1 for f in flags] + [opened]
        reached = [
            sa.func.coalesce(sa.func.sum(sa.case((sa.and_(*steps[: i + 1]), 1), else_=0)), 0)
            for i in range(len(steps))
        ]
        counts = [int(n) for n in self._rows(sa.select(*reached))[0]]
        names = ["assessment started"]
        names += [f"question {n} answered ({s})" for n, s in enumerate(QUESTION_SLOTS, start=1)]
        names += ["recommendation given", "report opened"]
        started = counts[0]
        rows = []
        for i, (name, count) in enumerate(zip(names, counts, strict=True)):
            stopped = count - counts[i + 1] if i + 1 < len(counts) else ""
            rows.append((name, count, _percent(count, started), stopped))
        return Table(
            "funnel",
            "The assessment funnel",
            ("step", "conversations", "% of started", "stopped after this step"),
            rows,
        )

    # --- the mix ------------------------------------------------------------------------
    def mix(self, filters: Filters) -> list[Table]:
        """Recommendations, certainty levels and the most assessed processes."""
        finished = ASSESSMENTS.c.finished_on.between(
            filters.first_day.isoformat(), filters.last_day.isoformat()
        )
        if filters.channel:
            in_channel = sa.select(DAYS.c.sender_id).where(DAYS.c.channel == filters.channel)
            finished = sa.and_(finished, ASSESSMENTS.c.sender_id.in_(in_channel))
        total = int(self._rows(sa.select(sa.func.count()).where(finished))[0][0])

        def counted(
            column: Any, name: str, title: str, label: str, limit: int | None = None
        ) -> Table:
            count = sa.func.count().label("n")
            statement = (
                sa.select(column, count)
                .where(finished)
                .group_by(column)
                .order_by(count.desc(), column)
                .limit(limit)
            )
            rows = [(value, int(n), _percent(int(n), total)) for value, n in self._rows(statement)]
            return Table(name, title, (label, "assessments", "%"), rows)

        return [
            counted(ASSESSMENTS.c.model, "recommendations", "Recommendations", "recommendation"),
            counted(ASSESSMENTS.c.certainty, "certainty", "How clear-cut", "certainty"),
            counted(ASSESSMENTS.c.process, "processes", "Most assessed processes", "process", TOP),
        ]

    # --- understanding ----------------------------------------------------------------
    def understanding(self, filters: Filters) -> Table:
        """The share of user messages in each case of not being understood at once."""
        names = ("messages", "fallbacks", "declined", "unclear", "confirms", "not_sure")
        sums = self._rows(
            sa.select(*(sa.func.coalesce(sa.func.sum(DAYS.c[n]), 0) for n in names)).where(
                self._scoped(filters)
            )
        )[0]
        messages, *counts = (int(n) for n in sums)
        cases = [
            "fell back (no intent)",
            "declined (out of scope or not in the source)",
            "assessment answer not understood",
            "needed a confirmation or a choice",
            '"not sure" (a default assumed)',
        ]
        return Table(
            "understanding",
            f"Understanding ({messages} user messages)",
            ("case", "messages", "% of messages"),
            [(c, n, _percent(n, messages)) for c, n in zip(cases, counts, strict=True)],
        )

    def not_understood(self, filters: Filters) -> Table:
        """The messages most often not understood, with their latest conversation:
        the list to grow the training data from."""
        where = [
            MESSAGES.c.missed == 1,
            MESSAGES.c.day.between(filters.first_day.isoformat(), filters.last_day.isoformat()),
            MESSAGES.c.normal != "",
        ]
        if filters.channel:
            where.append(MESSAGES.c.channel == filters.channel)
        times = sa.func.count().label("times")
        top = (
            sa.select(MESSAGES.c.normal, times, sa.func.max(MESSAGES.c.timestamp).label("latest"))
            .where(*where)
            .group_by(MESSAGES.c.normal)
            .order_by(times.desc(), MESSAGES.c.normal)
            .limit(TOP)
            .subquery()
        )
        found = self._rows(
            sa.select(top.c.normal, MESSAGES.c.text, top.c.times, MESSAGES.c.sender_id)
            .join(
                top,
                sa.and_(MESSAGES.c.normal == top.c.normal, MESSAGES.c.timestamp == top.c.latest),
            )
            .where(*where)
            .order_by(top.c.times.desc(), top.c.normal, MESSAGES.c.sender_id)
        )
        rows: dict[str, tuple[str, int, str]] = {}
        for normal, text, n, sender in found:  # the latest message, once per text
            rows.setdefault(normal, (text, int(n), sender))
        return Table(
            "not_understood",
            "Messages not understood",
            ("message", "times", "latest conversation"),
            list(rows.values()),
        )

    # --- conversations ----------------------------------------------------------------
    def conversation_list(
        self, filters: Filters, search: str = "", page: int = 0, page_size: int = PAGE_SIZE
    ) -> Table:
        """The conversations of the days, latest first; `search` matches a conversation
        id or the text of one of its user messages. One row more than `page_size` when
        there is a next page."""
        last = sa.func.max(DAYS.c.last_ts)
        statement = (
            sa.select(
                DAYS.c.sender_id,
                sa.func.min(DAYS.c.channel),
                sa.func.min(DAYS.c.first_ts),
                last,
                sa.func.sum(DAYS.c.messages),
                sa.func.sum(DAYS.c.recommended),
            )
            .where(self._scoped(filters), DAYS.c.sender_id.in_(self._conversations(filters)))
            .group_by(DAYS.c.sender_id)
        )
        needle = " ".join(search.split())[:MAX_SEARCH].lower()
        if needle:
            said = sa.select(MESSAGES.c.sender_id).where(
                MESSAGES.c.day.between(filters.first_day.isoformat(), filters.last_day.isoformat()),
                MESSAGES.c.normal.contains(needle, autoescape=True),
            )
            statement = statement.where(
                sa.or_(
                    sa.func.lower(DAYS.c.sender_id).contains(needle, autoescape=True),
                    DAYS.c.sender_id.in_(said),
                )
            )
        statement = (
            statement.order_by(last.desc(), DAYS.c.sender_id)
            .limit(page_size + 1)
            .offset(max(page, 0) * page_size)
        )
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
                (sender, channel_name(channel), _utc(first), _utc(latest), int(n), int(r))
                for sender, channel, first, latest, n, r in self._rows(statement)
            ],
        )

    def transcript(self, sender_id: str) -> Transcript | None:
        """One conversation, from the events table: what was said, and its
        assessments; None if it is not stored."""
        with self.engine.connect() as connection:
            rows = connection.execute(
                sa.select(
                    EVENTS.c.type_name, EVENTS.c.timestamp, EVENTS.c.data, EVENTS.c.action_name
                )
                .where(EVENTS.c.sender_id == sender_id)
                .order_by(EVENTS.c.id)
            ).all()
        if not rows:
            return None
        turns, channel, kept = [], "", []
        for kind, timestamp, data, name in rows:
            event = _event(data)
            if kind == "user":
                channel = channel or channel_name(event.get("input_channel"))
                intent = (event.get("parse_data") or {}).get("intent") or {}
                text, detail = str(event.get("text") or ""), str(intent.get("name") or "")
                turns.append(Turn(timestamp, "user", text, detail))
            elif kind == "bot":
                buttons = (event.get("data") or {}).get("buttons") or []
                titles = " | ".join(str(b.get("title", "")) for b in buttons if isinstance(b, dict))
                turns.append(Turn(timestamp, "bot", str(event.get("text") or ""), titles))
            elif kind == "session_started":
                turns.append(Turn(timestamp, "note", "session started"))
            elif kind == "slot" and name == ASSESSMENTS_SLOT:
                kept = assessments_in(event.get("value"))
        return Transcript(sender_id, channel, turns, [(a, scored(a)) for a in kept])


# --- helpers ------------------------------------------------------------------------------


def _event(data: str | None) -> dict[str, Any]:
    try:
        event = json.loads(data or "{}")
    except ValueError:
        return {}
    return event if isinstance(event, dict) else {}


def _percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def _epoch(day: date) -> float:
    return datetime(day.year, day.month, day.day, tzinfo=timezone.utc).timestamp()


def _utc(timestamp: float | None) -> str:
    if timestamp is None:
        return ""
    return datetime.fromtimestamp(timestamp, timezone.utc).strftime("%Y-%m-%d %H:%M")
