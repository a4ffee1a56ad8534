"""The change-of-mind policy (components/change_of_mind.py) on real Rasa trackers: after the
recommendation, a changed answer that NLU misread as another intent is applied, then the
bot listens; anything else is left to the rules."""

from typing import Any

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from components.change_of_mind import UPDATE_ANSWERS, next_action

DOMAIN = Domain.from_yaml(
    """
intents: [faq, ask_why, inform]
slots:
  assessment_done: {type: bool, mappings: [{type: custom}]}
  sensitivity: {type: text, mappings: [{type: custom}]}
actions: [action_update_answers]
forms:
  assessment_form: {required_slots: []}
"""
)
ANSWER = {"answer": 0.9, "question": 0.05, "not_sure": 0.03, "clarify": 0.02}
QUESTION = {"answer": 0.05, "question": 0.9, "not_sure": 0.03, "clarify": 0.02}


def after_recommendation(text: str, intent: str, kinds: dict[str, float], *more: Any) -> Any:
    parse_data = {"intent": {"name": intent, "confidence": 0.8}, "message_kind": kinds}
    events = [
        ActionExecuted("action_listen"),
        SlotSet("sensitivity", "low"),
        SlotSet("assessment_done", True),
        *more,
        UserUttered(text, parse_data["intent"], parse_data=parse_data),
    ]
    return DialogueStateTracker.from_events("s", events, slots=DOMAIN.slots)


def test_a_change_misread_as_a_faq_is_applied_then_the_bot_listens() -> None:
    tracker = after_recommendation("wait, the data is highly confidential", "faq", ANSWER)
    assert next_action(tracker) == UPDATE_ANSWERS
    tracker.update(ActionExecuted(UPDATE_ANSWERS))
    assert next_action(tracker) == "action_listen"


@pytest.mark.parametrize(
    "text,intent,kinds,more",
    [
        ("what if the data were highly confidential?", "faq", QUESTION, ()),  # a question
        ("why? the data is highly confidential", "ask_why", ANSWER, ()),  # a command's rule
        ("the data is low sensitivity", "faq", ANSWER, ()),  # what is stored: no change
        # during an assessment the form reads every answer
        ("the data is highly confidential", "faq", ANSWER, (ActiveLoop("assessment_form"),)),
    ],
)
def test_everything_else_is_left_to_the_rules(
    text: str, intent: str, kinds: dict[str, float], more: tuple[Any, ...]
) -> None:
    assert next_action(after_recommendation(text, intent, kinds, *more)) is None
