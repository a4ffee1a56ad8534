"""Answers named outright (advisor/reading/explicit.py), and how they override the other
words of a message (advisor/reading/answer_parser.py) and open a change of mind
(advisor/reading/turn.py)."""

import pytest

from advisor.reading.answer_parser import read_answers
from advisor.reading.explicit import explicit_answers
from advisor.reading.text import normalise
from advisor.reading.turn import Turn, changed_answers

STORED = {
    "core": "supporting",
    "complexity": "routine",
    "qualifications": "basic",
    "sensitivity": "low",
    "goal": "cost",
}
QUESTION_KINDS = {"question": 0.6, "answer": 0.2, "control": 0.2}


@pytest.mark.parametrize(
    "text,named",
    [
        (
            "our partner says it's the heart of the firm, so please treat it as core",
            {"core": "core"},
        ),
        ("ok then, call it important", {"core": "important"}),
        ("put goal = flexibility", {"goal": "flexibility"}),
        ("please amend the sensitivity to high", {"sensitivity": "high"}),
        ("the work is routine", {"complexity": "routine"}),
        ("basic rather than technical skills", {"qualifications": "basic"}),
        ("honestly it's more of a mix than routine", {"complexity": "mixed"}),
        ("not low, more like medium", {"sensitivity": "medium"}),
        ("not cost, but focus", {"goal": "focus"}),
    ],
)
def test_a_value_named_outright(text: str, named: dict[str, str]) -> None:
    assert explicit_answers([normalise(text)], []) == named


@pytest.mark.parametrize(
    "text",
    [
        "the data is highly sensitive",  # a reading for the cue rules, not a value's name
        "our work is high volume",  # "high" is no value of the work's complexity
        "the goal is not cost",  # negated: for the cue rules
        "data entry is low skill",
        "customer support is important to us",
        "technical rather than low",  # two different questions: no choice between them
    ],
)
def test_nothing_named_outright(text: str) -> None:
    assert explicit_answers([normalise(text)], []) == {}


def test_a_named_value_overrides_the_other_words() -> None:
    text = "we must stop spending evenings on it so we can raise money. change the goal to focus"
    assert read_answers(text).found.get("goal") == "focus"


def test_a_question_names_nothing_but_a_request_does() -> None:
    assert "goal" not in read_answers("is the goal focus?").found
    assert read_answers("could you change the goal to focus?").found["goal"] == "focus"


def test_a_change_named_outright_is_applied_whatever_the_kind_model_says() -> None:
    turn = Turn("the founder insists, so call it core", kinds=QUESTION_KINDS, in_assessment=False)
    assert changed_answers(turn, STORED) == {"core": "core"}
    vague = Turn("the founder insists it matters a lot", kinds=QUESTION_KINDS)
    assert changed_answers(vague, STORED) == {}


@pytest.mark.parametrize(
    "text,slot,value",
    [
        (
            "Moderate. The drawings are commercially confidential, but there is no personal data.",
            "sensitivity",
            "medium",
        ),
        (
            "Important. It has to be right, but it isn't what clients pick us for.",
            "core",
            "important",
        ),
        ("Mostly routine. Some days a weird case needs a senior to look.", "complexity", "routine"),
    ],
)
def test_an_answer_given_up_front_is_the_answer_whatever_the_explanation(
    text: str, slot: str, value: str
) -> None:
    reading = read_answers(text, slot)
    assert reading.found[slot] == value and slot in reading.led


def test_a_yes_up_front_is_read_with_the_rest() -> None:
    assert "sensitivity" not in read_answers("Yes. Nothing personal though.", "sensitivity").led
