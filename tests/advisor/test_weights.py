"""The weights table: complete, traced, and built to the scoring principles."""

from advisor.answers import Answers, Core, Slot, values_of
from advisor.sourcing import Model
from advisor.weights import NEUTRAL, PROCESS_PRIOR, RULES, WEIGHT_TABLE, WEIGHTS


def lead(slot, value):
    push = WEIGHT_TABLE[(slot, value)].push
    return push.kpo - push.bpo


def spread(slot):
    leads = [lead(slot, v) for v in values_of(slot)]
    return max(leads) - min(leads)


def test_one_traced_row_per_answer_value():
    keys = [(w.slot, w.value) for w in WEIGHTS]
    assert len(keys) == len(set(keys))
    for slot in (Slot.CORE, Slot.COMPLEXITY, Slot.QUALIFICATIONS, Slot.SENSITIVITY, Slot.GOAL):
        for value in values_of(slot):
            weight = WEIGHT_TABLE[(slot, value)]
            assert weight.reason.endswith(".") and weight.trace


def test_work_nature_dominates_the_bpo_kpo_axis():
    # Complexity and qualifications separate BPO from KPO more than anything else...
    work = min(spread(Slot.COMPLEXITY), spread(Slot.QUALIFICATIONS))
    assert work > spread(Slot.GOAL) and work > spread(Slot.CORE) and work > spread(Slot.SENSITIVITY)
    # ...and no goal can outweigh even one of them.
    assert max(abs(lead(Slot.GOAL, g)) for g in values_of(Slot.GOAL)) < work / 2
    assert work / 2 > PROCESS_PRIOR


def test_rules_only_move_outsourcing_against_in_house():
    for rule in RULES:
        assert rule.push.bpo == rule.push.kpo, rule.name
        assert rule.push.in_house != 0 and rule.trace and rule.summary


def test_only_distinctive_work_earns_in_house_points():
    # Every non-neutral row but "sets us apart" gives in-house less than KPO, and
    # the priors give it nothing, so in-house can't come first without it.
    for weight in WEIGHTS:
        if (weight.slot, weight.value) != (Slot.CORE, Core.CORE.value) and weight.push != NEUTRAL:
            assert weight.push.in_house < weight.push.kpo, weight


def test_the_core_answer_never_favours_kpo_over_bpo():
    # Issue 25: being distinctive is an argument for keeping the work, not for
    # KPO; complexity and qualifications decide between BPO and KPO.
    for value in values_of(Slot.CORE):
        assert lead(Slot.CORE, value) == 0, value


def test_work_nature_rows_give_in_house_what_they_give_kpo_less_a_constant():
    # Needing experts means a KPO's or your own: in-house follows KPO along both
    # scales, so the keep-vs-KPO balance never turns back as expertise grows.
    for slot in (Slot.COMPLEXITY, Slot.QUALIFICATIONS):
        gaps = {
            WEIGHT_TABLE[(slot, v)].push.kpo - WEIGHT_TABLE[(slot, v)].push.in_house
            for v in values_of(slot)
        }
        assert len(gaps) == 1, (slot, gaps)


def test_sensitivity_rows_are_neutral():
    for value in values_of(Slot.SENSITIVITY):
        weight = WEIGHT_TABLE[(Slot.SENSITIVITY, value)]
        assert weight.push == NEUTRAL and "doesn't change the model" in weight.reason


# How a reason names the model it favours.
NAMED = {Model.BPO: ("BPO",), Model.KPO: ("KPO",), Model.IN_HOUSE: ("keep", "in-house")}


def test_every_reason_names_the_way_its_points_push():
    for item in (*WEIGHTS, *RULES):
        favours = item.push.favours()
        if item.push == NEUTRAL:
            continue  # checked above
        if set(favours) == {Model.BPO, Model.KPO}:
            assert "outsourc" in item.reason or ("BPO" in item.reason and "KPO" in item.reason)
        else:
            for model in favours:
                assert any(word in item.reason for word in NAMED[model]), (item, model)


def test_no_reason_asserts_the_capability_gap():
    for item in (*WEIGHTS, *RULES):
        assert "couldn't get" not in item.reason and "aren't missing" not in item.reason
        assert "aren't missing" not in getattr(item, "summary", "")


def test_rules_need_a_distinctive_process():
    everything = Answers(
        core="important",
        complexity="expert",
        qualifications="professional",
        sensitivity="high",
        goal="focus",
    )
    assert not any(rule.applies(everything) for rule in RULES)


def test_the_table_in_docs_matches_the_weights():
    from pathlib import Path

    from advisor import scoring

    doc = Path(__file__).parents[2].joinpath("docs", "scoring.md").read_text()
    rows = {
        "Mostly routine": (Slot.COMPLEXITY, "routine"),
        "A mix": (Slot.COMPLEXITY, "mixed"),
        "Needs expert judgement": (Slot.COMPLEXITY, "expert"),
        "Basic skills": (Slot.QUALIFICATIONS, "basic"),
        "Technical skills": (Slot.QUALIFICATIONS, "technical"),
        "Professional qualifications": (Slot.QUALIFICATIONS, "professional"),
        "Necessary, not what we're known for": (Slot.CORE, "supporting"),
        "Critical, but not unique": (Slot.CORE, "important"),
        "Sets us apart": (Slot.CORE, "core"),
        "Cut costs / flexible workforce": (Slot.GOAL, "cost"),
        "Focus on our core": (Slot.GOAL, "focus"),
        "Specialised expertise": (Slot.GOAL, "expertise"),
    }

    def shown(x):
        return "0" if x == 0 else (f"+{x:g}" if x > 0 else f"−{-x:g}")

    for title, key in rows.items():
        push = WEIGHT_TABLE[key].push
        row = f"| {title} | {shown(push.bpo)} | {shown(push.kpo)} | {shown(push.in_house)} |"
        assert row in doc, row
    for number in (scoring.CLOSE_CALL_BELOW, scoring.CLEAR_FROM):
        assert f"{number:g}" in doc
    assert scoring.DOUBT_PENALTY == scoring.SENSITIVE_PENALTY == 1  # "less 1 for each"
