"""Score the answers against BPO, KPO and keeping it in-house.

Deterministic and additive: each answer adds its row from `weights.WEIGHTS`,
each applicable `weights.RULES` entry adds its push, and a recognised process
adds a small prior towards its typical model. Works on partial answers: the
result is then provisional, and its certainty says so.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, replace
from enum import Enum
from functools import lru_cache

from advisor.answers import Answers, Complexity, Core, Goal, Sensitivity, Slot, values_of
from advisor.checklist import ChecklistItem, build_checklist
from advisor.process_catalogue import by_name, lookup
from advisor.questions import describe
from advisor.sourcing import MODELS, Model
from advisor.weights import (
    GAP_RULE,
    PROCESS_PRIOR,
    RULES,
    WEIGHT_TABLE,
    capability_gap,
    distinctive,
)

# The certainty rule (docs/scoring.md has it as a table). The margin is the
# recommended option's lead over the runner-up, in points.
CLOSE_CALL_BELOW = 2.5  # margins below this are a close call
CLEAR_FROM = 5.0  # margins from this are clear, when every question is answered
# Each answer the user wasn't sure of ("not sure": an assumed answer) takes this
# much off the margin, and an assumed answer never gives a clear result.
DOUBT_PENALTY = 1.0
# Highly sensitive data lowers certainty a little (scoring-principles): it takes
# this much off the margin. It never changes the model.
SENSITIVE_PENALTY = 1.0
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
class HybridSplit:
    """Split the work: the routine volume to `send` (a BPO), the judgement or
    what sets the firm apart to `keep` (kept in-house, or a KPO)."""

    keep: Model
    send: Model = Model.BPO


class HeldBack(str, Enum):
    """Why the certainty is lower than the margin alone would make it."""

    OPEN_QUESTIONS = "open questions"  # a provisional result is never clear
    NOT_SURE = "not sure"  # answers assumed because the user wasn't sure
    SENSITIVE_DATA = "sensitive data"
    KEEP_OR_FILL_THE_GAP = "keep or fill the gap"  # distinctive work, expertise lacking:
    # keeping it and outsourcing it both have a strong case
    SETS_YOU_APART = "sets you apart"  # outsourcing distinctive work is never clear


@dataclass(frozen=True)
class Recommendation:
    scores: Mapping[Model, float]
    contributions: tuple[Contribution, ...]
    recommended: Model | None  # None only when nothing is answered
    runner_up: Model | None
    margin: float  # recommended score minus runner-up score
    certainty: Certainty | None  # None only when nothing is answered
    settled: bool  # no combination of the missing answers could change the outcome
    answered: tuple[Slot, ...]
    missing: tuple[Slot, ...]
    checklist: tuple[ChecklistItem, ...]
    not_sure: tuple[Slot, ...] = ()  # answered, but assumed: the user wasn't sure
    held_back: tuple[HeldBack, ...] = ()  # what lowered the certainty below the margin's
    hybrid: HybridSplit | None = None  # the recommendation is this split (mixed answers)

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
        """Reasons *for* the recommendation, largest first: each puts it ahead of
        the runner-up and behind nothing (no neutral or two-edged reasons)."""
        if self.recommended is None or self.runner_up is None:
            return []
        return self.reasons_for(self.recommended, self.runner_up)[:n]

    def reasons_for(self, model: Model, against: Model) -> list[Contribution]:
        """Contributions that push `model` ahead of `against` and give no other
        option more than `model`; the largest lead over both others first."""
        found = [c for c in self._ranked(model, against) if favours(c, model)]
        return sorted(found, key=lambda c: -sum(c.toward(model, m) for m in MODELS))

    def strongest_against(self) -> tuple[Contribution, Model] | None:
        """The contribution that gives another option the largest lead over the
        recommendation, and that option: the "on the other side" point."""
        if self.recommended is None:
            return None
        best = self.recommended
        leads = [(c.toward(m, best), c, m) for c in self.contributions for m in MODELS]
        lead, c, model = max(leads, key=lambda x: x[0], default=(0.0, None, best))
        return (c, model) if c is not None and lead > 0 else None

    def _ranked(self, model: Model | None, against: Model | None) -> list[Contribution]:
        if model is None or against is None:
            return []
        pushing = [c for c in self.contributions if c.toward(model, against) > 0]
        return sorted(pushing, key=lambda c: -c.toward(model, against))


def favours(c: Contribution, model: Model) -> bool:
    """`c` gives `model` at least as much as any other option, and more than one."""
    others = [c.deltas[m] for m in MODELS if m is not model]
    return c.deltas[model] >= max(others) and c.deltas[model] > min(others)


def against(c: Contribution, model: Model) -> bool:
    """`c` gives some other option more than `model`."""
    return any(c.deltas[m] > c.deltas[model] for m in MODELS)


def score(answers: Answers, not_sure: Collection[str] = ()) -> Recommendation:
    """Score `answers`; `not_sure` names the slots whose answer was assumed
    because the user wasn't sure (they lower the certainty)."""
    key = _key(answers)
    contributions = _in_the_users_words(_contributions(key), answers.process)
    totals = _totals(contributions)
    if answers.is_empty():
        return Recommendation(
            totals, contributions, None, None, 0.0, None, False, (), answers.missing, ()
        )
    recommended, runner_up = _ranking(totals, answers.get(Slot.CORE))[:2]
    margin = totals[recommended] - totals[runner_up]
    outcome = _outcome(totals, key)
    settled = _possible_outcomes(key, answers.process is None) == {outcome}
    doubts = tuple(s for s in answers.answered if s.value in not_sure and s is not Slot.PROCESS)
    certainty, held_back = certainty_of(margin, answers, doubts, (recommended, runner_up))
    hybrid = outcome[2]
    checklist = build_checklist(
        answers,
        recommended,
        certainty is Certainty.CLOSE_CALL,
        runner_up,
        tied=margin == 0,
        hybrid_keeps=hybrid.keep if hybrid else None,
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
        doubts,
        held_back,
        hybrid,
    )


