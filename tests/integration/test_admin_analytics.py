"""The analytics' figures (stores/analytics.py) on SQLite and PostgreSQL, each checked
against a count by hand from the plans of a generated set of conversations
(bench/admin_data.py), written through Rasa's own SQL tracker store.

The set spans five days and three channels; the page is asked for the middle three
days, for all channels and for one channel, so a figure that ignored a filter
would differ. PostgreSQL is a throwaway cluster, as in test_retention_postgres.py.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from advisor.answers import Answers
from advisor.scoring import score
from bench.admin_data import (
    QUESTIONS,
    ConversationPlan,
    events_of,
    make_plans,
    report_opened_at,
)
from harness.postgres import Postgres, postgres_bin
from stores.analytics import (
    CHANNEL_NAMES,
    PAGE_SIZE,
    Analytics,
    Filters,
    record_report_opened,
)
from stores.analytics_summary import DAYS as SUMMARY
from stores.analytics_summary import REPORT_OPENS, delete_orphans
from stores.retention import delete_idle_conversations

PROJECT_DIR = Path(__file__).resolve().parents[2]
DAYS = [date(2026, 11, 2) + timedelta(days=n) for n in range(5)]
PLANS = make_plans(90, seed=26, days=DAYS, prefix="hand")
ALL_CHANNELS = Filters(DAYS[1], DAYS[3])
WEB_ONLY = Filters(DAYS[1], DAYS[3], "socketio")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def analytics(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Analytics]:
    domain = Domain.load(str(PROJECT_DIR / "domain.yml"))
    postgres = None
    if request.param == "sqlite":
        store = SQLTrackerStore(
            domain, dialect="sqlite", db=str(tmp_path_factory.mktemp("a") / "t.db")
        )
    else:
        if postgres_bin() is None:
            if os.environ.get("CI"):
                pytest.fail(
                    "PostgreSQL is not installed: run `sudo bash scripts/install_services.sh`"
                )
            pytest.skip("PostgreSQL is not installed (scripts/install_services.sh)")
        postgres = Postgres().init().start()
        store = SQLTrackerStore(
            domain,
            dialect="postgresql",
            host="127.0.0.1",
            port=postgres.port,
            db="postgres",
            username="postgres",
        )
    try:
        for plan in PLANS:
            tracker = DialogueStateTracker.from_events(
                plan.sender_id, events_of(plan), domain.slots
            )
            asyncio.run(store.save(tracker))
        REPORT_OPENS.create(store.engine, checkfirst=True)
        with store.engine.begin() as connection:
            for plan in PLANS:
                opened = report_opened_at(plan)
                if opened is not None:
                    connection.execute(
                        REPORT_OPENS.insert().values(
                            sender_id=plan.sender_id, report_id="x" * 8, timestamp=opened
                        )
                    )
        analytics = Analytics(store.engine)
        while not analytics.refresh(seconds=5):
            pass
        yield analytics
    finally:
        store.engine.dispose()
        if postgres is not None:
            postgres.remove()


def chosen(filters: Filters) -> list[ConversationPlan]:
    """The plans the page must count: on the days, in the channel, with a message."""
    return [
        plan
        for plan in PLANS
        if filters.first_day <= plan.day <= filters.last_day
        and (filters.channel is None or plan.channel == filters.channel)
        and plan.user_messages > 0
    ]


@pytest.mark.parametrize("filters", [ALL_CHANNELS, WEB_ONLY], ids=["all", "web"])
def test_conversations_and_messages_per_day_and_channel(
    analytics: Analytics, filters: Filters
) -> None:
    expected: Counter[tuple[str, str]] = Counter()
    messages: Counter[tuple[str, str]] = Counter()
    for plan in chosen(filters):
        key = (plan.day.isoformat(), CHANNEL_NAMES[plan.channel])
        expected[key] += 1
        messages[key] += plan.user_messages
    table = analytics.activity(filters)
    got = {(day, channel): (n, m) for day, channel, n, m in table.rows}
    assert got == {key: (expected[key], messages[key]) for key in expected}
    assert analytics.totals(filters) == (sum(expected.values()), sum(messages.values()))


@pytest.mark.parametrize("filters", [ALL_CHANNELS, WEB_ONLY], ids=["all", "web"])
def test_the_funnel_counts_each_step_and_the_drop_off(
    analytics: Analytics, filters: Filters
) -> None:
    plans = chosen(filters)
    started = [p for p in plans if p.started]
    steps = [len(started)]
    steps += [sum(1 for p in started if p.answered >= n) for n in range(1, len(QUESTIONS) + 1)]
    steps += [sum(1 for p in plans if p.recommended), sum(1 for p in plans if p.report_opened)]
    table = analytics.funnel(filters)
    assert [row[1] for row in table.rows] == steps
    assert [row[3] for row in table.rows] == [
        a - b for a, b in zip(steps, steps[1:], strict=False)
    ] + [""]
    assert table.rows[0][2] == 100.0 and steps[0] > steps[-1] > 0
    assert table.rows[-2][2] == round(100 * steps[-2] / steps[0], 1)


@pytest.mark.parametrize("filters", [ALL_CHANNELS, WEB_ONLY], ids=["all", "web"])
def test_the_mix_of_recommendations_certainty_and_processes(
    analytics: Analytics, filters: Filters
) -> None:
    finished = [p for p in chosen(filters) if p.recommended]
    results = [score(Answers.from_slots(p.answers)) for p in finished]
    models = Counter(
        "hybrid" if r.hybrid else "tie" if r.tied else r.recommended.short_name
        for r in results
        if r.hybrid or r.recommended
    )
    certainty = Counter(r.certainty.value for r in results if r.certainty)
    processes = Counter(p.answers["process"] for p in finished)
    recommendations, clear_cut, most_assessed = analytics.mix(filters)
    assert {row[0]: row[1] for row in recommendations.rows} == dict(models)
    assert {row[0]: row[1] for row in clear_cut.rows} == dict(certainty)
    assert {row[0]: row[1] for row in most_assessed.rows} == dict(processes)
    assert [row[1] for row in most_assessed.rows] == sorted(processes.values(), reverse=True)
    assert sum(row[2] for row in recommendations.rows) == pytest.approx(100, abs=0.5)
    assert len(models) >= 2  # the set is varied enough to tell a filter apart


@pytest.mark.parametrize("filters", [ALL_CHANNELS, WEB_ONLY], ids=["all", "web"])
def test_understanding_shares(analytics: Analytics, filters: Filters) -> None:
    plans = chosen(filters)
    messages = sum(p.user_messages for p in plans)
    expected = [
        sum(len(p.fallbacks) for p in plans),
        sum(len(p.declined) for p in plans),
        sum(len(p.unclear) for p in plans),
        sum(p.confirms for p in plans),
        sum(p.not_sure for p in plans),
    ]
    table = analytics.understanding(filters)
    assert [row[1] for row in table.rows] == expected
    assert [row[2] for row in table.rows] == [round(100 * n / messages, 1) for n in expected]
    assert all(expected), "every case occurs in the generated set"


@pytest.mark.parametrize("filters", [ALL_CHANNELS, WEB_ONLY], ids=["all", "web"])
def test_top_messages_not_understood_link_to_a_conversation_that_said_them(
    analytics: Analytics, filters: Filters
) -> None:
    plans = chosen(filters)
    expected = Counter(text for p in plans for text in (*p.fallbacks, *p.unclear))
    table = analytics.not_understood(filters)
    assert {row[0]: row[1] for row in table.rows} == dict(expected)
    assert [row[1] for row in table.rows] == sorted(expected.values(), reverse=True)
    said = {p.sender_id: (*p.fallbacks, *p.unclear) for p in plans}
    for text, _, sender in table.rows:
        assert text in said[sender]
        # the latest conversation that said it (each conversation lives on one day)
        assert plans_by_id()[sender].day == max(p.day for p in plans if text in said[p.sender_id])


def plans_by_id() -> dict[str, ConversationPlan]:
    return {plan.sender_id: plan for plan in PLANS}


def test_the_conversation_list_is_searchable_and_paged(analytics: Analytics) -> None:
    everyone = analytics.conversation_list(ALL_CHANNELS, page_size=1000)
    assert len(analytics.conversation_list(ALL_CHANNELS).rows) == PAGE_SIZE + 1  # one page
    assert {row[0] for row in everyone.rows} == {p.sender_id for p in chosen(ALL_CHANNELS)}
    last_seen = [row[3] for row in everyone.rows]
    assert last_seen == sorted(last_seen, reverse=True)
    for sender, channel, _, _, messages, recommendations in everyone.rows:
        plan = plans_by_id()[sender]
        assert (channel, messages) == (CHANNEL_NAMES[plan.channel], plan.user_messages)
        assert recommendations == int(plan.recommended)
    blockchain = analytics.conversation_list(ALL_CHANNELS, "  BLOCKCHAIN thing ")
    assert {row[0] for row in blockchain.rows} == {
        p.sender_id for p in chosen(ALL_CHANNELS) if any("blockchain" in t for t in p.fallbacks)
    }
    one = chosen(WEB_ONLY)[0].sender_id
    assert [row[0] for row in analytics.conversation_list(WEB_ONLY, one[-6:]).rows] == [one]
    assert analytics.conversation_list(ALL_CHANNELS, "100%_").rows == []  # wildcards are literal
    first, second = (
        analytics.conversation_list(ALL_CHANNELS, page=n, page_size=10).rows for n in (0, 1)
    )
    assert (
        len(first) == 11
        and first[:10] == everyone.rows[:10]
        and second[:10] == everyone.rows[10:20]
    )


def test_a_transcript_with_its_assessment(analytics: Analytics) -> None:
    plan = next(p for p in chosen(ALL_CHANNELS) if p.recommended and p.chit_chat and p.fallbacks)
    transcript = analytics.transcript(plan.sender_id)
    assert transcript is not None
    said = [turn.text for turn in transcript.turns if turn.speaker == "user"]
    assert len(said) == plan.user_messages
    assert said[plan.chit_chat : plan.chit_chat + len(plan.fallbacks)] == list(plan.fallbacks)
    assert transcript.channel == CHANNEL_NAMES[plan.channel]
    [(assessment, result)] = transcript.assessments
    assert dict(assessment.answers) == plan.answers
    assert result.recommended == score(Answers.from_slots(plan.answers)).recommended
    assert analytics.transcript("nobody-said-this") is None


def test_an_empty_range_and_retention_of_report_openings(analytics: Analytics) -> None:
    empty = Filters(date(2020, 1, 1), date(2020, 1, 2))
    assert analytics.activity(empty).rows == []
    assert [row[1] for row in analytics.funnel(empty).rows] == [0] * 9
    assert analytics.understanding(empty).rows[0][1:] == (0, 0.0)
    assert all(table.rows == [] for table in analytics.mix(empty))
    # the summary and openings of a conversation retention deleted are deleted with it
    with analytics.engine.begin() as connection:
        connection.execute(
            REPORT_OPENS.insert().values(sender_id="gone", report_id="y" * 8, timestamp=1.0)
        )
        connection.execute(SUMMARY.insert().values(sender_id="gone", day="2026-11-03", messages=1))
        delete_orphans(connection)
        opened = connection.execute(sa.select(sa.func.count()).select_from(REPORT_OPENS))
        summarised = connection.execute(sa.select(sa.func.count(sa.distinct(SUMMARY.c.sender_id))))
        assert opened.scalar_one() == sum(1 for p in PLANS if p.report_opened)
        assert summarised.scalar_one() == sum(1 for p in PLANS if p.user_messages)


def test_sqlite_has_json_functions() -> None:
    """The SQLite page relies on json_extract (built in since SQLite 3.38)."""
    assert sqlite3.connect(":memory:").execute(
        "select json_extract('{\"a\": 1}', '$.a')"
    ).fetchone() == (1,)


def test_the_summary_follows_new_growing_and_deleted_conversations(tmp_path: Path) -> None:
    """After the first summary, a refresh counts a conversation's new turn, a new
    conversation and (with retention's clean-up) a deleted one, and nothing twice."""
    domain = Domain.load(str(PROJECT_DIR / "domain.yml"))
    store = SQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "t.db"))
    plans = [p for p in PLANS if p.user_messages and ALL_CHANNELS.first_day <= p.day][:6]
    whole = Filters(DAYS[0], DAYS[-1])

    def save(plan: ConversationPlan) -> None:
        tracker = DialogueStateTracker.from_events(plan.sender_id, events_of(plan), domain.slots)
        asyncio.run(store.save(tracker))

    for plan in plans[:5]:
        save(plan)
    analytics = Analytics(store.engine)
    assert analytics.refresh()
    assert analytics.totals(whole) == (5, sum(p.user_messages for p in plans[:5]))
    # a new turn in the first conversation: a message that falls back
    grown = asyncio.run(store.retrieve(plans[0].sender_id))
    assert grown is not None
    last = grown.events[-1].timestamp
    grown.update(
        UserUttered(
            "brand new words",
            {"name": "nlu_fallback"},
            timestamp=last + 60,
            input_channel=plans[0].channel,
        )
    )
    asyncio.run(store.save(grown))
    save(plans[5])
    assert analytics.refresh()
    expected = sum(p.user_messages for p in plans) + 1
    assert analytics.totals(whole) == (6, expected)
    assert ("brand new words", 1, plans[0].sender_id) in analytics.not_understood(whole).rows
    assert analytics.refresh() and analytics.totals(whole) == (6, expected)  # nothing twice
    # retention deletes the first conversation
    with store.engine.begin() as connection:
        events = SQLTrackerStore.SQLEvent.__table__
        connection.execute(events.delete().where(events.c.sender_id == plans[0].sender_id))
        delete_orphans(connection)
    assert analytics.refresh()
    assert analytics.totals(whole) == (5, expected - 1 - plans[0].user_messages)
    store.engine.dispose()


