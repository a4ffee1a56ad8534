"""The turn interpreter (advisor.reading.turn) alone: what a message in an assessment means,
given where the conversation stands. Model outputs are given as the parse data would carry
them, so each case pins one decision rule."""

from dataclasses import replace

import pytest

from advisor.reading.kind_model import Kind
from advisor.reading.turn import Turn, changed_answers, interpret
from advisor.reading.understanding import DEFAULTS

QUESTION_KINDS = {"question": 0.93, "answer": 0.05, "not_sure": 0.01, "clarify": 0.01}
ANSWER_KINDS = {"answer": 0.95, "question": 0.03, "not_sure": 0.01, "clarify": 0.01}


def test_a_button_is_an_answer_whatever_else() -> None:
    decision = interpret(Turn("/inform", "core", buttons={"core": "core"}, kinds=QUESTION_KINDS))
    assert decision.kind is Kind.ANSWER and decision.answers == {"core": "core"}


def test_a_question_mid_form_is_a_question_even_with_a_hedge() -> None:
    turn = Turn("quick q, what are the risks tho", "sensitivity", kinds=QUESTION_KINDS)
    decision = interpret(turn)
    assert decision.kind is Kind.QUESTION
    assert not decision.stored()


def test_a_plain_answer_beats_a_question_guess() -> None:
    """Words that plainly answer the open question are an answer, whatever the models say."""
    turn = Turn("it's highly confidential client data", "sensitivity", kinds=QUESTION_KINDS)
    decision = interpret(turn)
    assert decision.kind is Kind.ANSWER
    assert decision.answers == {"sensitivity": "high"}


def test_first_not_sure_explains_and_the_second_takes_the_default() -> None:
    first = interpret(Turn("no idea tbh", "qualifications"))
    assert first.kind is Kind.NOT_SURE and first.explain and not first.stored()
    second = interpret(Turn("still not sure", "qualifications", tries=1))
    assert second.kind is Kind.NOT_SURE
    assert second.assumed == {"qualifications": DEFAULTS["qualifications"]}


def test_what_do_you_mean_is_not_not_sure() -> None:
    kinds = {"clarify": 0.9, "answer": 0.05, "question": 0.04, "not_sure": 0.01}
    decision = interpret(Turn("what do you mean?", "core", kinds=kinds))
    assert decision.kind is Kind.CLARIFY and decision.explain
    assert not decision.assumed and not decision.stored()


def test_yes_to_a_proposed_value_takes_it() -> None:
    pending = {"slot": "complexity", "kind": "confirm", "value": "mixed"}
    turn = Turn("yep", "complexity", pending=pending, tries=1, intent="affirm")
    assert interpret(turn).answers == {"complexity": "mixed"}


def test_a_repeated_reply_to_a_confirmation_takes_the_best_reading_not_the_prompt_again() -> None:
    pending = {"slot": "qualifications", "kind": "confirm", "value": "technical"}
    turn = Turn("standard accounting skills", "qualifications", pending=pending, tries=1)
    decision = interpret(turn)
    assert decision.confirm is None and decision.choose is None
    assert set(decision.assumed) == {"qualifications"}


def test_an_unclear_reply_after_an_unclear_reply_takes_the_default() -> None:
    decision = interpret(Turn("blue", "goal", tries=1, kinds=ANSWER_KINDS))
    assert decision.assumed == {"goal": DEFAULTS["goal"]}


def test_answers_to_other_questions_are_noted_not_hidden() -> None:
    turn = Turn("salary data, so highly sensitive", "complexity", kinds=ANSWER_KINDS)
    decision = interpret(turn)
    assert decision.noted == {"sensitivity": "high"}
    assert "complexity" not in decision.stored()
    assert decision.confirm is None, "no reading of the open question from another's answer"


def test_a_change_of_mind_is_read_with_no_question_open() -> None:
    decision = interpret(Turn("actually our data is highly sensitive", None))
    assert decision.stored() == {"sensitivity": "high"}


def test_a_command_is_left_to_the_rules() -> None:
    turn = Turn("stop", "core", intent="stop_assessment", intent_confidence=0.97)
    assert interpret(turn).kind is Kind.CONTROL


def test_doubt_with_a_reason_around_it_gets_help_before_any_value() -> None:
    hedged = interpret(Turn("honestly not sure. the forms are all public anyway", "sensitivity"))
    assert hedged.kind is Kind.NOT_SURE and hedged.explain and not hedged.stored()
    committed = interpret(Turn("not sure, i'd say highly sensitive", "sensitivity"))
    assert committed.stored() == {"sensitivity": "high"}


def test_who_knows_the_work_is_an_answer_not_doubt() -> None:
    decision = interpret(
        Turn("a clerk who knows sage payroll, with the certificate", "qualifications")
    )
    assert decision.kind is not Kind.NOT_SURE
    sure_answer = {"answer": 0.97, "not_sure": 0.01, "question": 0.02}
    doubtful = "not sure really, we don't know much about payroll software"
    assert interpret(Turn(doubtful, "qualifications", kinds=sure_answer)).kind is not Kind.NOT_SURE


