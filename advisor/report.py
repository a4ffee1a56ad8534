"""The report of a finished assessment, and the portfolio of every process assessed.

A finished assessment is kept in the conversation as plain data
(`FinishedAssessment`, the "assessments" slot). The report is rebuilt from it
with the same scoring engine, so the page says exactly what the chat said, and it
disappears with the conversation when retention deletes it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from advisor.answers import ANSWER_SLOTS, SLOT_ORDER, Answers
from advisor.checklist import NOT_FROM_SOURCE_NOTE, checklist_sections
from advisor.explain import (
    NO_SUPERIOR_OPTION,
    assumption_lines,
    certainty_phrase,
    headline,
    what_would_change_lines,
)
from advisor.questions import SLOT_NAMES, value_name
from advisor.scoring import HybridSplit, Recommendation, score
from advisor.sourcing import MODELS, Model
from advisor.what_would_change import what_would_change

REPORT_ID = re.compile(r"^[A-Za-z0-9_-]{8,32}$")
ASSESSMENTS_SLOT = "assessments"  # the conversation's slot holding them (domain.yml)
MAX_KEPT_ASSESSMENTS = 20  # per conversation: the oldest are dropped beyond this


@dataclass(frozen=True)
class FinishedAssessment:
    """One finished assessment, as kept in the conversation."""

    report_id: str
    answers: Mapping[str, str]
    assumed: tuple[str, ...]
    finished_on: str  # ISO date, UTC

    def to_slot(self) -> dict[str, Any]:
        return {
            "report_id": self.report_id,
            "answers": dict(self.answers),
            "assumed": list(self.assumed),
            "finished_on": self.finished_on,
        }

    @classmethod
    def from_slot(cls, value: Any) -> FinishedAssessment | None:
        """None for anything that isn't a well-formed stored assessment."""
        if not isinstance(value, dict) or not REPORT_ID.match(str(value.get("report_id", ""))):
            return None
        answers = Answers.from_slots(value.get("answers") or {}).as_slots()
        assumed = tuple(s for s in value.get("assumed") or () if s in ANSWER_SLOTS)
        finished_on = str(value.get("finished_on", ""))
        try:
            date.fromisoformat(finished_on)
        except ValueError:
            return None
        return cls(str(value["report_id"]), answers, assumed, finished_on)


def assessments_in(slot_value: Any) -> list[FinishedAssessment]:
    """The well-formed assessments of an "assessments" slot, oldest first."""
    found = (FinishedAssessment.from_slot(v) for v in (slot_value or ()))
    return [a for a in found if a is not None] if isinstance(slot_value, list) else []


def with_assessment(
    kept: Sequence[FinishedAssessment], assessment: FinishedAssessment
) -> list[FinishedAssessment]:
    """`kept` with `assessment` added, or replacing the one with the same report id
    (answers changed after the recommendation); at most MAX_KEPT_ASSESSMENTS."""
    others = [a for a in kept if a.report_id != assessment.report_id]
    if len(others) == len(kept):
        return (others + [assessment])[-MAX_KEPT_ASSESSMENTS:]
    return [assessment if a.report_id == assessment.report_id else a for a in kept]


@dataclass(frozen=True)
class Factor:
    """One answer's (or rule's) push towards each option: a row of the chart."""

    label: str
    reason: str
    points: Mapping[Model, float]


@dataclass(frozen=True)
class Report:
    assessment: FinishedAssessment
    recommendation: Recommendation
    headline: str  # markdown-light, as in the chat
    certainty: str  # "a clear fit", "leaning that way", "a close call"
    answers: tuple[tuple[str, str], ...]  # (question, answer)
    factors: tuple[Factor, ...]  # strongest first
    assumptions: tuple[str, ...]
    checklist: tuple[tuple[str, tuple[str, ...]], ...]  # (heading, items)
    changes: tuple[str, ...] = ()  # "what would change it": one line per other option
    settled: str = ""  # "Settled: ..." (the answers that alone can't change it)
    reminder: str = NO_SUPERIOR_OPTION

    @property
    def process(self) -> str:
        return self.assessment.answers.get("process") or "this process"

    @property
    def recommended(self) -> Model | None:
        return self.recommendation.recommended


def build_report(assessment: FinishedAssessment) -> Report:
    answers = Answers.from_slots(assessment.answers)
    rec = score(answers, assessment.assumed)
    factors = tuple(
        Factor(_capitalise(c.summary), c.reason, dict(c.deltas))
        for c in sorted(rec.contributions, key=lambda c: -c.spread)
    )
    changes, settled = what_would_change_lines(answers) if rec.recommended else ([], "")
    return Report(
        assessment=assessment,
        recommendation=rec,
        headline=headline(rec, answers) if rec.recommended else "No recommendation yet.",
        certainty=certainty_phrase(rec),
        answers=tuple(
            (SLOT_NAMES[slot.value], value_name(slot.value, answers.get(slot)))
            for slot in SLOT_ORDER
        ),
        factors=_unique_factors(factors),
        assumptions=tuple(assumption_lines(answers, assessment.assumed)),
        checklist=checklist_sections(rec.checklist),
        changes=tuple(changes),
        settled=settled,
    )


def _unique_factors(factors: Iterable[Factor]) -> tuple[Factor, ...]:
    """One row per label: two contributions with the same wording are added up, so
    the rows still sum to the totals."""
    merged: dict[str, Factor] = {}
    for factor in factors:
        if factor.label in merged:
            first = merged[factor.label]
            points = {m: first.points[m] + factor.points[m] for m in MODELS}
            merged[factor.label] = Factor(first.label, first.reason, points)
        else:
            merged[factor.label] = factor
    return tuple(merged.values())


