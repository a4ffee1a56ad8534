"""Read what the assessment needs from a rasa-sdk Tracker."""

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

from advisor.answers import ANSWER_SLOTS, Answers
from advisor.reading.answer_parser import named_outright
from advisor.reading.kind_model import Kind
from advisor.reading.turn import CHANGEABLE, KIND_THRESHOLD, Decision, Turn, interpret

# The guesses of the answer model (components/answer_guesser.py) and the kind model
# (components/kind_reader.py) in the parse data.
GUESSES_KEY = "answer_guesses"
MESSAGE_KIND_KEY = "message_kind"


def user_text(tracker: Tracker) -> str:
    """The user's whole latest message (NLU may classify a narrowed `text`)."""
    message = tracker.latest_message
    return str(message.get("full_text") or message.get("text") or "")


def latest_intent(tracker: Tracker) -> tuple[str | None, float]:
    intent = tracker.latest_message.get("intent") or {}
    return intent.get("name"), float(intent.get("confidence") or 0.0)


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


def latest_turn(tracker: Tracker, open_question: str | None) -> Turn:
    """The latest message and where the conversation stands, for the turn interpreter."""
    message = tracker.latest_message
    text = user_text(tracker)
    intent, confidence = latest_intent(tracker)
    buttons = {
        entity["entity"]: entity.get("value")
        for entity in message.get("entities") or []
        if entity.get("entity") in ANSWER_SLOTS
    }
    return Turn(
        text=text,
        open_question=open_question,
        pending=tracker.get_slot("pending_answer"),
        tries=int(tracker.get_slot("unclear_answers") or 0),
        intent=intent,
        intent_confidence=confidence,
        kinds=message.get(MESSAGE_KIND_KEY) or {},
        guesses=message.get(GUESSES_KEY) or {},
        buttons=Answers.from_slots(buttons).as_slots(),
    )


def read_turn(tracker: Tracker, open_question: str | None) -> tuple[Turn, Decision]:
    """The latest message as the turn interpreter reads it, with invalid values dropped."""
    turn = latest_turn(tracker, open_question)
    decision = interpret(turn)
    return turn, replace(
        decision,
        answers=Answers.from_slots(decision.answers).as_slots(),
        noted=Answers.from_slots(decision.noted).as_slots(),
    )


def answers_in_latest_message(tracker: Tracker) -> dict[str, str]:
    """A change of mind after the recommendation, read by the same interpreter as the
    answers during the assessment (no question open). A message NLU called out of scope
    counts only if the kind model calls it an answer ("cost savings is really what the
    committee will look at"), so "who won the league?" changes nothing."""
    turn, decision = read_turn(tracker, None)
    if (
        turn.intent == "out_of_scope"
        and turn.kinds.get(Kind.ANSWER.value, 0.0) < KIND_THRESHOLD
        and not named_outright(turn.text)
    ):
        return {}
    said = {**decision.noted, **decision.answers}
    # A process named in passing ("our finance manager says...") is no new process: that
    # would be a new assessment, which the user asks for in so many words.
    return {slot: value for slot, value in said.items() if slot in CHANGEABLE}


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