def test_doubt_about_the_subject_is_a_question_not_doubt_about_the_open_question() -> None:
    asking = {"question": 0.99, "not_sure": 0.002, "answer": 0.0}
    text = "before I answer - I'm not sure whether AML investigations would count as KPO?"
    turn = Turn(text, "goal", intent="classify_process", intent_confidence=0.74, kinds=asking)
    decision = interpret(turn)
    assert decision.kind is Kind.QUESTION and not decision.stored()


def test_a_sure_question_is_asked_even_when_its_words_read_as_an_answer() -> None:
    asking = {"question": 0.999, "answer": 0.001}
    text = "wait, what does bpo actually mean? someone used it and i just nodded along"
    turn = Turn(text, "qualifications", intent="faq", intent_confidence=0.76, kinds=asking)
    decision = interpret(turn)
    assert decision.kind is Kind.QUESTION and not decision.stored()


def test_a_likely_question_intent_the_kind_model_allows_is_a_question() -> None:
    torn = {"control": 0.55, "question": 0.45}
    text = "wait whats kpo again, is that like the posh version"
    turn = Turn(text, "complexity", intent="faq", intent_confidence=0.66, kinds=torn)
    assert interpret(turn).kind is Kind.QUESTION


def test_a_long_unknown_process_is_taken_in_the_users_words() -> None:
    text = "updating the donor database and sending out the thank you letters for donations"
    decision = interpret(Turn(text, "process", kinds={"control": 0.41, "answer": 0.28}))
    assert decision.answers["process"].startswith("updating the donor database")


STORED = {"core": "supporting", "complexity": "routine", "qualifications": "basic",
          "sensitivity": "low", "goal": "cost"}  # fmt: skip


@pytest.mark.parametrize(
    "text,changed",
    [
        ("hang on, that data is highly confidential actually", {"sensitivity": "high"}),
        ("the data isn't sensitive at all", {}),  # what is stored already: no change
        ("let's look at our payroll instead", {}),  # a new process is a new assessment
        ("/faq", {}),  # a button payload is never read as a change
    ],
)
def test_a_change_of_mind_after_the_recommendation(text: str, changed: dict[str, str]) -> None:
    assert changed_answers(Turn(text, None, intent="faq", kinds=ANSWER_KINDS), STORED) == changed


def test_a_question_is_no_change_of_mind() -> None:
    turn = Turn("what if the data were highly confidential?", None, kinds=QUESTION_KINDS)
    assert changed_answers(turn, STORED) == {}


def test_a_faint_command_over_a_reading_of_the_open_question_is_an_answer() -> None:
    # NLU leans (0.33) to "show the report" and the kind model to a command, but the rules
    # read the reply as the process asked for.
    kinds = {"control": 0.65, "answer": 0.28, "question": 0.03, "smalltalk": 0.04}
    turn = Turn("first-pass document review for litigation", "process", intent="show_report",
                intent_confidence=0.33, kinds=kinds)  # fmt: skip
    decision = interpret(turn)
    assert decision.kind is Kind.ANSWER and "process" in decision.answers
    # A likely command is still one.
    sure = interpret(replace(turn, text="show me the report", intent_confidence=0.8))
    assert sure.kind is Kind.CONTROL


UNSURE_QUESTION_KINDS = {"question": 0.71, "answer": 0.21, "smalltalk": 0.08}


@pytest.mark.parametrize(
    "text", ["pricing consigned bags before they go live", "checking supplier invoices vs orders"]
)
def test_to_the_process_question_a_reply_not_put_as_a_question_is_the_name(text: str) -> None:
    """The kind model only fairly sure it is a question, NLU unsure: a name."""
    turn = Turn(text, "process", intent="faq", intent_confidence=0.43, kinds=UNSURE_QUESTION_KINDS)
    decision = interpret(turn)
    assert decision.kind is Kind.ANSWER
    assert decision.answers["process"] in text  # in the user's words


@pytest.mark.parametrize(
    "text",
    [
        "wait is our returns processing bpo",  # a question word first, no question mark
        "hmm, what are the risks",
        "tell me the benefits first",
        "returns processing: bpo or kpo",
        "pricing consigned bags?",
    ],
)
def test_to_the_process_question_a_question_stays_a_question(text: str) -> None:
    turn = Turn(text, "process", intent="faq", intent_confidence=0.43, kinds=UNSURE_QUESTION_KINDS)
    assert interpret(turn).kind is Kind.QUESTION


def test_to_other_questions_a_likely_question_stays_a_question() -> None:
    turn = Turn(
        "pricing consigned bags before they go live",
        "core",
        intent="faq",
        intent_confidence=0.43,
        kinds=UNSURE_QUESTION_KINDS,
    )
    assert interpret(turn).kind is Kind.QUESTION
