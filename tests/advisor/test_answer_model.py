"""The learned answer reader on its own (advisor.reading.answer_model), fitted once per
session on data/answers (tests/conftest.py)."""

from pathlib import Path

import pytest

from advisor.reading.answer_model import AnswerModel, clauses, load_examples

# Fits the answer model (once per session): CI runs it, `make unit` does not.
pytestmark = pytest.mark.slow

EXAMPLES = Path(__file__).resolve().parents[2] / "data" / "answers"


@pytest.fixture(scope="module")
def model(answer_model: AnswerModel) -> AnswerModel:
    return answer_model


def best(model: AnswerModel, text: str, slot: str) -> tuple:
    value, given, _ = model.guess(text)[slot][0]
    return value, given


def test_every_slot_file_loads_with_many_examples_per_value():
    examples = load_examples(EXAMPLES)
    assert set(examples) == {"core", "complexity", "qualifications", "sensitivity", "goal"}
    for values in examples.values():
        assert all(len(texts) >= 60 for texts in values.values())


def test_reads_each_answer_of_a_message_clause_by_clause(model):
    text = "nope not core, simple repetitive stuff, and no sensitive data at all"
    assert best(model, text, "core")[0] == "supporting"
    assert best(model, text, "complexity")[0] == "routine"
    assert best(model, text, "sensitivity")[0] == "low"


def test_a_question_says_little_about_any_answer(model):
    guesses = model.guess("what are the benefits of kpo?")
    assert all(p < 0.5 for values in guesses.values() for _, _, p in values)


def test_button_payloads_and_empty_text_are_not_read(model):
    assert model.guess('/inform{"core": "core"}') == {}
    assert model.guess("   ") == {}


def test_saved_model_gives_the_same_guesses(model, tmp_path):
    model.save(tmp_path)
    loaded = AnswerModel.load(tmp_path)
    text = "our lawyers have to sign it off, it's all client confidential"
    assert loaded.guess(text) == model.guess(text)


def test_clauses_split_on_punctuation_and_joining_words():
    assert clauses("not core and fairly routine, no PII") == [
        "not core and fairly routine, no pii",
        "not core",
        "fairly routine",
        "no pii",
    ]
    assert clauses("just payroll") == ["just payroll"]
