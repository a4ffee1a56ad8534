"""Answers: the slot vocabulary and its conversion from/to Rasa slots."""

import pytest

from advisor.answers import (
    ANSWER_SLOTS,
    COMPANY_WIDE_SLOTS,
    Answers,
    Complexity,
    Core,
    Slot,
    values_of,
)


def test_slot_order_and_names_are_the_rasa_slots():
    assert ANSWER_SLOTS == (
        "process",
        "core",
        "complexity",
        "qualifications",
        "sensitivity",
        "goal",
    )
    assert set(COMPANY_WIDE_SLOTS) <= set(ANSWER_SLOTS)


def test_value_sets_are_exactly_the_canonical_strings():
    assert values_of(Slot.CORE) == ("supporting", "important", "core")
    assert values_of(Slot.COMPLEXITY) == ("routine", "mixed", "expert")
    assert values_of(Slot.QUALIFICATIONS) == ("basic", "technical", "professional")
    assert values_of(Slot.SENSITIVITY) == ("low", "medium", "high")
    assert values_of(Slot.GOAL) == ("cost", "flexibility", "focus", "expertise")


def test_from_slots_ignores_unknown_slots_and_invalid_values():
    answers = Answers.from_slots(
        {
            "core": "CORE ",
            "complexity": "very hard",
            "goal": None,
            "requested_slot": "goal",
            "process": "  Customer   Care ",
        }
    )
    assert answers.core is Core.CORE
    assert answers.complexity is None
    assert answers.process == "customer care"
    assert answers.as_slots() == {"process": "customer care", "core": "core"}


def test_as_slots_holds_only_answered_plain_strings():
    answers = Answers(core="supporting", complexity=Complexity.ROUTINE)
    slots = answers.as_slots()
    assert slots == {"core": "supporting", "complexity": "routine"}
    assert all(type(v) is str for v in slots.values())
    assert Answers.from_slots(slots) == answers


def test_constructor_rejects_invalid_values():
    with pytest.raises(ValueError):
        Answers(sensitivity="extreme")


def test_updated_applies_valid_changes_and_clears_with_none():
    answers = Answers(core="core", goal="cost")
    assert answers.updated({"goal": "focus", "core": "nonsense", "other": "x"}) == Answers(
        core="core", goal="focus"
    )
    assert answers.updated({"goal": None}).goal is None


def test_answered_missing_and_empty():
    answers = Answers(process="payroll", goal="cost")
    assert answers.answered == (Slot.PROCESS, Slot.GOAL)
    assert Slot.CORE in answers.missing and len(answers.missing) == 4
    assert Answers().is_empty() and not answers.is_empty()


def test_long_process_text_is_cut_at_a_word():
    answers = Answers(
        process="the monthly reconciliation of supplier statements across all our subsidiaries"
    )
    assert len(answers.process) <= 60 and not answers.process.endswith(" ")