def leader(answers: Answers) -> Verdict:
    """The recommendation alone, cheaply: an option, a hybrid split, or None for
    a tie or no answers. For searches over many answer combinations
    (what_would_change)."""
    if answers.is_empty():
        return None
    key = _key(answers)
    first, tied_with, hybrid = _outcome(_totals(_contributions(key)), key)
    return hybrid or (None if tied_with is not None else first)


def _ranking(totals: Mapping[Model, float], core: str | None) -> list[Model]:
    order = DISTINCTIVE_TIE_ORDER if core == Core.CORE.value else TIE_ORDER
    return sorted(MODELS, key=lambda m: (-totals[m], order.index(m)))


Verdict = Model | HybridSplit | None  # what is recommended; None: a tie (or nothing)
# The winner, the other option of a tie, and the hybrid split (then the first
# two are None: which option leads within the split doesn't change the advice).
_Outcome = tuple[Model | None, Model | None, HybridSplit | None]


def _outcome(totals: Mapping[Model, float], key: _Key) -> _Outcome:
    _, core, complexity, _, _, goal = key
    first, second = _ranking(totals, core)[:2]
    hybrid = hybrid_split(first, second, totals[first] - totals[second], core, complexity, goal)
    if hybrid is not None:
        return None, None, hybrid
    return first, (second if totals[first] == totals[second] else None), None


def hybrid_split(
    first: Model,
    second: Model,
    margin: float,
    core: str | None,
    complexity: str | None,
    goal: str | None,
) -> HybridSplit | None:
    """A split when the answers are mixed (issue 25; Mudambi & Tallman 2010 on
    hybrids for distinctive work; Aron & Singh 2005 on codifiable vs judgement
    work):

    - work that sets the firm apart, with no capability gap, whose routine
      nature puts BPO first: keep what sets you apart, send the volume to BPO;
    - a mix of routine work and judgement, decided closely (margin below
      CLOSE_CALL_BELOW) between BPO and the other option: the routine part to
      BPO, the judgement to KPO (or kept, for distinctive work)."""
    distinctive_no_gap = core == Core.CORE.value and goal != Goal.EXPERTISE.value
    if distinctive_no_gap and first is Model.BPO:
        return HybridSplit(Model.IN_HOUSE)
    close = complexity == Complexity.MIXED.value and margin < CLOSE_CALL_BELOW
    if close and Model.BPO in (first, second):
        return HybridSplit(second if first is Model.BPO else first)
    return None


