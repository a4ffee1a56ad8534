"""The weights table: complete, traced, and built to the scoring principles."""
from advisor.answers import Answers, Slot, values_of
from advisor.weights import PROCESS_PRIOR, RULES, WEIGHT_TABLE, WEIGHTS


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
    assert PROCESS_PRIOR < work / 2


def test_rules_only_move_outsourcing_against_in_house():
    for rule in RULES:
        assert rule.push.bpo == rule.push.kpo, rule.name
        assert rule.push.in_house > 0 and rule.trace and rule.summary


def test_rules_need_a_distinctive_process():
    everything = Answers(core="important", complexity="expert", qualifications="professional",
                         sensitivity="high", goal="focus")
    assert not any(rule.applies(everything) for rule in RULES)
