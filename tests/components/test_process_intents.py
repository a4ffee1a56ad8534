"""The exact readings ProcessIntents puts over the classifiers' intent (no model needed)."""

from __future__ import annotations

from rasa.shared.nlu.training_data.message import Message

from components.process_intents import ProcessIntents


def _read(text: str, intent: str, confidence: float) -> str:
    message = Message(data={"text": text, "intent": {"name": intent, "confidence": confidence}})
    ProcessIntents().process([message])
    return str(message.get("intent")["name"])


def test_a_sure_decline_of_an_opener_that_asks_for_no_data_starts_the_assessment() -> None:
    opener = (
        "I run a recruitment agency (30 consultants) and they spend half the day screening CVs."
        " Would it make sense to outsource the CV screening?"
    )
    assert _read(opener, "out_of_source", 0.95) == "start_assessment"


def test_a_request_for_data_stays_declined() -> None:
    asking = "we might outsource our payroll, how much does a bpo charge per month?"
    assert _read(asking, "out_of_source", 0.95) == "out_of_source"
    assert _read("can you help me write my cv for a bpo job?", "faq", 0.6) == "out_of_source"


def test_the_last_answer_asked_again_for_one_model_is_a_follow_up() -> None:
    text = "Would those considerations differ materially for a KPO engagement?"
    assert _read(text, "classify_process", 0.59) == "follow_up"
    assert _read("and is it any different with kpo", "faq", 0.8) == "follow_up"
    assert _read("is payroll bpo or kpo?", "classify_process", 0.9) == "classify_process"
