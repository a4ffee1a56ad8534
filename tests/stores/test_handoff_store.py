"""The hand-off store on SQLite files: two stores on one file stand for two replicas."""

from pathlib import Path

import pytest

from stores.handoff_store import HandoffStore, engine_for


@pytest.fixture
def replicas(tmp_path: Path) -> tuple[HandoffStore, HandoffStore]:
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    return HandoffStore(engine_for(url)), HandoffStore(engine_for(url))


def test_a_hand_off_is_found_by_conversation_and_by_thread_on_another_replica(replicas):
    one, two = replicas
    assert one.open("socketio:abc", "1700.0001", "socketio", {}, now=100.0)
    found = two.active("socketio:abc")
    assert found is not None and found.thread_ts == "1700.0001" and found.channel == "socketio"
    assert two.by_thread("1700.0001") == found
    assert two.active("socketio:other") is None


def test_a_second_hand_off_of_the_same_conversation_is_refused_while_one_is_active(replicas):
    one, two = replicas
    assert one.open("rest-1", "1.1", "rest", {}, now=1.0)
    assert not two.open("rest-1", "2.2", "rest", {}, now=2.0)
    assert one.end("rest-1", now=3.0)
    assert two.open("rest-1", "3.3", "rest", {}, now=4.0)  # a new one after the end
    assert one.by_thread("1.1") is None and one.by_thread("3.3") is not None


def test_only_one_replica_ends_a_hand_off(replicas):
    one, two = replicas
    one.open("c", "1.1", "slack", {"channel": "D1", "thread_ts": None}, now=1.0)
    assert [one.end("c", now=2.0), two.end("c", now=2.0)] == [True, False]
    assert one.active("c") is None


def test_where_a_slack_user_is_answered_is_kept(replicas):
    one, _ = replicas
    one.open("slack:T:D1", "1.1", "slack", {"channel": "D1", "thread_ts": "9.9"}, now=1.0)
    found = one.active("slack:T:D1")
    assert found is not None and found.reply_to == {"channel": "D1", "thread_ts": "9.9"}


def test_each_event_id_is_delivered_once_across_replicas(replicas):
    one, two = replicas
    assert one.first_delivery("Ev1", now=1.0)
    assert not two.first_delivery("Ev1", now=2.0)
    assert not one.first_delivery("Ev1", now=3.0)
    assert two.first_delivery("Ev2", now=4.0)


def test_old_event_ids_are_forgotten(replicas):
    one, _ = replicas
    one.first_delivery("Ev-old", now=0.0)
    one.first_delivery("Ev-new", now=100_000.0)
    assert one.forget_events(now=100_000.0) == 1
    assert one.first_delivery("Ev-old", now=100_001.0)
    assert not one.first_delivery("Ev-new", now=100_001.0)


def test_queued_messages_are_returned_once_in_order(replicas):
    one, two = replicas
    one.queue("rest-1", "consultant", "first", now=1.0)
    one.queue("rest-1", "consultant", "second", now=2.0)
    one.queue("rest-2", "consultant", "someone else's", now=3.0)
    assert [m.text for m in two.take("rest-1")] == ["first", "second"]
    assert one.take("rest-1") == []
    assert [m.text for m in one.take("rest-2")] == ["someone else's"]


def test_a_message_is_claimed_by_one_replica_only(replicas):
    one, two = replicas
    one.queue("socketio:a", "consultant", "hello", now=1.0)
    waiting = two.waiting("socketio:")
    assert [m.text for m in waiting] == ["hello"]
    ids = [m.id for m in waiting]
    assert one.claim(ids) == set(ids)
    assert two.claim(ids) == set()
    assert two.waiting("socketio:") == []


def test_overdue_counts_from_the_last_consultant_reply(replicas):
    one, _ = replicas
    one.open("quiet", "1.1", "rest", {}, now=0.0)
    one.open("answered", "2.2", "rest", {}, now=0.0)
    one.consultant_wrote("answered", now=50.0)
    assert [h.conversation_id for h in one.overdue(now=70.0, timeout_seconds=60)] == ["quiet"]
    assert {h.conversation_id for h in one.overdue(now=111.0, timeout_seconds=60)} == {
        "quiet",
        "answered",
    }
    one.end("quiet", now=112.0)
    assert [h.conversation_id for h in one.overdue(now=200.0, timeout_seconds=60)] == ["answered"]


