"""Read what the assessment needs from a rasa-sdk Tracker."""

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

from advisor.answer_parser import parse_answers
from advisor.answers import ANSWER_SLOTS, Answers
from advisor.understanding import Understanding, understand

# The guesses of the answer model (components/answer_guesser.py) in the parse data.
GUESSES_KEY = "answer_guesses"

# Intents that steer the conversation; inside the form they are never answers.
CONTROL_INTENTS = {
    "stop_assessment",
    "restart_assessment",
    "assess_another",
    "compare_processes",
    "show_report",
    "ask_provisional",
    "ask_why",
}
# Small talk and questions: digressions when NLU is sure, else maybe an answer.
CHAT_INTENTS = {
    "faq",
    "help",
    "bot_challenge",
    "greet",
    "thank",
    "goodbye",
    "out_of_source",
    "follow_up",
}
CHAT_INTENT_CONFIDENCE = 0.8


def user_text(tracker: Tracker) -> str:
    """The user's whole latest message (NLU may classify a narrowed `text`)."""
    message = tracker.latest_message
    return str(message.get("full_text") or message.get("text") or "")


def latest_intent(tracker: Tracker) -> tuple[str | None, float]:
    intent = tracker.latest_message.get("intent") or {}
    return intent.get("name"), float(intent.get("confidence") or 0.0)


# A reading of the open question this plain is an answer, whatever intent NLU guessed:
# "that is our edge over every other installer" is not "start over", and "it's what
# makes our practice stand out" is not a question about benefits.
ANSWER_OVER_INTENT = 0.7
# A probable answer (worth a "Sounds like X — right?") beats an unsure intent guess.
PROBABLE_ANSWER = 0.3
SURE_INTENT = 0.9
QUESTION_OR_COMMAND = CONTROL_INTENTS | {"faq"}


def is_digression(
    intent: str | None, confidence: float, understood: Understanding, requested: str | None
) -> bool:
    """True if the latest message is not meant as an answer to the open question."""
    digression = intent in CONTROL_INTENTS or (
        intent in CHAT_INTENTS and confidence >= CHAT_INTENT_CONFIDENCE
    )
    if not digression or requested is None or not understood.values(requested):
        return digression
    if understood.strength >= ANSWER_OVER_INTENT:
        return False
    if understood.strength < PROBABLE_ANSWER:
        return True
    # A probable answer is put to the user to confirm, which costs little if wrong; so it
    # gives way only to a sure question or command, not to small talk or "no data" guesses.
    return intent in QUESTION_OR_COMMAND and confidence >= SURE_INTENT


def last_bot_action(tracker: Tracker) -> str | None:
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


def answers_in_latest_message(tracker: Tracker, expected: str | None = None) -> dict[str, str]:
    """Answers found in the latest message: button payload entities first, then
    free text parsed by the advisor's answer parser. Invalid values are dropped."""
    message = tracker.latest_message
    text = user_text(tracker)
    found: dict[str, Any] = {}
    if not text.startswith("/"):  # a button payload carries no free text
        found.update(parse_answers(text, expected=expected))
    for entity in message.get("entities") or []:
        if entity.get("entity") in ANSWER_SLOTS:
            found[entity["entity"]] = entity.get("value")
    return Answers.from_slots(found).as_slots()


def understand_latest_message(tracker: Tracker, expected: str | None) -> Understanding:
    """The latest message read for the open question: a button payload's
    entities are exact; free text goes through the rules and the model's guesses."""
    message = tracker.latest_message
    text = user_text(tracker)
    from_buttons = {
        entity["entity"]: entity.get("value")
        for entity in message.get("entities") or []
        if entity.get("entity") in ANSWER_SLOTS
    }
    if text.startswith("/"):
        return Understanding(Answers.from_slots(from_buttons).as_slots(), strength=1.0)
    # Called by the form's validation: also the message that starts the assessment
    # (no question open yet) is read as answers.
    understood = understand(text, expected, message.get(GUESSES_KEY), in_assessment=True)
    if from_buttons:
        answers = {**understood.answers, **Answers.from_slots(from_buttons).as_slots()}
        return Understanding(answers, strength=1.0)
    valid = Answers.from_slots(understood.answers).as_slots()
    return replace(understood, answers=valid)


LAST_TOPIC = "last_topic"
# After these, "why?" and "and kpo?" refer to the assessment, not to an answer.
ASSESSMENT_ACTIONS = {
    "assessment_form",
    "action_begin_assessment",
    "action_recommend",
    "action_update_answers",
    "action_provisional_recommendation",
    "action_assess_another",
    "action_reset_assessment",
}


def topic_in_play(tracker: Tracker) -> str | None:
    """The knowledge topic of the latest answer, if it was a knowledge answer:
    `last_topic` when a follow-up set it, else the FAQ topic the NLU
    chose for the latest question."""
    for event in reversed(tracker.events):
        kind = event.get("event")
        if kind == "slot" and event.get("name") == LAST_TOPIC:
            return event.get("value")
        if kind == "action" and event.get("name") in ASSESSMENT_ACTIONS:
            return None
        if kind == "user":
            parse_data = event.get("parse_data") or {}
            if (parse_data.get("intent") or {}).get("name") == "faq":
                selected = (parse_data.get("response_selector") or {}).get("faq") or {}
                key = (selected.get("response") or {}).get("intent_response_key") or ""
                return key.split("/", 1)[-1] or None
    return None


def slot_set_this_turn(tracker: Tracker, slot: str) -> bool:
    """True if `slot` was set after the latest user message."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "slot" and event.get("name") == slot:
            return True
    return False


def assumed(tracker: Tracker) -> list[str]:
    """Answers taken as a stated default after "not sure" (slot names)."""
    return list(tracker.get_slot("assumed_answers") or [])


def current_answers(tracker: Tracker) -> Answers:
    return Answers.from_slots({slot: tracker.get_slot(slot) for slot in ANSWER_SLOTS})


def set_answers(answers: Mapping[str, str | None]) -> list[dict[str, Any]]:
    return [SlotSet(slot, value) for slot, value in answers.items()]


def clear_answers(tracker: Tracker, keep: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Events that forget the answers (except `keep`) and any finished result."""
    assumed_slots = assumed(tracker)
    cleared = {slot: None for slot in ANSWER_SLOTS if slot not in keep}
    return set_answers(cleared) + [
        SlotSet("unclear_answers", 0),
        SlotSet("assessment_done", False),
        SlotSet("pending_answer", None),
        SlotSet("assumed_answers", [slot for slot in assumed_slots if slot in keep]),
    ]
