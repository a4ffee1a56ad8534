"""Questions: plain wording, buttons and payloads; the parser accepts every button."""

import json

import pytest

from advisor.answers import ANSWER_SLOTS, Slot, values_of
from advisor.questions import QUESTIONS, button_payload, describe, value_name
from advisor.reading.answer_parser import parse_answers


def test_one_question_per_slot_in_order():
    assert list(QUESTIONS) == list(ANSWER_SLOTS)
    for slot, question in QUESTIONS.items():
        assert question.text.endswith("?") and question.hint and question.topic
        assert question.slot.value == slot


def test_core_question_is_asked_in_plain_words():
    text = QUESTIONS["core"].text.lower()
    assert "competitors" in text and "core competence" not in text


@pytest.mark.parametrize("slot", [s for s in ANSWER_SLOTS if s != "process"])
def test_buttons_cover_every_value(slot):
    assert {o.value for o in QUESTIONS[slot].options} == set(values_of(Slot(slot)))


def test_process_buttons_include_common_functions_and_free_text():
    values = [o.value for o in QUESTIONS["process"].options]
    assert {
        "customer care",
        "accounting",
        "technical support",
        "data analytics",
        "legal services",
    } <= set(values)
    assert values[-1] is None  # "Something else — type it"


def test_button_payload_is_an_inform_intent_with_json_entities():
    payload = button_payload("sensitivity", "high")
    assert payload == '/inform{"sensitivity": "high"}'
    assert json.loads(payload[len("/inform") :]) == {"sensitivity": "high"}
    assert button_payload("process", None) == "/inform"


@pytest.mark.parametrize(
    "slot,title,value",
    [(s, o.title, o.value) for s, q in QUESTIONS.items() for o in q.options],
)
def test_parser_understands_every_button_title(slot, title, value):
    expected = {slot: value} if value is not None else {}
    found = parse_answers(title, expected=slot)
    assert {k: v for k, v in found.items() if k == slot} == expected


def test_describe_and_value_name():
    assert describe("sensitivity", "high") == "the data is highly sensitive"
    assert value_name("goal", "cost") == "cutting costs"
    assert value_name("process", "payroll") == "payroll"
    assert describe("core", None) == "not answered yet"
