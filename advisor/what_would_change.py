"""What would change the recommendation: the smallest changes of answers, exactly.

Found by enumeration, not guessed: for each other option, every set of answer
changes of the smallest size that makes it the recommendation (a clear winner,
not a tie), trying one changed answer, then two, and so on. The process stays as
named: it is the user's own words, not an answer to change. An answer is
*settled* when no other value of it alone (the rest as they are) changes the
recommendation.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass

from advisor.answers import Answers, Slot, values_of
from advisor.scoring import HybridSplit, Verdict, leader
from advisor.sourcing import MODELS, Model

CLOSED_SLOTS: tuple[Slot, ...] = (
    Slot.CORE,
    Slot.COMPLEXITY,
    Slot.QUALIFICATIONS,
    Slot.SENSITIVITY,
    Slot.GOAL,
)

Change = tuple[Slot, str]  # the slot and its new value
# Everything that can be recommended: an option, or a split of the work.
VERDICTS: tuple[Model | HybridSplit, ...] = (
    *MODELS,
    HybridSplit(Model.IN_HOUSE),
    HybridSplit(Model.KPO),
)


@dataclass(frozen=True)
class Route:
    """One smallest set of changes that makes `target` the recommendation."""

    target: Model | HybridSplit
    changes: tuple[Change, ...]  # in question order


@dataclass(frozen=True)
class WhatWouldChange:
    current: Verdict  # None: a tie
    routes: tuple[Route, ...]  # for each other verdict, every smallest route
    unreachable: tuple[Model | HybridSplit, ...]  # verdicts no change of answers leads to
    settled: tuple[Slot, ...]  # answered slots no other value of which alone changes it

    def routes_to(self, verdict: Model | HybridSplit) -> tuple[Route, ...]:
        return tuple(r for r in self.routes if r.target == verdict)

    @property
    def smallest(self) -> int:
        """How many answers the smallest change touches (0 when there is none)."""
        return min((len(r.changes) for r in self.routes), default=0)


def winner(answers: Answers) -> Verdict:
    """The recommendation (an option or a split), or None for a tie or no answers."""
    return leader(answers)


def what_would_change(answers: Answers) -> WhatWouldChange:
    current = winner(answers)
    routes: list[Route] = []
    unreachable: list[Model | HybridSplit] = []
    for target in VERDICTS:
        if target == current:
            continue
        found = _smallest_routes(answers, target)
        if found:
            routes += found
        else:
            unreachable.append(target)
    settled = tuple(
        slot
        for slot in CLOSED_SLOTS
        if answers.get(slot) is not None
        and all(
            winner(answers.updated({slot.value: v})) == current
            for v in values_of(slot)
            if v != answers.get(slot)
        )
    )
    return WhatWouldChange(current, tuple(routes), tuple(unreachable), settled)


def _smallest_routes(answers: Answers, target: Model | HybridSplit) -> list[Route]:
    for size in range(1, len(CLOSED_SLOTS) + 1):
        found = [
            Route(target, changes)
            for changes in _changes_of_size(answers, size)
            if winner(answers.updated({s.value: v for s, v in changes})) == target
        ]
        if found:
            return found
    return []


def _changes_of_size(answers: Answers, size: int) -> Iterator[tuple[Change, ...]]:
    """Every way to give `size` slots a value other than their current one."""
    for slots in itertools.combinations(CLOSED_SLOTS, size):
        alternatives = [[(s, v) for v in values_of(s) if v != answers.get(s)] for s in slots]
        yield from itertools.product(*alternatives)
