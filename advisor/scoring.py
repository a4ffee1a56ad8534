"""Score the answers against BPO, KPO and keeping it in-house.

Deterministic and additive: each answer adds its row from `weights.WEIGHTS`,
each applicable `weights.RULES` entry adds its push, and a recognised process
adds a small prior towards its typical model. Works on partial answers: the
result is then provisional, and its certainty says so.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache

from advisor.answers import Answers, Core, Sensitivity, Slot, values_of
from advisor.checklist import ChecklistItem, build_checklist
from advisor.process_catalogue import by_name, lookup
from advisor.questions import describe
from advisor.sourcing import MODELS, Model
from advisor.weights import PROCESS_PRIOR, RULES, WEIGHT_TABLE, capability_gap, distinctive

CLOSE_CALL_BELOW = 2.5  # margins below this are a close call
CLEAR_FROM = 5.0  # margins from this are clear, if nothing else holds it back
MIN_ANSWERS_FOR_CLEAR = 5  # of 6: a provisional recommendation is never "clear"
# Highly sensitive data lowers certainty a little (scoring-principles): "clear"
# then needs a margin this much wider. It never changes the model.
SENSITIVE_CLEAR_EXTRA = 1.0
# Ties go to the earlier model. BPO first: the umbrella term and the most common
# arrangement (source: "BPO is an umbrella term ..."). For work that sets the
# firm apart, keeping it comes first: what you keep while you pilot can still be
# outsourced, knowledge handed over is hard to get back (Mudambi & Tallman 2010).
TIE_ORDER: tuple[Model, ...] = MODELS
DISTINCTIVE_TIE_ORDER: tuple[Model, ...] = (Model.IN_HOUSE, Model.KPO, Model.BPO)


class Certainty(str, Enum):
    CLEAR = "clear"
    LEANING = "leaning"
    CLOSE_CALL = "close call"


class Kind(str, Enum):
    ANSWER = "answer"
    RULE = "rule"
    PRIOR = "prior"


@dataclass(frozen=True)
class Contribution:
    """What one answer (or rule, or the process prior) added to each model."""

    factor: str  # slot name, or the rule's name
    value: str | None  # the answer (None for a rule)
    deltas: Mapping[Model, float]
    reason: str  # a full sentence: why this pushes the way it does
    summary: str  # a short clause: "the work is routine and rule-based"
    kind: Kind = Kind.ANSWER

    def toward(self, model: Model, against: Model) -> float:
        """How much this pushed `model` ahead of `against`."""
        return self.deltas[model] - self.deltas[against]

    @property
    def spread(self) -> float:
        return max(self.deltas.values()) - min(self.deltas.values())


@dataclass(frozen=True)
class Recommendation:
    scores: Mapping[Model, float]
    contributions: tuple[Contribution, ...]
    recommended: Model | None  # None only when nothing is answered
    runner_up: Model | None
    margin: float  # recommended score minus runner-up score
    certainty: Certainty | None  # None only when nothing is answered
    settled: bool  # no combination of the missing answers could change the model
    answered: tuple[Slot, ...]
    missing: tuple[Slot, ...]
    checklist: tuple[ChecklistItem, ...]

    @property
    def tied(self) -> bool:
        """The two leading models score the same: no winner to name."""
        return self.recommended is not None and self.margin == 0

    def top_reasons(self, n: int = 3) -> list[Contribution]:
        """The contributions that pushed the recommendation furthest ahead of
        the runner-up, largest first."""
        return self._ranked(self.recommended, self.runner_up)[:n]

    def counter_reasons(self, n: int = 1) -> list[Contribution]:
        """The strongest pushes towards the runner-up instead."""
        return self._ranked(self.runner_up, self.recommended)[:n]

    def key_reasons(self, n: int = 3) -> list[Contribution]:
        """What made the recommendation win over *both* alternatives, largest
        first (e.g. for KPO: expert work beats BPO, the cost goal beats in-house)."""
        if self.recommended is None:
            return []
        model = self.recommended
        others = [m for m in MODELS if m is not model]

        def advantage(c: Contribution) -> float:
            return sum(c.toward(model, other) for other in others)

        return sorted(
            (c for c in self.contributions if advantage(c) > 0), key=advantage, reverse=True
        )[:n]

    def _ranked(self, model: Model | None, against: Model | None) -> list[Contribution]:
        if model is None or against is None:
            return []
        pushing = [c for c in self.contributions if c.toward(model, against) > 0]
        return sorted(pushing, key=lambda c: -c.toward(model, against))


def score(answers: Answers) -> Recommendation:
    key = _key(answers)
    contributions = _contributions(key)
    totals = _totals(contributions)
    if answers.is_empty():
        return Recommendation(
            totals, contributions, None, None, 0.0, None, False, (), answers.missing, ()
        )
    recommended, runner_up = _ranking(totals, answers.get(Slot.CORE))[:2]
    margin = totals[recommended] - totals[runner_up]
    settled = _possible_winners(key, answers.process is None) == {recommended}
    certainty = _certainty(margin, settled, answers, (recommended, runner_up))
    checklist = build_checklist(
        answers, recommended, certainty is Certainty.CLOSE_CALL, runner_up, tied=margin == 0
    )
    return Recommendation(
        totals,
        contributions,
        recommended,
        runner_up,
        margin,
        certainty,
        settled,
        answers.answered,
        answers.missing,
        checklist,
    )


def _ranking(totals: Mapping[Model, float], core: str | None) -> list[Model]:
    order = DISTINCTIVE_TIE_ORDER if core == Core.CORE.value else TIE_ORDER
    return sorted(MODELS, key=lambda m: (-totals[m], order.index(m)))


def _certainty(
    margin: float, settled: bool, answers: Answers, top_two: tuple[Model, Model]
) -> Certainty:
    if margin < CLOSE_CALL_BELOW or _keep_or_fill_the_gap(answers, top_two):
        return Certainty.CLOSE_CALL
    needed = CLEAR_FROM + (
        SENSITIVE_CLEAR_EXTRA if answers.sensitivity is Sensitivity.HIGH else 0.0
    )
    # Clear needs a wide margin, (nearly) all answers, no way for the missing
    # ones to change the model, and the same model one step either side of the
    # core answer (the hardest question to answer, and the one that decides
    # keep vs outsource).
    clear = (
        margin >= needed
        and settled
        and len(answers.answered) >= MIN_ANSWERS_FOR_CLEAR
        and _survives_a_core_step(answers, top_two[0])
    )
    return Certainty.CLEAR if clear else Certainty.LEANING


def _keep_or_fill_the_gap(answers: Answers, top_two: tuple[Model, Model]) -> bool:
    """Distinctive work with an (assumed) capability gap, decided between keeping
    it and outsourcing it: a close call whatever the margin (scoring-principles)."""
    return distinctive(answers) and capability_gap(answers) and Model.IN_HOUSE in top_two


def _survives_a_core_step(answers: Answers, model: Model) -> bool:
    core = answers.get(Slot.CORE)
    if core is None:
        return True  # `settled` already covers every core answer
    scale = values_of(Slot.CORE)
    here = scale.index(core)
    neighbours = [scale[i] for i in (here - 1, here + 1) if 0 <= i < len(scale)]
    return all(
        _possible_winners(_key(answers.updated({"core": n})), answers.process is None) == {model}
        for n in neighbours
    )


# --- the additive model, cached on the answer values -----------------------------

_Answer = str | None
_Key = tuple[_Answer, _Answer, _Answer, _Answer, _Answer, _Answer]
_CLOSED_SLOTS = (Slot.CORE, Slot.COMPLEXITY, Slot.QUALIFICATIONS, Slot.SENSITIVITY, Slot.GOAL)


def _key(answers: Answers) -> _Key:
    """What scoring depends on: the closed answers and the process's catalogue
    entry (an unrecognised process adds nothing)."""
    entry = lookup(answers.process)
    values = tuple(answers.get(s) for s in _CLOSED_SLOTS)
    return (entry.name if entry else None, *values)  # type: ignore[return-value]


@lru_cache(maxsize=4096)
def _contributions(key: _Key) -> tuple[Contribution, ...]:
    process, *values = key
    answers = Answers.from_slots({s.value: v for s, v in zip(_CLOSED_SLOTS, values, strict=False)})
    found: list[Contribution] = []
    if process is not None:
        entry = by_name(process)
        deltas = {m: (PROCESS_PRIOR if m is entry.typical else 0.0) for m in MODELS}
        typical = f"{process} is typically outsourced through {entry.typical.short_name}"
        hint = "(a weak hint next to your answers)"
        reason = f"{typical[0].upper()}{typical[1:]}: {entry.note} {hint}."
        found.append(Contribution(Slot.PROCESS.value, process, deltas, reason, typical, Kind.PRIOR))
    for slot, value in zip(_CLOSED_SLOTS, values, strict=False):
        if value is not None:
            weight = WEIGHT_TABLE[(slot, value)]
            found.append(
                Contribution(
                    slot.value,
                    value,
                    weight.push.as_dict(),
                    weight.reason,
                    describe(slot.value, value),
                )
            )
    for rule in RULES:
        if rule.applies(answers):
            found.append(
                Contribution(
                    rule.name, None, rule.push.as_dict(), rule.reason, rule.summary, Kind.RULE
                )
            )
    return tuple(found)


def _totals(contributions: tuple[Contribution, ...]) -> dict[Model, float]:
    return {m: sum(c.deltas[m] for c in contributions) for m in MODELS}


@lru_cache(maxsize=1)
def _prior_options() -> tuple[str | None, ...]:
    """One catalogue process per typical model, plus none: every prior a
    missing process answer could add."""
    from advisor.process_catalogue import CATALOGUE

    firsts = {entry.typical: entry.name for entry in reversed(CATALOGUE)}
    return (None, *firsts.values())


@lru_cache(maxsize=4096)
def _possible_winners(key: _Key, process_missing: bool) -> frozenset[Model]:
    """Every model that could come first once the missing answers are given."""
    options = [
        _prior_options() if process_missing else (key[0],),
        *(
            (values_of(s) if value is None else (value,))
            for s, value in zip(_CLOSED_SLOTS, key[1:], strict=False)
        ),
    ]
    winners = {
        _ranking(_totals(_contributions(tuple(combo))), combo[1])[0]
        for combo in itertools.product(*options)
    }
    return frozenset(winners)