def to_markdown(report: Report) -> str:
    """The report as a Markdown document (the "Download as Markdown" export)."""
    lines = [
        f"# Outsourcing assessment: {report.process}",
        "",
        f"Date: {report.assessment.finished_on}",
        "",
        "## Recommendation",
        "",
        report.headline,
        "",
        "## Your answers",
        "",
        *(f"- {question}: {answer}" for question, answer in report.answers),
        "",
        "## How each answer weighed in (points)",
        "",
        "| Factor | " + " | ".join(m.short_name for m in MODELS) + " |",
        "|---|" + "---:|" * len(MODELS),
        *(
            f"| {f.label} | " + " | ".join(signed(f.points[m]) for m in MODELS) + " |"
            for f in report.factors
        ),
        "| **Total** | "
        + " | ".join(signed(report.recommendation.scores[m]) for m in MODELS)
        + " |",
        "",
    ]
    if report.assumptions:
        lines += ["## Assumptions", "", *(f"- {a}" for a in report.assumptions), ""]
    if report.changes:
        lines += ["## What would change it", "", *(f"- {c}" for c in report.changes), ""]
        lines += [report.settled, ""] if report.settled else []
    lines += ["## Due-diligence checklist", ""]
    for heading_text, items in report.checklist:
        lines += [f"### {heading_text}", "", *(f"- [ ] {item}" for item in items), ""]
    lines += [f"_{NOT_FROM_SOURCE_NOTE}_", "", f"_{report.reminder}_", ""]
    return "\n".join(lines)


def to_json(report: Report) -> dict[str, Any]:
    """The report as data (the JSON export)."""
    rec = report.recommendation
    return {
        "process": report.assessment.answers.get("process"),
        "date": report.assessment.finished_on,
        "answers": dict(report.assessment.answers),
        "assumed": list(report.assessment.assumed),
        "recommendation": rec.recommended.value if rec.recommended else None,
        "runner_up": rec.runner_up.value if rec.runner_up else None,
        "certainty": rec.certainty.value if rec.certainty else None,
        "tie": rec.tied and rec.hybrid is None,
        "hybrid": {"send": rec.hybrid.send.value, "keep": rec.hybrid.keep.value}
        if rec.hybrid
        else None,
        "margin": rec.margin,
        "scores": {m.value: rec.scores[m] for m in MODELS},
        "factors": [
            {
                "factor": f.label,
                "reason": f.reason,
                "points": {m.value: f.points[m] for m in MODELS},
            }
            for f in report.factors
        ],
        "assumptions": list(report.assumptions),
        "what_would_change": {
            "routes": [
                {
                    "option": verdict_code(route.target),
                    "changes": {slot.value: value for slot, value in route.changes},
                }
                for route in what_would_change(Answers.from_slots(report.assessment.answers)).routes
            ]
            if rec.recommended
            else [],
            "text": list(report.changes),
            "settled": report.settled,
        },
        "checklist": [{"heading": h, "items": list(items)} for h, items in report.checklist],
        "reminder": report.reminder,
    }


def verdict_code(verdict: Model | HybridSplit) -> str:
    """ "bpo", "kpo", "in_house", or "hybrid_bpo_kpo" / "hybrid_bpo_in_house"."""
    if isinstance(verdict, HybridSplit):
        return f"hybrid_{verdict.send.value}_{verdict.keep.value}"
    return verdict.value


@dataclass(frozen=True)
class PortfolioRow:
    """One assessed process in the comparison."""

    assessment: FinishedAssessment
    recommendation: Recommendation

    @property
    def process(self) -> str:
        return self.assessment.answers.get("process") or "(process not named)"

    @property
    def verdict(self) -> str:
        """ "BPO, a clear fit" / "a tie between BPO and KPO"."""
        rec = self.recommendation
        if rec.recommended is None:
            return "no recommendation"
        if rec.hybrid is not None:
            return f"a hybrid split, BPO + {rec.hybrid.keep.short_name}, {certainty_phrase(rec)}"
        if rec.tied and rec.runner_up is not None:
            return f"a tie between {rec.recommended.short_name} and {rec.runner_up.short_name}"
        return f"{rec.recommended.short_name}, {certainty_phrase(rec)}"


def build_portfolio(assessments: Iterable[FinishedAssessment]) -> tuple[PortfolioRow, ...]:
    return tuple(
        PortfolioRow(a, score(Answers.from_slots(a.answers), a.assumed)) for a in assessments
    )


def portfolio_text(rows: Sequence[PortfolioRow]) -> str:
    """The comparison as a chat message (markdown-light bullets)."""
    lines = [f"- **{row.process}**: {row.verdict}" for row in rows]
    counts = {
        m.short_name: sum(
            r.recommendation.recommended is m
            and not r.recommendation.tied
            and r.recommendation.hybrid is None
            for r in rows
        )
        for m in MODELS
    }
    counts["hybrid split"] = sum(r.recommendation.hybrid is not None for r in rows)
    summary = ", ".join(f"{name} {n}" for name, n in counts.items() if n)
    text = f"Here are the {len(rows)} processes you've assessed:\n" + "\n".join(lines)
    if summary:
        text += f"\n\nIn all: {summary}."
    return text


def signed(x: float) -> str:
    """Points as shown in tables: +2, −1.5, 0."""
    return "0" if x == 0 else (f"+{x:g}" if x > 0 else f"−{-x:g}")


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]
