"""Properties of the scoring engine over every combination of answers."""
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from advisor.answers import Answers, Slot, values_of
from advisor.checklist import Category
from advisor.process_catalogue import CATALOGUE
from advisor.scoring import Certainty, score
from advisor.sourcing import MODELS, Model


def maybe(slot):
    return st.one_of(st.none(), st.sampled_from(values_of(slot)))


processes = st.one_of(
    st.none(),
    st.sampled_from([entry.name for entry in CATALOGUE]),
    st.text(min_size=1, max_size=80),
)
answers_strategy = st.builds(
    Answers,
    process=processes,
    core=maybe(Slot.CORE),
    complexity=maybe(Slot.COMPLEXITY),
    qualifications=maybe(Slot.QUALIFICATIONS),
    sensitivity=maybe(Slot.SENSITIVITY),
    goal=maybe(Slot.GOAL),
)


def kpo_lead(answers):
    scores = score(answers).scores
    return scores[Model.KPO] - scores[Model.BPO]


def security_items(answers):
    return {i for i in score(answers).checklist if i.category is Category.SECURITY}


@settings(max_examples=150, deadline=None)
@given(answers=answers_strategy)
def test_raising_complexity_qualifications_or_coreness_never_lowers_kpo_over_bpo(answers):
    # Each factor alone, the other answers fixed (answered or not): more complex,
    # more qualified or more distinctive work never moves the scale towards BPO.
    for slot in (Slot.COMPLEXITY, Slot.QUALIFICATIONS, Slot.CORE):
        leads = [kpo_lead(answers.updated({slot.value: v})) for v in values_of(slot)]
        assert leads == sorted(leads), (slot, leads)


@settings(max_examples=150, deadline=None)
@given(answers=answers_strategy)
def test_raising_sensitivity_never_removes_security_items(answers):
    levels = [None, *values_of(Slot.SENSITIVITY)]
    item_sets = [security_items(answers.updated({"sensitivity": level})) for level in levels]
    for lower, higher in zip(item_sets, item_sets[1:]):
        assert lower <= higher


@settings(max_examples=200, deadline=None)
@given(answers=answers_strategy)
def test_any_answers_give_a_valid_result(answers):
    rec = score(answers)
    assert all(math.isfinite(rec.scores[m]) for m in MODELS)
    if answers.is_empty():
        assert rec.recommended is None and rec.certainty is None
    else:
        assert rec.recommended in MODELS and rec.runner_up in MODELS
        assert rec.recommended is not rec.runner_up
        assert rec.certainty in set(Certainty)
        assert rec.checklist, "a checklist whenever anything is answered"
        assert rec.margin >= 0
        assert rec.scores[rec.recommended] == max(rec.scores.values())
        assert len(rec.top_reasons(3)) <= 3
    assert set(rec.answered) | set(rec.missing) == set(Slot)
    total = {m: sum(c.deltas[m] for c in rec.contributions) for m in MODELS}
    assert all(math.isclose(total[m], rec.scores[m]) for m in MODELS)


@settings(max_examples=50, deadline=None)
@given(answers=answers_strategy)
def test_scoring_is_deterministic(answers):
    assert score(answers) == score(answers)


@settings(max_examples=100, deadline=None)
@given(answers=answers_strategy)
def test_high_sensitivity_on_routine_non_core_work_never_flips_the_model(answers):
    base = answers.updated({"complexity": "routine", "core": "supporting", "qualifications": "basic"})
    models = {score(base.updated({"sensitivity": s})).recommended for s in values_of(Slot.SENSITIVITY)}
    assert models == {Model.BPO}


@settings(max_examples=100, deadline=None)
@given(answers=answers_strategy, goal=st.sampled_from(values_of(Slot.GOAL)))
def test_goals_adjust_but_never_override_the_nature_of_the_work(answers, goal):
    routine = answers.updated({"complexity": "routine", "qualifications": "basic", "goal": goal})
    expert = answers.updated({"complexity": "expert", "qualifications": "professional", "goal": goal})
    assert kpo_lead(routine) < 0 < kpo_lead(expert)
