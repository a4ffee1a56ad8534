"""Reading a message costs time linear in its length, and a bounded time whatever its
length (issue #24: a 40,000-character message once took 7.9 s of the action server)."""

import time

from advisor.reading.answer_parser import read_answers, warm_up
from advisor.reading.cue_reader import cue_readings

SENTENCE = (
    "it is pretty routine work, the data is somewhat sensitive and we mainly want to cut costs. "
)


def _text(length: int) -> str:
    return (SENTENCE * (length // len(SENTENCE) + 1))[:length]


def _seconds(call) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - started)
    return best


def test_forty_thousand_characters_are_read_in_under_half_a_second() -> None:
    # ~50 ms on an idle 2-core machine; the bound leaves room for a busy one and still
    # fails the quadratic reading #24 found (7.9 s).
    warm_up()
    assert _seconds(lambda: read_answers(_text(40_000), "complexity")) < 0.5


def test_the_cue_reader_is_linear_in_the_text() -> None:
    """Five times the text costs about five times the time, not twenty-five."""
    short, long = _text(4_000), _text(20_000)
    ratio = _seconds(lambda: cue_readings(long, [])) / _seconds(lambda: cue_readings(short, []))
    assert ratio < 10, ratio
