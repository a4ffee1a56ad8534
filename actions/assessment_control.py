"""Start, restart and move on to another process."""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import clear_answers, current_answers
from advisor.answers import COMPANY_WIDE_SLOTS
from advisor.explain import describe_kept_answers


class ActionBeginAssessment(Action):
    """Start a fresh assessment, or resume one that was stopped half-way."""

    def name(self) -> str:
        return "action_begin_assessment"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        if tracker.get_slot("assessment_done"):
            dispatcher.utter_message(response="utter_assessment_intro")
            return clear_answers(tracker)
        if current_answers(tracker).is_empty():
            dispatcher.utter_message(response="utter_assessment_intro")
        else:
            dispatcher.utter_message(response="utter_assessment_resume")
        return []


class ActionResetAssessment(Action):
    """ "Start over": forget every answer."""

    def name(self) -> str:
        return "action_reset_assessment"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(response="utter_assessment_restarted")
        return clear_answers(tracker)


class ActionAssessAnother(Action):
    """ "Assess another process": keep what is company-wide, ask the rest again."""

    def name(self) -> str:
        return "action_assess_another"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        kept = describe_kept_answers(current_answers(tracker), COMPANY_WIDE_SLOTS)
        dispatcher.utter_message(text=f"Let's assess another process. {kept}".strip())
        return clear_answers(tracker, keep=COMPANY_WIDE_SLOTS)
