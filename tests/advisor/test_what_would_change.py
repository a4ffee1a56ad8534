""" "What would change it?" is exact: the engine's smallest changes equal a brute
force over every combination of answers, for every combination of answers."""

import itertools

import pytest

from advisor.answers import Answers, values_of
from advisor.explain import render_what_would_change, verdict_name, verdict_of
from advisor.scoring import score
from advisor.sourcing import MODELS
from advisor.what_would_change import CLOSED_SLOTS, VERDICTS, what_would_change

pytestmark = (
    pytest.mark.slow
)  # brute force over every combination of answers: CI runs it, `make unit` does not

PRIORS = (None, "payroll", "research and development")  # none, BPO-typical, KPO-typical


def combinations(with_missing):
    options = [((None,) if with_missing else ()) + values_of(s) for s in CLOSED_SLOTS]
    for process, *values in itertools.product(PRIORS, *options):
        yield Answers(
            process=process, **{s.value: v for s, v in zip(CLOSED_SLOTS, values, strict=True)}
        )


ALL = list(combinations(with_missing=True))


def _values(answers):
    return tuple(answers.get(s) for s in CLOSED_SLOTS)


WINNER = {}
for _answers in ALL:
    _rec = score(_answers)
    WINNER[(_answers.process, _values(_answers))] = _rec.hybrid or (
        None if _rec.tied else _rec.recommended
    )


def brute_force(answers):
    """For each other option: the smallest number of changed answers that make
    it the recommendation, and every set of changes of that size."""
    here = _values(answers)
    current = WINNER[(answers.process, here)]
    # A missing answer can be given or stay missing; a given one can change.
    options = [
        values_of(s) + ((None,) if v is None else ())
        for s, v in zip(CLOSED_SLOTS, here, strict=True)
    ]
    best = {}
    for there in itertools.product(*options):
        model = WINNER[(answers.process, there)]
        if model is None or model == current:
            continue
        changes = tuple((s, b) for s, a, b in zip(CLOSED_SLOTS, here, there, strict=True) if a != b)
        size, found = best.get(model, (99, set()))
        if len(changes) < size:
            best[model] = (len(changes), {changes})
        elif len(changes) == size:
            found.add(changes)
    return current, {m: found for m, (_, found) in best.items()}


def test_the_smallest_changes_equal_a_brute_force_over_every_combination():
    routes_checked = 0
    for answers in ALL:
        if answers.is_empty():
            continue
        current, expected = brute_force(answers)
        found = what_would_change(answers)
        assert found.current == current
        for model in VERDICTS:
            if model == current:
                continue
            got = {route.changes for route in found.routes_to(model)}
            assert got == expected.get(model, set()), (answers, model)
            assert (model in found.unreachable) == (model not in expected)
            routes_checked += len(got)
        for slot in CLOSED_SLOTS:
            value = answers.get(slot)
            alone = [
                WINNER[(answers.process, _values(answers.updated({slot.value: v})))]
                for v in values_of(slot)
                if v != value
            ]
            settled = value is not None and all(w == current for w in alone)
            assert (slot in found.settled) == settled, (answers, slot)
    assert routes_checked > len(ALL)


def test_a_complete_answer_can_always_reach_every_other_option():
    for answers in combinations(with_missing=False):
        assert not set(what_would_change(answers).unreachable) & set(MODELS), answers


def test_the_message_names_the_changes_and_the_settled_answers():
    answers = Answers(
        process="customer care",
        core="core",
        complexity="mixed",
        qualifications="professional",
        sensitivity="low",
        goal="cost",
    )
    text = render_what_would_change(answers)
    assert text.startswith("My recommendation for customer care is keeping it in-house.")
    assert "- **KPO** if it were necessary but not what you're known for, or if" in text
    assert "- **A hybrid split between BPO and keeping it in-house** if basic skills" in text
    assert text.endswith(
        "Settled: a different answer about how routine or specialised the work is and how "
        "sensitive the data is alone wouldn't change it."
    )


@pytest.mark.parametrize("answers", [Answers(), Answers(process="payroll")])
def test_nothing_to_change_without_answers(answers):
    text = render_what_would_change(answers)
    assert text
    if answers.is_empty():
        assert "don't have any answers yet" in text


def test_every_sentence_is_true_when_replayed():
    # Each "**X** if A and B" sentence, applied to the answers, gives X.
    from advisor.explain import WOULD_BE

    phrases = {
        text: (slot, value) for slot, table in WOULD_BE.items() for value, text in table.items()
    }
    for answers in list(combinations(with_missing=False))[::7]:
        for line in render_what_would_change(answers).splitlines():
            if not line.startswith("- **"):
                continue
            name, rest = line[4:].split("** if ", 1)
            for condition in rest.rstrip(".").split(", or if "):
                parts = [p for p in phrases if p in condition]
                changes = {phrases[p][0]: phrases[p][1] for p in parts}
                verdict = verdict_of(score(answers.updated(changes)))
                assert verdict is not None and verdict_name(verdict).lower() == name.lower(), (
                    answers,
                    line,
                )
