"""Fill the assessment form's answers from each user message."""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import (
    answers_in_latest_message,
    answers_stop_confirmation,
    is_digression,
)


class ValidateAssessmentForm(Action):
    """Runs after every message while `assessment_form` is active (and on the
    message that starts it). Any answer found in the message is kept, not just
    the one asked for, so a whole assessment typed in one go fills the form.

    Returning no event makes the form reject the message, so the rules for
    digressions (FAQ, "why?", "stop"...) answer it and the question is asked again.
    """

    def name(self) -> Text:
        return "validate_assessment_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        if is_digression(tracker) or answers_stop_confirmation(tracker):
            return []
        requested = tracker.get_slot("requested_slot")
        found = answers_in_latest_message(tracker, expected=requested)
        events: List[Dict[Text, Any]] = [SlotSet(slot, value) for slot, value in found.items()]
        if requested is None:  # the opener: take what it names, ask the rest
            return events
        if requested in found:
            events.append(SlotSet("unclear_answers", 0))
        else:  # not understood: the question is asked again with a hint
            misses = int(tracker.get_slot("unclear_answers") or 0) + 1
            events.append(SlotSet("unclear_answers", misses))
        return events
