"""The #14 targets: met / not met / not measured, the report's table, and what a run
(results dict as bench/run_benchmark.py builds it) is judged on."""

from typing import Any

import pytest

from bench import report
from bench.targets import (
    MET,
    NOT_MEASURED,
    NOT_MET,
    TARGETS,
    Check,
    Measurement,
    Target,
    cells,
    evaluate,
    judge,
    markdown_table,
)

AT_LEAST = Target("t", "throughput", "msg/s", Check.RATIO_AT_LEAST, 1.6, "starter bot")
AT_MOST_RATIO = Target("p", "p50", "ms", Check.RATIO_AT_MOST, 1.2, "messages 1–10")
AT_MOST = Target("r", "RSS", "MB", Check.AT_MOST, 250)


def test_every_target_of_issue_14_is_in_the_table() -> None:
    by_key = {t.key: t for t in TARGETS}
    expected = {
        "throughput_c10": (Check.RATIO_AT_LEAST, 1.0),
        "throughput_c40": (Check.RATIO_AT_LEAST, 1.0),
        "p50_c1": (Check.RATIO_AT_MOST, 1.0),
        "scaled_throughput_c40": (Check.RATIO_AT_LEAST, 1.6),
        "p95_c10": (Check.AT_MOST, 500),
        "conversation_length": (Check.RATIO_AT_MOST, 1.2),
        "actions_rss": (Check.AT_MOST, 250),
        "rasa_rss": (Check.AT_MOST, 794),
        "training": (Check.AT_MOST, 180),
    }
    for key, (check, limit) in expected.items():
        assert (by_key[key].check, by_key[key].limit) == (check, limit), key
    assert len(by_key) == len(TARGETS)
    for target in TARGETS:
        if target.check is not Check.AT_MOST:
            assert target.reference, target.key  # a ratio needs something to divide by


@pytest.mark.parametrize(
    ("target", "value", "reference", "verdict"),
    [
        (AT_LEAST, 80.0, 50.0, MET),
        (AT_LEAST, 79.0, 50.0, NOT_MET),  # 1.58x
        (AT_LEAST, 80.0, None, NOT_MEASURED),  # no starter bot value: no ratio
        (AT_LEAST, None, 50.0, NOT_MEASURED),
        (AT_LEAST, 10.0, 0.0, NOT_MEASURED),
        (AT_MOST_RATIO, 36.0, 30.0, MET),  # exactly 1.2
        (AT_MOST_RATIO, 36.3, 30.0, NOT_MET),  # 1.21
        (AT_MOST, 250.0, None, MET),  # the limit itself is met
        (AT_MOST, 250.1, None, NOT_MET),
        (AT_MOST, None, None, NOT_MEASURED),
        (AT_MOST, 100.0, 999.0, MET),  # a reference is only shown
    ],
)
def test_judge(target: Target, value: Any, reference: Any, verdict: str) -> None:
    assert judge(target, Measurement(value, reference)).verdict == verdict


def test_ratios_are_judged_as_printed() -> None:
    one = Target("x", "throughput", "msg/s", Check.RATIO_AT_LEAST, 1.0, "starter bot")
    row = judge(one, Measurement(52.0, 52.2))  # 0.996x, printed 1.00x
    assert cells(row)[3] == "1.00×" and row.verdict == MET


def test_a_missing_measurement_is_not_measured_never_invented() -> None:
    rows = evaluate({"actions_rss": Measurement(142.0)})
    assert [r.verdict for r in rows if r.target.key != "actions_rss"] == [NOT_MEASURED] * (
        len(TARGETS) - 1
    )
    table = markdown_table(rows)
    assert table.count("not measured") >= len(TARGETS) - 1
    assert "| RSS of the action server | 142 MB | – | – | ≤ 250 MB | met |" in table


def test_table_row_formatting() -> None:
    row = judge(AT_LEAST, Measurement(49.1, 52.1, note="2 replicas"))
    assert cells(row) == [
        "throughput",
        "49.1 msg/s (2 replicas)",
        "starter bot: 52.1 msg/s",
        "0.94×",
        "≥ 1.6× starter bot",
        "**not met**",
    ]
    row = judge(AT_LEAST, Measurement(None, 52.1))
    assert cells(row)[1:4] == ["not measured", "starter bot: 52.1 msg/s", "–"]
    row = judge(AT_MOST, Measurement(1248.0))
    assert cells(row)[1] == "1,248 MB"
    lines = markdown_table([row]).splitlines()
    assert lines[0] == "| target | measured | compared with | ratio | goal | met |"
    assert lines[2].startswith("| RSS | 1,248 MB | – | – | ≤ 250 MB | **not met** |")


def level(c: int, msg_s: float, p50: float, p95: float, failures: int = 0) -> dict[str, Any]:
    return {
        "concurrency": c,
        "throughput_msg_s": msg_s,
        "p50_ms": p50,
        "p95_ms": p95,
        "p99_ms": p95,
        "failures": failures,
        "messages": 100,
    }