def test_two_servers_summarising_at_once_count_everything_once(tmp_path: Path) -> None:
    """Replicas summarise concurrently: each range of events is taken by one of them."""
    domain = Domain.load(str(PROJECT_DIR / "domain.yml"))
    store = SQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "t.db"))
    for plan in PLANS:
        tracker = DialogueStateTracker.from_events(plan.sender_id, events_of(plan), domain.slots)
        asyncio.run(store.save(tracker))
    engines = [sa.create_engine(f"sqlite:///{tmp_path / 't.db'}") for _ in range(2)]
    replicas = [Analytics(engine) for engine in engines]
    for analytics in replicas:
        analytics.summariser.batch = 50  # many small steps, so the two interleave
    with ThreadPoolExecutor(2) as pool:
        assert all(pool.map(lambda a: a.refresh(seconds=120), replicas))
    expected = chosen(ALL_CHANNELS)
    for analytics in replicas:
        assert analytics.totals(ALL_CHANNELS) == (
            len(expected),
            sum(p.user_messages for p in expected),
        )
    for engine in engines:
        engine.dispose()


def test_retention_deletes_the_summary_with_the_conversation(tmp_path: Path) -> None:
    """`python -m stores.retention` (delete_idle_conversations) removes an idle
    conversation's summary, messages, assessments and report openings too."""
    domain = Domain.load(str(PROJECT_DIR / "domain.yml"))
    store = SQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "t.db"))
    old, recent = (
        next(p for p in PLANS if p.day == day and p.recommended and p.fallbacks)
        for day in (DAYS[0], DAYS[-1])
    )
    for plan in (old, recent):
        tracker = DialogueStateTracker.from_events(plan.sender_id, events_of(plan), domain.slots)
        asyncio.run(store.save(tracker))
    record_report_opened(store.engine, old.sender_id, "r" * 8)
    analytics = Analytics(store.engine)
    whole = Filters(DAYS[0], DAYS[-1])
    assert analytics.refresh() and analytics.totals(whole)[0] == 2
    # a day after the recent conversation: the old one, four days before, is idle
    now = datetime(DAYS[-1].year, DAYS[-1].month, DAYS[-1].day, 23, tzinfo=timezone.utc)
    deleted = delete_idle_conversations(store.engine, idle_days=2, now=now.timestamp())
    assert deleted == 1
    assert analytics.refresh()
    assert analytics.totals(whole) == (1, recent.user_messages)
    assert [row[2] for row in analytics.not_understood(whole).rows] == [recent.sender_id] * len(
        recent.fallbacks
    )
    assert sum(row[1] for row in analytics.mix(whole)[0].rows) == 1
    assert [row[1] for row in analytics.funnel(whole).rows][-1] == 0  # the opening went too
    with store.engine.connect() as connection:
        for table in (SUMMARY, REPORT_OPENS):
            senders = connection.execute(sa.select(table.c.sender_id)).scalars().all()
            assert old.sender_id not in senders
    store.engine.dispose()
