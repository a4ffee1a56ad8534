"""Read what the assessment needs from a rasa-sdk Tracker."""
from typing import Any, Dict, List, Optional, Tuple

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

from advisor.answer_parser import parse_answers
from advisor.answers import ANSWER_SLOTS, Answers

# Intents that steer the conversation; inside the form they are never answers.
CONTROL_INTENTS = {
    "stop_assessment",
    "restart_assessment",
    "assess_another",
    "ask_provisional",
    "ask_why",
}
# Small talk and questions: digressions when NLU is sure, else maybe an answer.
CHAT_INTENTS = {"faq", "help", "bot_challenge", "greet", "thank", "goodbye"}
CHAT_INTENT_CONFIDENCE = 0.8


def latest_intent(tracker: Tracker) -> Tuple[Optional[str], float]:
    intent = tracker.latest_message.get("intent") or {}
    return intent.get("name"), float(intent.get("confidence") or 0.0)


def is_digression(tracker: Tracker) -> bool:
    """True if the latest message is not meant as an answer to the question."""
    name, confidence = latest_intent(tracker)
    if name in CONTROL_INTENTS:
        return True
    return name in CHAT_INTENTS and confidence >= CHAT_INTENT_CONFIDENCE


def last_bot_action(tracker: Tracker) -> Optional[str]:
    """Name of the last action before the latest user message (not action_listen)."""
    seen_user_message = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            seen_user_message = True
        elif seen_user_message and event.get("event") == "action":
            name = event.get("name")
            if name != "action_listen":
                return name
    return None


def answers_stop_confirmation(tracker: Tracker) -> bool:
    """A yes/no right after "Do you want to stop the assessment?" (rules handle it)."""
    name, _ = latest_intent(tracker)
    return name in {"affirm", "deny"} and last_bot_action(tracker) == "utter_confirm_stop"


def answers_in_latest_message(
    tracker: Tracker, expected: Optional[str] = None
) -> Dict[str, str]:
    """Answers found in the latest message: button payload entities first, then
    free text parsed by the advisor's answer parser. Invalid values are dropped."""
    message = tracker.latest_message
    text = message.get("text") or ""
    found: Dict[str, Any] = {}
    if not text.startswith("/"):  # a button payload carries no free text
        found.update(parse_answers(text, expected=expected))
    for entity in message.get("entities") or []:
        if entity.get("entity") in ANSWER_SLOTS:
            found[entity["entity"]] = entity.get("value")
    return Answers.from_slots(found).as_slots()


def current_answers(tracker: Tracker) -> Answers:
    return Answers.from_slots({slot: tracker.get_slot(slot) for slot in ANSWER_SLOTS})


def set_answers(answers: Dict[str, Optional[str]]) -> List[Dict[str, Any]]:
    return [SlotSet(slot, value) for slot, value in answers.items()]


def clear_answers(keep: Tuple[str, ...] = ()) -> List[Dict[str, Any]]:
    """Events that forget the answers (except `keep`) and any finished result."""
    cleared = {slot: None for slot in ANSWER_SLOTS if slot not in keep}
    return set_answers(cleared) + [
        SlotSet("unclear_answers", 0),
        SlotSet("assessment_done", False),
    ]
