"""Offering and starting a hand-off to a consultant (docs/operators.md, "Hand-off").

The action server only decides and says things: the Rasa server posts the
conversation to Slack and carries messages both ways (channels/handoff.py). The
start action tells it what to post through a custom message ({"handoff": {...}}) that
the Rasa server takes out of the reply, and pauses the conversation.
"""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ConversationPaused
from rasa_sdk.executor import CollectingDispatcher

from actions.report import kept_assessments, link_to
from actions.settings import action_settings
from advisor.report import build_report

SETTINGS = action_settings().handoff  # once, at start-up

NO_CONSULTANT = (
    "Sorry, no consultant is available here: this assistant isn't connected to a team. "
    "I can keep helping with BPO and KPO questions, or assess a process of yours."
)
OFFER = (
    "I can bring in one of our consultants, a real person, who will answer here. "
    "Shall I hand this conversation over?"
)
OFFER_BUTTONS = [
    {"title": "Yes, a consultant please", "payload": "/affirm"},
    {"title": "No, stay with the assistant", "payload": "/deny"},
]
WAITING = (
    "I've passed our conversation to a consultant. Someone will answer here soon; "
    "meanwhile what you write goes to them."
)


FAILED_TURNS_BEFORE_OFFER = 3
FAILED_INTENTS = frozenset({"nlu_fallback", "out_of_scope"})
CONSULTANT_BUTTON = {"title": "Talk to a consultant", "payload": "/request_handoff"}


def failed_turns_in_a_row(events: list[dict[str, Any]]) -> int:
    """How many of the user's latest messages in a row the bot could not help with
    (NLU fell back, or they were out of scope), this one included."""
    failed = 0
    for event in reversed(events):
        if event.get("event") != "user":
            continue
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if intent not in FAILED_INTENTS:
            break
        failed += 1
    return failed


def consultant_button_after_failures(tracker: Tracker) -> list[dict[str, str]]:
    """After three misunderstood messages in a row, the fallback's suggestions end with
    "Talk to a consultant" (when one can be reached), which leads to the offer."""
    if SETTINGS.enabled and failed_turns_in_a_row(tracker.events) >= FAILED_TURNS_BEFORE_OFFER:
        return [CONSULTANT_BUTTON]
    return []


def assessment_summary(tracker: Tracker) -> tuple[str, str | None]:
    """One line on the latest finished assessment, and its report link."""
    kept = kept_assessments(tracker)
    if not kept:
        return "No assessment finished yet.", None
    report = build_report(kept[-1])
    summary = f"{report.process}: {report.headline} ({report.certainty})"
    return summary, link_to(tracker, kept[-1].report_id)


class ActionOfferHandoff(Action):
    def name(self) -> str:
        return "action_offer_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        if not SETTINGS.enabled:
            dispatcher.utter_message(text=NO_CONSULTANT)
        else:
            dispatcher.utter_message(text=OFFER, buttons=OFFER_BUTTONS)
        return []


class ActionStartHandoff(Action):
    def name(self) -> str:
        return "action_start_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        if not SETTINGS.enabled:
            dispatcher.utter_message(text=NO_CONSULTANT)
            return []
        summary, url = assessment_summary(tracker)
        dispatcher.utter_message(json_message={"handoff": {"summary": summary, "report_url": url}})
        dispatcher.utter_message(text=WAITING)
        return [ConversationPaused()]