def certainty_of(
    margin: float, answers: Answers, doubts: tuple[Slot, ...], top_two: tuple[Model, Model]
) -> tuple[Certainty, tuple[HeldBack, ...]]:
    """The one certainty rule (docs/scoring.md):

    1. The effective margin is the margin less DOUBT_PENALTY per "not sure"
       answer and less SENSITIVE_PENALTY when the data is highly sensitive.
    2. Below CLOSE_CALL_BELOW it is a close call; so is any result for
       distinctive work with a capability gap (scoring-principles: "say it is
       a close call and why").
    3. From CLEAR_FROM it is clear, if every question is answered, none of the
       answers was "not sure", and it does not outsource work that sets the
       firm apart (against the advice to keep such work); otherwise leaning.

    Returns the certainty and what held it below what the bare margin gives:
    each condition that, lifted on its own, would give a higher certainty (all
    of them when only lifting them together would)."""
    conditions = {
        HeldBack.NOT_SURE: bool(doubts),
        HeldBack.SENSITIVE_DATA: answers.sensitivity is Sensitivity.HIGH,
        HeldBack.KEEP_OR_FILL_THE_GAP: distinctive(answers) and capability_gap(answers),
        HeldBack.OPEN_QUESTIONS: bool(answers.missing),
        HeldBack.SETS_YOU_APART: distinctive(answers) and top_two[0] is not Model.IN_HOUSE,
    }
    certainty = _rule(margin, len(doubts), conditions)
    if _RANK[certainty] >= _RANK[_bare_certainty(margin)]:
        return certainty, ()
    applied = [h for h, holds in conditions.items() if holds]
    decisive = [
        h
        for h in applied
        if _RANK[_rule(margin, len(doubts), {**conditions, h: False})] > _RANK[certainty]
    ]
    return certainty, tuple(decisive or applied)


def _rule(margin: float, doubts: int, holds: Mapping[HeldBack, bool]) -> Certainty:
    """Steps 1-3 of `certainty_of`, given which of its conditions hold."""
    effective = margin
    if holds[HeldBack.NOT_SURE]:
        effective -= DOUBT_PENALTY * doubts
    if holds[HeldBack.SENSITIVE_DATA]:
        effective -= SENSITIVE_PENALTY
    if holds[HeldBack.KEEP_OR_FILL_THE_GAP] or effective < CLOSE_CALL_BELOW:
        return Certainty.CLOSE_CALL
    blocked = (
        holds[HeldBack.OPEN_QUESTIONS] or holds[HeldBack.NOT_SURE] or holds[HeldBack.SETS_YOU_APART]
    )
    return Certainty.CLEAR if effective >= CLEAR_FROM and not blocked else Certainty.LEANING


_RANK = {Certainty.CLOSE_CALL: 0, Certainty.LEANING: 1, Certainty.CLEAR: 2}


def _bare_certainty(margin: float) -> Certainty:
    """What the margin alone would give."""
    if margin < CLOSE_CALL_BELOW:
        return Certainty.CLOSE_CALL
    return Certainty.CLEAR if margin >= CLEAR_FROM else Certainty.LEANING


def winner_with_gap_flipped(answers: Answers) -> Model | None:
    """The winner if the capability-gap assumption went the other way (only
    distinctive work has one): for "if you could/couldn't hire ..." sentences."""
    if not distinctive(answers):
        return None
    gap_rule = next(r for r in RULES if r.name == GAP_RULE)
    sign = -1.0 if capability_gap(answers) else 1.0
    totals = _totals(_contributions(_key(answers)))
    flipped = {m: totals[m] + sign * gap_rule.push.as_dict()[m] for m in MODELS}
    return _ranking(flipped, answers.get(Slot.CORE))[0]


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


def _in_the_users_words(
    contributions: tuple[Contribution, ...], process: str | None
) -> tuple[Contribution, ...]:
    """The process prior names the process as the user did ("contract review"),
    and the catalogue entry it matched only as the reason for the prior."""
    entry = lookup(process)
    if process is None or entry is None or process == entry.name:
        return contributions
    typical = f"{entry.name}, which is typically outsourced through {entry.typical.short_name}"
    summary = f"{process} is like {typical}"
    reason = (
        f"\u201c{_capitalise(process)}\u201d matches {typical}: {entry.note} "
        "(a weak hint next to your answers)."
    )
    return tuple(
        replace(c, reason=reason, summary=summary) if c.kind is Kind.PRIOR else c
        for c in contributions
    )


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


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
def _possible_outcomes(key: _Key, process_missing: bool) -> frozenset[_Outcome]:
    """Every outcome (winner, or tie) once the missing answers are given."""
    return frozenset(
        _outcome(_totals(_contributions(combo)), combo)
        for combo in completions(key, process_missing)
    )


def completions(key: _Key, process_missing: bool) -> Iterator[_Key]:
    """Every key the missing answers could turn `key` into (itself when complete)."""
    options = [
        _prior_options() if process_missing else (key[0],),
        *(
            (values_of(s) if value is None else (value,))
            for s, value in zip(_CLOSED_SLOTS, key[1:], strict=False)
        ),
    ]
    yield from itertools.product(*options)


def _possible_winners(key: _Key, process_missing: bool) -> frozenset[Model]:
    """Every model that could come first once the missing answers are given."""
    return frozenset(
        _ranking(_totals(_contributions(combo)), combo[1])[0]
        for combo in completions(key, process_missing)
    )
