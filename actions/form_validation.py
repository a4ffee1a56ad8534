"""Fill the assessment form's answers from each user message."""

from dataclasses import replace
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import (
    answers_stop_confirmation,
    is_digression,
    latest_intent,
    understand_latest_message,
)
from advisor.questions import describe, value_name
from advisor.understanding import Understanding

PENDING = "pending_answer"  # {"slot", "kind": confirm|choose|pick, "value"/"values"}
ASSUMED = "assumed_answers"  # slots whose value is a default after "not sure"


class ValidateAssessmentForm(Action):
    """Runs after every message while `assessment_form` is active (and on the
    message that starts it). Any answer found in the message is kept, not just
    the one asked for, so a whole assessment typed in one go fills the form.

    A probable but unsure answer is put to the user to confirm, and two answers
    to one question to choose from (`pending_answer`, which `action_ask_<slot>`
    words); "not sure" takes a stated default. Only a message that says nothing
    about the question counts as unclear.

    Returning no event makes the form reject the message, so the rules for
    digressions (FAQ, "why?", "stop"...) answer it and the question is asked again.
    """

    def name(self) -> str:
        return "validate_assessment_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        if answers_stop_confirmation(tracker):
            return []
        requested = tracker.get_slot("requested_slot")
        pending = tracker.get_slot(PENDING) or {}
        if requested is not None and pending.get("slot") == requested:
            reply = _reply_to_pending(tracker, pending)
            if reply is not None:
                return reply
        understood = _keep_the_process(tracker, understand_latest_message(tracker, requested))
        if is_digression(*latest_intent(tracker), understood, requested):
            return []
        events = [SlotSet(slot, value) for slot, value in understood.answers.items()]
        events += _assumption_events(tracker, understood, dispatcher)
        if pending:
            events.append(SlotSet(PENDING, None))
        if requested is None:  # the opener: take what it names, ask the rest
            return events
        if requested in understood.answers:
            return events + [SlotSet("unclear_answers", 0)]
        if understood.confirm or understood.choose:
            return events + [SlotSet(PENDING, _pending(understood)), SlotSet("unclear_answers", 0)]
        if understood.answers:  # answered other questions: say so, then ask this one
            said = "; ".join(describe(slot, value) for slot, value in understood.answers.items())
            dispatcher.utter_message(text=f"Got it: {said}.")
            return events + [SlotSet("unclear_answers", 0)]
        misses = int(tracker.get_slot("unclear_answers") or 0) + 1
        return events + [SlotSet("unclear_answers", misses)]


def _keep_the_process(tracker: Tracker, understood: Understanding) -> Understanding:
    """Once named, the process stays: a later answer that mentions another function
    ("it's back office for us", "HR admin experience") describes this process."""
    if tracker.get_slot("process") is None or "process" not in understood.answers:
        return understood
    answers = {slot: value for slot, value in understood.answers.items() if slot != "process"}
    return replace(understood, answers=answers)


def _reply_to_pending(tracker: Tracker, pending: dict[str, Any]) -> list[dict[str, Any]] | None:
    """A yes/no to "Sounds like X — right?"; None when the message is something else."""
    intent, _ = latest_intent(tracker)
    slot = pending["slot"]
    if pending.get("kind") == "confirm" and intent == "affirm":
        return [
            SlotSet(slot, pending["value"]),
            SlotSet(PENDING, None),
            SlotSet("unclear_answers", 0),
        ]
    if intent == "deny":
        return [SlotSet(PENDING, {"slot": slot, "kind": "pick"}), SlotSet("unclear_answers", 0)]
    return None


def _pending(understood: Understanding) -> dict[str, Any]:
    if understood.confirm:
        slot, value = understood.confirm
        return {"slot": slot, "kind": "confirm", "value": value}
    assert understood.choose is not None
    slot, values = understood.choose
    return {"slot": slot, "kind": "choose", "values": list(values)}


def _assumption_events(
    tracker: Tracker, understood: Understanding, dispatcher: CollectingDispatcher
) -> list[dict[str, Any]]:
    """Keep `assumed_answers` true: add a "not sure" default, drop answers now given."""
    before = list(tracker.get_slot(ASSUMED) or [])
    after = [slot for slot in before if slot not in understood.answers]
    if understood.assumed:
        slot, value = understood.assumed
        after.append(slot)
        dispatcher.utter_message(
            text=f"No problem — I'll assume *{value_name(slot, value)}* for now and list it as "
            "an assumption in the recommendation. You can change it any time."
        )
    return [SlotSet(ASSUMED, after)] if after != before else []
