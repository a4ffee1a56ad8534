"""Fill the assessment form from each user message, as the turn interpreter decides."""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import answers_stop_confirmation, read_turn
from actions.handoff import asks_for_a_person
from actions.knowledge import answer_question_here
from advisor.questions import describe, value_name
from advisor.reading.kind_model import Kind
from advisor.reading.turn import QUESTION_INTENTS, Decision

# {"slot", "kind": confirm|choose|pick|explain|noted, "value"/"values"}
PENDING = "pending_answer"
ASSUMED = "assumed_answers"  # slots whose value was taken without being said
TRIES = "unclear_answers"  # replies to the open question that did not settle it


class ValidateAssessmentForm(Action):
    """Runs after every message while `assessment_form` is active (and on the message
    that starts it), and applies what `advisor.reading.turn.interpret` decided:
    - answers are stored; answers to questions other than the open one are said back;
    - a probable answer is put to the user to confirm, two to choose from;
    - "not sure" and "what do you mean?" get the question explained, a second "not sure"
      the stated default; a question tried twice is never asked a third time;
    - a question is answered and the open question asked again;
    - commands and small talk are left to the dialogue rules (no event: the form rejects
      the message, a rule replies, and the question comes back).
    """

    def name(self) -> str:
        return "validate_assessment_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        if answers_stop_confirmation(tracker) or asks_for_a_person(tracker):
            return []  # (a person: the rules offer a consultant, actions/handoff.py)
        requested = tracker.get_slot("requested_slot")
        turn, decision = read_turn(tracker, requested)
        if decision.kind in (Kind.CONTROL, Kind.SMALLTALK):
            return []  # the rules reply; the form asks again
        if decision.kind is Kind.QUESTION:
            if turn.intent in QUESTION_INTENTS:
                return []  # the rules for questions mid-assessment answer it
            answer_question_here(dispatcher, tracker)
            return [SlotSet(TRIES, _tries(tracker))]
        return _apply(dispatcher, tracker, requested, decision)


def _apply(
    dispatcher: CollectingDispatcher, tracker: Tracker, requested: str | None, decision: Decision
) -> list[dict[str, Any]]:
    stored = decision.stored()
    events: list[dict[str, Any]] = [SlotSet(slot, value) for slot, value in stored.items()]
    _say_what_was_noted(dispatcher, decision, requested)
    events += _assumptions(tracker, decision, dispatcher)
    if requested is None or requested in stored:
        if tracker.get_slot(PENDING):
            events.append(SlotSet(PENDING, None))
        return events + [SlotSet(TRIES, 0)]
    pending = _pending(decision, requested)
    events.append(SlotSet(PENDING, pending))
    # A prompt to confirm or choose is a try; explaining the question (asked for) is not.
    tried = decision.unsettled or decision.confirm is not None or decision.choose is not None
    return events + [SlotSet(TRIES, _tries(tracker) + int(tried))]


def _tries(tracker: Tracker) -> int:
    return int(tracker.get_slot(TRIES) or 0)


def _pending(decision: Decision, requested: str) -> dict[str, Any] | None:
    if decision.confirm:
        slot, value = decision.confirm
        return {"slot": slot, "kind": "confirm", "value": value}
    if decision.choose:
        slot, values = decision.choose
        return {"slot": slot, "kind": "choose", "values": list(values)}
    if decision.pick:
        return {"slot": requested, "kind": "pick"}
    if decision.explain:
        return {"slot": requested, "kind": "explain"}
    if decision.noted:  # other questions answered: the question again, no "didn't catch"
        return {"slot": requested, "kind": "noted"}
    return None


def _say_what_was_noted(
    dispatcher: CollectingDispatcher, decision: Decision, requested: str | None
) -> None:
    """Answers to other questions are never stored silently."""
    noted = {slot: value for slot, value in decision.noted.items() if slot != "process"}
    if not noted:
        return
    said = "; ".join(describe(slot, value) for slot, value in noted.items())
    lead = "I also noted" if decision.answers else "Got it"
    dispatcher.utter_message(text=f"{lead}: {said}. Tell me if that's not right.")


def _assumptions(
    tracker: Tracker, decision: Decision, dispatcher: CollectingDispatcher
) -> list[dict[str, Any]]:
    """Keep `assumed_answers` true: add what was taken without being said, drop answers
    now given."""
    before = list(tracker.get_slot(ASSUMED) or [])
    given = {**decision.answers, **decision.noted}
    after = [slot for slot in before if slot not in given]
    for slot, value in decision.assumed.items():
        after.append(slot)
        why = (
            "No problem — I'll assume"
            if decision.kind is Kind.NOT_SURE
            else "So we can move on, I'll take"
        )
        dispatcher.utter_message(
            text=f"{why} *{value_name(slot, value)}* for now and list it as an assumption in "
            "the recommendation. You can change it any time."
        )
    return [SlotSet(ASSUMED, after)] if after != before else []
