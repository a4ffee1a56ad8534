"""Gate the build on free-text answers never trained on (tests/answers/holdout.yml).

Each hold-out answer goes through the real path: the trained Rasa model parses
it (intent, the kind model's probabilities and the answer model's guesses in the parse
data), then the turn interpreter (`advisor.reading.turn.interpret`) decides, with the
question open, whether it is an answer at all and what it says (an answer taken for a
question or a command is lost, so it counts as wrong).
An answer "leaves the right value" when the value is taken, or put to the user to
confirm, or offered as one of two to choose from — each of those ends on the right value
with one click; a "not sure" is right when it is recognised as one (the question is then
explained; a second "not sure" takes the stated default). Taking a wrong value, or
understanding nothing, counts against it.

Usage: python scripts/check_answer_holdout.py <model.tar.gz> <min-accuracy> [<results-dir>]
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

from advisor.reading.kind_model import Kind
from advisor.reading.turn import Decision, Turn, interpret
from advisor.reading.understanding import DEFAULTS

HOLDOUT = Path("tests/answers/holdout.yml")


UNSURE = "not sure"
RIGHT = ("taken", "confirm", "choose", UNSURE)


# Replies to one question that store a value for another (never given): at most this share.
MAX_OTHER_QUESTIONS = 0.03


def cases() -> list[tuple[str, str, str]]:
    """(slot, expected value, text); "unsure" texts are asked for every slot."""
    holdout = yaml.safe_load(HOLDOUT.read_text(encoding="utf-8"))["holdout"]
    found = [
        (slot, value, str(text))
        for slot, values in holdout.items()
        if slot != "unsure"
        for value, texts in values.items()
        for text in texts
    ]
    for index, text in enumerate(holdout.get("unsure") or []):
        slot = list(DEFAULTS)[index % len(DEFAULTS)]
        found.append((slot, UNSURE, str(text)))
    return found


def outcome(decision: Decision, slot: str, value: str) -> str:
    if decision.kind not in (Kind.ANSWER, Kind.NOT_SURE):
        return f"DIGRESSION ({decision.kind.value})"
    if value == UNSURE:
        return "not sure" if decision.kind is Kind.NOT_SURE else "WRONG (not sure missed)"
    taken = decision.answers.get(slot) or decision.assumed.get(slot)
    if taken:
        return "taken" if taken == value else "WRONG"
    if decision.confirm:
        return "confirm" if decision.confirm == (slot, value) else "WRONG confirm"
    if decision.choose:
        return "choose" if value in decision.choose[1] else "WRONG choose"
    return "UNCLEAR"


async def parse_all(model: str, texts: list[str]) -> list[dict[str, Any]]:
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # no debug line per parsed message
    logging.getLogger().setLevel(logging.WARNING)

    agent = Agent.load(model)
    return [await agent.parse_message(text) for text in texts]


def main() -> None:
    model, minimum = sys.argv[1], float(sys.argv[2])
    results = Path(sys.argv[3]) if len(sys.argv) > 3 else Path("results/answers")
    all_cases = cases()
    parsed = asyncio.run(parse_all(model, [text for _, _, text in all_cases]))
    rows = []
    for (slot, value, text), parse_data in zip(all_cases, parsed, strict=False):
        intent = parse_data.get("intent") or {}
        turn = Turn(
            text=text,
            open_question=slot,
            intent=intent.get("name"),
            intent_confidence=float(intent.get("confidence") or 0.0),
            kinds=parse_data.get("message_kind") or {},
            guesses=parse_data.get("answer_guesses") or {},
        )
        decision = interpret(turn)
        rows.append(
            {
                "slot": slot,
                "expected": value,
                "text": text,
                "outcome": outcome(decision, slot, value),
                "understood": decision.answers,
                # Values for other questions, from a reply that answers only this one: never
                # given, so each one is stored wrongly unless the user corrects it.
                "other_questions": {
                    k: v for k, v in decision.noted.items() if k not in (slot, "process")
                },
                "confirm": decision.confirm,
                "choose": decision.choose,
            }
        )
    counts = Counter(row["outcome"] for row in rows)
    right = sum(counts[kind] for kind in RIGHT)
    accuracy = right / len(rows)
    per_slot = {
        slot: sum(r["outcome"] in RIGHT for r in rows if r["slot"] == slot)
        / max(1, sum(r["slot"] == slot for r in rows))
        for slot in DEFAULTS
    }
    print(
        f"Answer hold-out: {len(rows)} answers, right value left {accuracy:.1%} "
        f"(gate {minimum:.0%}); " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
    )
    print("  per question: " + ", ".join(f"{s} {a:.0%}" for s, a in per_slot.items()))
    others = [row for row in rows if row["other_questions"]]
    print(
        f"  other questions' values stored from a reply to one: {len(others)} "
        f"({len(others) / len(rows):.1%}, at most {MAX_OTHER_QUESTIONS:.0%})"
    )
    for row in rows:
        if row["outcome"] not in RIGHT:
            print(
                f"  - [{row['slot']}={row['expected']}] {row['text']!r}: {row['outcome']} "
                f"{row['understood'] or row['confirm'] or row['choose'] or ''}"
            )
    results.mkdir(parents=True, exist_ok=True)
    summary = {
        "answers": len(rows),
        "accuracy": accuracy,
        "gate": minimum,
        "outcomes": dict(counts),
        "per_question": per_slot,
        "other_questions_stored": len(others),
        "rows": rows,
    }
    (results / "holdout_summary.json").write_text(json.dumps(summary, indent=2))
    if accuracy < minimum:
        sys.exit(f"FAIL: answer hold-out {accuracy:.1%} is below {minimum:.0%}")
    if len(others) > MAX_OTHER_QUESTIONS * len(rows):
        sys.exit(f"FAIL: {len(others)} replies stored values for questions they did not answer")


if __name__ == "__main__":
    main()
