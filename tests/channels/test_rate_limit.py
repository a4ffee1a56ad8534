"""channels/rate_limit.py: a sliding minute per sender, bounded memory."""

import pytest

from channels import rate_limit
from channels.rate_limit import SenderRateLimit
from runtime.settings import read


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_sender_over_the_limit_is_refused_until_the_minute_has_passed() -> None:
    clock = Clock()
    limit = SenderRateLimit(3, clock)
    assert [limit.allow("ann") for _ in range(4)] == [True, True, True, False]
    assert limit.allow("bob")  # others are not affected
    clock.now += 30
    assert not limit.allow("ann")  # refused messages don't count, the first three still do
    clock.now += 30
    assert limit.allow("ann")


def test_a_steady_human_pace_is_never_refused() -> None:
    clock = Clock()
    limit = SenderRateLimit(30, clock)
    for _ in range(300):  # one message every 2.5 s for 12.5 minutes
        assert limit.allow("ann")
        clock.now += 2.5


def test_zero_switches_the_limit_off() -> None:
    limit = SenderRateLimit(0, Clock())
    assert all(limit.allow("ann") for _ in range(1000))


def test_memory_stays_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rate_limit, "MAX_TRACKED_SENDERS", 100)
    clock = Clock()
    limit = SenderRateLimit(5, clock)
    for index in range(1000):
        assert limit.allow(f"sender-{index}")
        clock.now += 0.01
    assert len(limit._recent) <= 100


@pytest.mark.parametrize(
    "value,expected", [(None, 30), ("", 30), ("12", 12), ("0", 0), ("-3", 0), ("lots", 30)]
)
def test_the_limit_comes_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, value: str | None, expected: int
) -> None:
    environ = {} if value is None else {"RASA_MAX_MESSAGES_PER_MINUTE": value}
    assert read(environ).max_messages_per_minute == expected