def test_a_hand_off_survives_a_restart(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    HandoffStore(engine_for(url)).open("c", "1.1", "rest", {}, now=1.0)
    HandoffStore(engine_for(url)).queue("c", "consultant", "kept", now=2.0)
    after_restart = HandoffStore(engine_for(url))
    assert after_restart.active("c") is not None
    assert [m.text for m in after_restart.take("c")] == ["kept"]


def test_ended_hand_offs_and_stale_messages_are_deleted_after_retention(replicas):
    one, _ = replicas
    one.open("old", "1.1", "rest", {}, now=0.0)
    one.end("old", now=10.0)
    one.open("live", "2.2", "rest", {}, now=0.0)  # active: kept however old
    one.queue("old", "consultant", "never fetched", now=5.0)
    one.queue("live", "consultant", "fresh", now=500.0)
    assert one.forget_ended(before=100.0) == 2
    assert one.active("live") is not None
    assert [m.text for m in one.waiting()] == ["fresh"]


def test_a_message_leased_by_a_replica_that_died_is_sent_by_another_after_the_lease(replicas):
    one, two = replicas
    one.queue("socketio:a", "consultant", "hello", now=1.0)
    (message,) = one.waiting("socketio:", now=10.0)
    assert one.lease([message.id], now=10.0, seconds=3.0) == {message.id}
    # While `one` is sending it, nobody else does...
    assert two.waiting("socketio:", now=11.0) == []
    assert two.lease([message.id], now=11.0, seconds=3.0) == set()
    # ...`one` died before marking it delivered: after the lease, `two` sends it.
    assert [m.text for m in two.waiting("socketio:", now=13.5)] == ["hello"]
    assert two.lease([message.id], now=13.5, seconds=3.0) == {message.id}
    two.delivered([message.id])
    assert two.waiting("socketio:", now=100.0) == []
    # The next message may get the same row id (SQLite), never the same delivery id.
    one.queue("socketio:a", "consultant", "again", now=20.0)
    (following,) = one.waiting("socketio:")
    assert following.delivery_id() != message.delivery_id()


def test_slack_posts_wait_in_the_database_in_order_per_place_until_taken(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    before = HandoffStore(engine_for(url))
    before.queue_post("C1/1.1", {"channel": "C1", "text": "first"}, now=1.0)
    before.queue_post("C1/1.1", {"channel": "C1", "text": "second"}, now=1.0)
    before.queue_post("D9/", {"channel": "D9", "text": "elsewhere"}, now=1.0)
    (taken, _) = before.next_posts(now=2.0, seconds=15.0)  # then this process dies
    assert taken.arguments["text"] == "first"
    after = HandoffStore(engine_for(url))  # restarted (or another replica)
    assert after.next_posts(now=3.0, seconds=15.0) == []  # leased: not twice at once
    again = after.next_posts(now=18.0, seconds=15.0)
    assert [p.arguments["text"] for p in again] == ["first", "elsewhere"]
    assert again[0].attempts == 2
    after.retry_post_at(again[0].id, when=20.0)  # Slack failed: later, still first
    after.posted(again[1].id)
    assert after.next_posts(now=19.0, seconds=15.0) == []
    (first,) = after.next_posts(now=20.5, seconds=15.0)
    after.posted(first.id)
    (second,) = after.next_posts(now=21.0, seconds=15.0)
    assert second.arguments["text"] == "second"
    after.posted(second.id)
    assert after.pending_posts() == 0


def test_a_store_made_before_leases_gets_the_column(tmp_path: Path):
    import sqlalchemy as sa

    engine = engine_for(f"sqlite:///{tmp_path / 'old.db'}")
    with engine.begin() as db:
        db.execute(
            sa.text(
                "CREATE TABLE handoff_outbox (id INTEGER PRIMARY KEY, conversation_id VARCHAR,"
                " sender VARCHAR, text TEXT, created_at FLOAT)"
            )
        )
    store = HandoffStore(engine)
    store.queue("socketio:a", "consultant", "kept", now=1.0)
    assert [m.text for m in store.waiting("socketio:", now=2.0)] == ["kept"]
