"""The long-conversation benchmark's script and its early/late comparison."""

from bench.conversation_length import LATE, ROUND, script, summarize


def test_the_script_mixes_questions_assessments_and_follow_ups() -> None:
    messages = script(200)
    assert len(messages) == 200
    assert sum(m.startswith("/inform") for m in messages) >= 6 * 7
    assert {"what is bpo?", "and kpo?", "why?", "compare my processes"} <= set(messages)
    assert "let's assess another process" in messages
    assert "sorry, what does KPO mean again?" in messages


def test_messages_190_to_200_say_what_messages_1_to_11_said() -> None:
    messages = script(200)
    assert messages[189:200] == messages[:11] == ROUND[:11]
    assert script(5) == ROUND[:5]
    assert script(30)[-LATE:] == ROUND[:LATE]


def test_summary_compares_the_last_eleven_with_the_first_ten() -> None:
    latencies: list[float | None] = [10.0] * 10 + [20.0] * 179 + [12.0] * 11
    latencies[3] = None  # a failed message is counted and left out
    result = summarize(latencies)
    assert result["early"] == {"from": 1, "to": 10, "p50_ms": 10.0}
    assert result["late"] == {"from": 190, "to": 200, "p50_ms": 12.0}
    assert result["ratio"] == 1.2
    assert result["failures"] == 1
    assert len(result["p50_ms_per_20"]) == 10


def test_summary_of_nothing_measured() -> None:
    result = summarize([None, None])
    assert result["early"]["p50_ms"] is None and result["ratio"] is None