def a_run(**changes: Any) -> dict[str, Any]:
    results: dict[str, Any] = {
        "baseline": {
            "training_s": 52.0,
            "startup_s": 26.0,
            "levels": [
                level(1, 48.7, 20.4, 24.4),
                level(10, 52.3, 173, 346),
                level(40, 52.1, 752, 795),
            ],
            "rss_mb": {"rasa (pid 1)": 1106.0},
        },
        "ours": {
            "training_s": 245.0,
            "training_cached": False,
            "startup_s": 11.3,
            "levels": [
                level(1, 28.3, 34.0, 46.5),
                level(10, 31.2, 307, 726),
                level(40, 31.9, 1175, 3400, 1),
            ],
            "rss_mb": {
                "rasa (pid 2)": 794.0,
                "actions (pid 3)": 130.0,
                "actions child (pid 4)": 12.0,
            },
        },
        "scaled": {
            "replicas": 2,
            "startup_s": 21.0,
            "env": {},
            "levels": [level(10, 49.5, 182, 457.7), level(40, 49.1, 830, 1471)],
            "rss_mb": {"rasa-1 (pid 5)": 801.0, "postgres (pid 6)": 40.0},
        },
        "conversation_length": {
            "messages": 200,
            "failures": 0,
            "early": {"from": 1, "to": 10, "p50_ms": 30.0},
            "late": {"from": 190, "to": 200, "p50_ms": 33.0},
            "ratio": 1.1,
            "where": "REST",
        },
    }
    results.update(changes)
    return results


def verdicts(results: dict[str, Any]) -> dict[str, tuple[Any, Any, str]]:
    return {
        r.target.key: (r.measurement.value, r.measurement.reference, r.verdict)
        for r in report.target_rows(results)
    }


def test_a_run_is_judged_on_the_right_numbers() -> None:
    got = verdicts(a_run())
    assert got["throughput_c10"] == (31.2, 52.3, NOT_MET)
    assert got["throughput_c40"] == (31.9, 52.1, NOT_MET)
    assert got["p50_c1"] == (34.0, 20.4, NOT_MET)
    assert got["scaled_throughput_c40"] == (49.1, 52.1, NOT_MET)
    assert got["p95_c10"] == (726, None, NOT_MET)  # single server, not the scale-out's 458
    assert got["conversation_length"] == (33.0, 30.0, MET)
    assert got["actions_rss"] == (142.0, None, MET)  # the action server and its children
    assert got["rasa_rss"] == (794.0, None, MET)
    assert got["training"] == (245.0, 52.0, NOT_MET)
    assert got["failures"] == (1.0, None, NOT_MET)
    assert got["startup"] == (11.3, 26.0, MET)


def test_what_a_run_did_not_measure_is_not_measured() -> None:
    results = a_run(scaled=None, conversation_length=None)
    results["ours"]["training_s"] = None  # --skip-training-time without a cached value
    got = verdicts(results)
    for key in ("scaled_throughput_c40", "conversation_length", "training"):
        assert got[key][0] is None and got[key][2] == NOT_MEASURED, key
    three = a_run(scaled={**a_run()["scaled"], "replicas": 3})
    assert verdicts(three)["scaled_throughput_c40"][2] == NOT_MEASURED


def test_a_cached_training_time_says_so() -> None:
    results = a_run()
    results["ours"].update(training_cached=True, training_measured_at="2026-11-30 10:00:00")
    row = next(r for r in report.target_rows(results) if r.target.key == "training")
    assert "last measured 2026-11-30 10:00:00, not in this run" in cells(row)[1]


def test_the_markdown_report_has_the_target_table() -> None:
    results = a_run(
        started_at="s",
        finished_at="f",
        total_s=1.0,
        machine={"cpus": 2, "loadavg_at_start": [0.1, 0.2, 0.3]},
        settings={
            "concurrency": [1, 10, 40],
            "duration_s": 20,
            "max_messages": 3000,
            "ours_env": {},
        },
    )
    text = report.markdown(results)
    assert "## Targets (issue #14; bench/targets.py)" in text
    assert (
        "| single-server throughput at c=40 | 31.9 msg/s | starter bot: 52.1 msg/s | 0.61× |"
        in text
    )
    assert "p50 of messages 1–10 30.0 ms, of messages 190–200 33.0 ms, ratio 1.10" in text
    assert text.count("**not met**") == 7


def test_benchmark_environments_may_list_several_patches_to_skip() -> None:
    from bench.servers import parse_env

    assert parse_env("A=1,RASA_RUNTIME_SKIP=Policy._prediction_states,Agent.load_model,B=x") == {
        "A": "1",
        "RASA_RUNTIME_SKIP": "Policy._prediction_states,Agent.load_model",
        "B": "x",
    }
    assert parse_env("") == {}


def test_the_run_records_what_it_ran_on() -> None:
    from bench.machine import cpu_info, machine

    listed = cpu_info(
        "processor\t: 0\nmodel name\t: AMD EPYC 9R14\nflags\t\t: fpu sse4_2 avx avx2 avx512f\n"
        "processor\t: 1\nmodel name\t: AMD EPYC 9R14\nflags\t\t: fpu sse4_2 avx avx2 avx512f\n"
    )
    assert listed == {
        "model": "AMD EPYC 9R14",
        "vector_flags": ["sse4_2", "avx", "avx2", "avx512f"],
        "logical_cpus_listed": 2,
    }
    recorded = machine({"OMP_NUM_THREADS": "1", "PATH": "/usr/bin"})
    assert recorded["thread_env"] == {"OMP_NUM_THREADS": "1"}
    assert recorded["packages"]["rasa"] == "3.6.21"
    assert recorded["cpus_usable"] >= 1 and recorded["cpu"]["model"]
