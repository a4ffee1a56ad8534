"""channels/slack_dedupe.py without a Redis server: the per-process cache, the
Redis protocol used (SET NX EX), the fall-back when Redis fails, and how the
Redis settings are taken from the lock store. Against a real redis-server:
tests/integration/test_slack.py."""

import asyncio
import logging
from typing import Any

import pytest

from channels import slack_dedupe
from channels.slack_dedupe import SeenCache, SlackDedupe, from_lock_store

TEST_PASSWORD = "test-only-not-a-secret"


class FakeRedis:
    """`SET key value NX EX ttl` as Redis does it, recording the calls."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}
        self.calls: list[tuple[str, Any, int, bool]] = []
        self.fail: BaseException | None = None

    async def set(self, name: str, value: Any, *, ex: int, nx: bool) -> Any:
        self.calls.append((name, value, ex, nx))
        if self.fail:
            raise self.fail
        if nx and name in self.values:
            return None
        self.values[name] = value
        return True


def run(coroutine: Any) -> Any:
    return asyncio.run(coroutine)


def test_seen_cache_remembers_within_the_ttl_and_stays_bounded(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(slack_dedupe.time, "monotonic", lambda: now[0])
    cache = SeenCache(ttl=60, max_size=3)
    assert cache.check_and_add("a") is False
    assert cache.check_and_add("a") is True
    now[0] += 61
    assert cache.check_and_add("a") is False  # expired: new again
    for key in "bcde":
        cache.check_and_add(key)
    assert len(cache._entries) <= 3


def test_without_redis_each_key_is_taken_once_per_process():
    dedupe = SlackDedupe()
    assert not dedupe.shared

    async def scenario() -> list[bool]:
        return [await dedupe.first_time(key) for key in ("event:Ev1", "event:Ev1", "event:Ev2")]

    assert run(scenario()) == [True, False, True]


def test_with_redis_a_key_taken_by_another_replica_is_a_duplicate():
    redis = FakeRedis()
    one = SlackDedupe(redis, prefix="advisor:slack:seen:", ttl=3600)
    other = SlackDedupe(redis, prefix="advisor:slack:seen:", ttl=3600)  # another replica

    async def scenario() -> list[bool]:
        return [
            await one.first_time("event:Ev1"),
            await other.first_time("event:Ev1"),  # Slack's retry reached the other replica
            await other.first_time("click:D1:1700000000.000100"),
            await one.first_time("click:D1:1700000000.000100"),
        ]

    assert run(scenario()) == [True, False, True, False]
    # One SET key 1 NX EX <ttl> per check, keys under the prefix.
    assert redis.calls[0] == ("advisor:slack:seen:event:Ev1", 1, 3600, True)
    assert all(nx and ex == 3600 for _, _, ex, nx in redis.calls)


def test_redis_failing_falls_back_to_this_process_logs_and_backs_off(monkeypatch, caplog):
    now = [1000.0]
    monkeypatch.setattr(slack_dedupe.time, "monotonic", lambda: now[0])
    redis = FakeRedis()
    redis.fail = ConnectionError("Error 111 connecting to 127.0.0.1:6390. Connection refused.")
    dedupe = SlackDedupe(redis, where="127.0.0.1:6390 db 1")

    async def first(key: str) -> bool:
        return await dedupe.first_time(key)

    with caplog.at_level(logging.INFO, logger="channels.slack_dedupe"):
        assert run(first("event:Ev1")) is True  # never lost
        assert run(first("event:Ev1")) is False  # this process still remembers it
        assert run(first("event:Ev2")) is True
        assert len(redis.calls) == 1  # not asked again while it is down
        warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
        assert len(warnings) == 1 and "127.0.0.1:6390 db 1 unreachable" in warnings[0].message

        now[0] += slack_dedupe.RETRY_AFTER + 1
        redis.fail = None
        assert run(first("event:Ev3")) is True
        assert len(redis.calls) == 2  # asked again after the pause
        assert any("is back" in r.message for r in caplog.records)


def test_a_key_seen_here_while_redis_was_down_stays_a_duplicate():
    redis = FakeRedis()
    dedupe = SlackDedupe(redis)
    redis.fail = TimeoutError("Timeout reading from socket")
    assert run(dedupe.first_time("event:Ev1")) is True
    dedupe._down_until = 0.0  # Redis is back: the key is not in it, but we took it
    redis.fail = None
    assert run(dedupe.first_time("event:Ev1")) is False


def test_settings_come_from_the_redis_lock_store():
    from rasa.core.lock_store import InMemoryLockStore, RedisLockStore

    lock_store = RedisLockStore(
        host="10.1.2.3", port=6380, db=1, password=TEST_PASSWORD, key_prefix="advisor"
    )
    dedupe = from_lock_store(lock_store)
    assert dedupe.shared
    assert dedupe.prefix == "advisor:slack:seen:"  # next to the locks' advisor:lock:
    kwargs = dedupe.redis.connection_pool.connection_kwargs  # type: ignore[union-attr]
    assert (kwargs["host"], kwargs["port"], kwargs["db"], kwargs["password"]) == (
        "10.1.2.3",
        6380,
        1,
        TEST_PASSWORD,
    )
    # Short timeouts: Slack wants its answer within 3 s.
    assert kwargs["socket_timeout"] == kwargs["socket_connect_timeout"] == 1.0
    assert dedupe.where == "10.1.2.3:6380 db 1"

    assert not from_lock_store(InMemoryLockStore()).shared
    assert not from_lock_store(None).shared


@pytest.mark.parametrize("prefix, expected", [(None, "slack:seen:"), ("team", "team:slack:seen:")])
def test_the_key_prefix_follows_the_lock_store(prefix, expected):
    from rasa.core.lock_store import RedisLockStore

    dedupe = from_lock_store(RedisLockStore(host="localhost", key_prefix=prefix))
    assert dedupe.prefix.endswith(expected)
