"""The performance targets of issue #14, in one table, and how a run is judged against them.

`TARGETS` lists each target once: what is measured, what it is compared with (the starter
bot in the same run, or the first messages of the same conversation), the limit and its
direction. `evaluate` turns measurements into rows (measured, reference, ratio, met / not
met / not measured); `markdown_table` formats them. bench/report.py extracts the
measurements from a run (`report.measurements`). A value a run did not measure is
"not measured", never guessed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum

STARTER = "starter bot"


class Check(Enum):
    """How the limit applies."""

    RATIO_AT_LEAST = "ratio >="  # measured / reference >= limit
    RATIO_AT_MOST = "ratio <="  # measured / reference <= limit
    AT_MOST = "<="  # measured <= limit (the reference, if any, is shown only)


@dataclass(frozen=True)
class Target:
    key: str
    what: str
    unit: str  # of the measured value and the reference
    check: Check
    limit: float
    reference: str | None = None  # what the measured value is compared with / shown beside

    @property
    def goal(self) -> str:
        limit = f"{self.limit:.1f}" if self.check is not Check.AT_MOST else f"{self.limit:g}"
        if self.check is Check.RATIO_AT_LEAST:
            return f"≥ {limit}× {self.reference}"
        if self.check is Check.RATIO_AT_MOST:
            return f"≤ {limit}× {self.reference}"
        return f"≤ {limit} {self.unit}"


TARGETS: tuple[Target, ...] = (
    Target(
        "throughput_c10",
        "single-server throughput at c=10",
        "msg/s",
        Check.RATIO_AT_LEAST,
        1.0,
        STARTER,
    ),
    Target(
        "throughput_c40",
        "single-server throughput at c=40",
        "msg/s",
        Check.RATIO_AT_LEAST,
        1.0,
        STARTER,
    ),
    Target("p50_c1", "single-user p50 latency (c=1)", "ms", Check.RATIO_AT_MOST, 1.0, STARTER),
    Target(
        "scaled_throughput_c40",
        "two replicas (same 2 cores): throughput at c=40",
        "msg/s",
        Check.RATIO_AT_LEAST,
        1.6,
        STARTER,
    ),
    Target("p95_c10", "single-server p95 latency at c=10", "ms", Check.AT_MOST, 500),
    Target(
        "conversation_length",
        "one long conversation: p50 of messages 190–200",
        "ms",
        Check.RATIO_AT_MOST,
        1.2,
        "messages 1–10",
    ),
    Target("actions_rss", "RSS of the action server", "MB", Check.AT_MOST, 250),
    Target("rasa_rss", "RSS of the Rasa process", "MB", Check.AT_MOST, 794),
    Target("training", "full training (2 cores)", "s", Check.AT_MOST, 180, STARTER),
    # From earlier rounds, still held:
    Target("failures", "failed or empty replies (all runs)", "messages", Check.AT_MOST, 0),
    Target("startup", "start-up to first answer", "s", Check.AT_MOST, 30, STARTER),
)


@dataclass(frozen=True)
class Measurement:
    value: float | None
    reference: float | None = None  # the reference's value, same unit
    note: str = ""  # where the value comes from, if not obvious


MET, NOT_MET, NOT_MEASURED = "met", "not met", "not measured"


@dataclass(frozen=True)
class Row:
    target: Target
    measurement: Measurement
    ratio: float | None
    verdict: str  # MET, NOT_MET or NOT_MEASURED


def ratio(value: float | None, reference: float | None) -> float | None:
    if value is None or reference is None or reference == 0:
        return None
    return value / reference


def judge(target: Target, measurement: Measurement) -> Row:
    value, reference = measurement.value, measurement.reference
    quotient = ratio(value, reference)
    verdict = NOT_MEASURED
    if target.check is Check.AT_MOST:
        if value is not None:
            verdict = MET if value <= target.limit else NOT_MET
    elif quotient is not None:
        # Ratios are judged as printed (two decimals): 0.995× is "1.00×", which meets ≥ 1.0×.
        shown = round(quotient, 2)
        ok = (
            shown >= target.limit if target.check is Check.RATIO_AT_LEAST else shown <= target.limit
        )
        verdict = MET if ok else NOT_MET
    return Row(target, measurement, quotient, verdict)


def evaluate(
    measurements: Mapping[str, Measurement], targets: Iterable[Target] = TARGETS
) -> list[Row]:
    """One row per target; a target without a measurement is "not measured"."""
    return [judge(t, measurements.get(t.key, Measurement(None))) for t in targets]


def fmt_value(value: float | None, unit: str) -> str:
    if value is None:
        return "not measured"
    digits = 0 if abs(value) >= 100 or unit == "messages" else 1
    return f"{value:,.{digits}f} {unit}"


def fmt_ratio(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}×"


def cells(row: Row) -> list[str]:
    """target | measured | compared with | ratio | goal | met"""
    t, m = row.target, row.measurement
    measured = fmt_value(m.value, t.unit) + (f" ({m.note})" if m.note else "")
    if t.reference is None:
        reference = "–"
    elif m.reference is None:
        reference = f"{t.reference}: not measured"
    else:
        reference = f"{t.reference}: {fmt_value(m.reference, t.unit)}"
    verdict = row.verdict if row.verdict != NOT_MET else f"**{NOT_MET}**"
    return [t.what, measured, reference, fmt_ratio(row.ratio), t.goal, verdict]


HEADER = ["target", "measured", "compared with", "ratio", "goal", "met"]


def markdown_table(rows: Iterable[Row]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|---|---:|---:|---:|---|---|"]
    lines += ["| " + " | ".join(cells(row)) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def as_json(rows: Iterable[Row]) -> list[dict[str, object]]:
    return [
        {
            "key": row.target.key,
            "target": row.target.what,
            "goal": row.target.goal,
            "measured": row.measurement.value,
            "unit": row.target.unit,
            "reference": row.target.reference,
            "reference_value": row.measurement.reference,
            "ratio": None if row.ratio is None else round(row.ratio, 3),
            "note": row.measurement.note,
            "verdict": row.verdict,
            "met": row.verdict == MET,
        }
        for row in rows
    ]
