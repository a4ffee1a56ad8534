"""Turn the answers into the scoring engine's recommendation and explain it."""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import (
    answers_in_latest_message,
    assumed,
    current_answers,
    latest_intent,
    set_answers,
    topic_in_play,
    user_text,
)
from actions.knowledge import answer_follow_up
from actions.report import (
    keep,
    kept_assessments,
    link_to,
    record_assessment,
    send_slack_summary,
    send_with_link,
)
from advisor.explain import (
    render_changes,
    render_final,
    render_other_option,
    render_provisional,
    render_what_would_change,
    render_why,
)
from advisor.follow_ups import model_named
from advisor.scoring import score

FOLLOW_UP_BUTTONS = [
    {"title": "Why?", "payload": "/ask_why"},
    {"title": "What would change it?", "payload": "/what_would_change"},
    {"title": "Assess another process", "payload": "/assess_another"},
    {"title": "Start over", "payload": "/restart_assessment"},
    {"title": "Talk to a consultant", "payload": "/request_handoff"},
]
COMPARE_BUTTON = {"title": "Compare my processes", "payload": "/compare_processes"}
REPORT_LINK_TITLE = "Open the report"


def follow_up_buttons(assessments_kept: int) -> list[dict[str, str]]:
    """ "Compare my processes" once there are two to compare."""
    if assessments_kept < 2:
        return FOLLOW_UP_BUTTONS
    return FOLLOW_UP_BUTTONS[:3] + [COMPARE_BUTTON] + FOLLOW_UP_BUTTONS[3:]


class ActionRecommend(Action):
    """The final recommendation, right after the last answer."""

    def name(self) -> str:
        return "action_recommend"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        answers = current_answers(tracker)
        kept_before = kept_assessments(tracker)
        assessment, kept = record_assessment(kept_before, answers, assumed(tracker), new=True)
        text = render_final(score(answers, assumed(tracker)), answers, assumed(tracker))
        url = link_to(tracker, assessment.report_id)
        send_with_link(
            dispatcher, tracker, text, follow_up_buttons(len(kept)), (REPORT_LINK_TITLE, url)
        )
        send_slack_summary(dispatcher, tracker, assessment, url)
        return [SlotSet("assessment_done", True), keep(kept)]


class ActionProvisionalRecommendation(Action):
    """ "What do you recommend so far?" — from whatever has been answered."""

    def name(self) -> str:
        return "action_provisional_recommendation"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        answers = current_answers(tracker)
        if tracker.get_slot("assessment_done"):
            text = render_final(score(answers, assumed(tracker)), answers, assumed(tracker))
        elif answers.is_empty() and tracker.active_loop_name is None:
            dispatcher.utter_message(response="utter_no_assessment_yet")
            return []
        else:
            text = render_provisional(score(answers, assumed(tracker)), answers, assumed(tracker))
        dispatcher.utter_message(text=text)
        return []


class ActionExplainWhy(Action):
    """ "Why?" — every factor's contribution, strongest first; or, right after a
    knowledge answer, why that answer holds."""

    def name(self) -> str:
        return "action_explain_why"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        topic = topic_in_play(tracker) if tracker.active_loop_name is None else None
        if topic is not None:
            return answer_follow_up(dispatcher, topic, "why")
        answers = current_answers(tracker)
        if answers.is_empty():
            dispatcher.utter_message(response="utter_no_assessment_yet")
            return []
        rec = score(answers, assumed(tracker))
        other = model_named(user_text(tracker))
        if other is not None and other is not rec.recommended:  # "why not in-house?"
            dispatcher.utter_message(text=render_other_option(rec, answers, other))
        else:
            dispatcher.utter_message(text=render_why(rec, answers, assumed(tracker)))
        return []


class ActionWhatWouldChange(Action):
    """ "What would change it?": the smallest answer changes that would give
    another option, found by enumeration, and the answers that are settled."""

    def name(self) -> str:
        return "action_what_would_change"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        answers = current_answers(tracker)
        if answers.is_empty():
            dispatcher.utter_message(response="utter_no_assessment_yet")
            return []
        dispatcher.utter_message(text=render_what_would_change(answers))
        return []


class ActionUpdateAnswers(Action):
    """ "Actually our data is highly sensitive" after the recommendation: re-score
    and say what changed."""

    def name(self) -> str:
        return "action_update_answers"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        changes = answers_in_latest_message(tracker)
        if not changes:
            out_of_scope = latest_intent(tracker)[0] == "out_of_scope"
            dispatcher.utter_message(
                response="utter_out_of_scope" if out_of_scope else "utter_ask_which_change"
            )
            return []
        old_answers = current_answers(tracker)
        new_answers = old_answers.updated(changes)
        still_assumed = [slot for slot in assumed(tracker) if slot not in changes]
        text = render_changes(
            old_answers,
            new_answers,
            score(old_answers, assumed(tracker)),
            score(new_answers, still_assumed),
        )
        kept = kept_assessments(tracker)
        dispatcher.utter_message(text=text, buttons=follow_up_buttons(len(kept)))
        events = set_answers(changes) + [SlotSet("assumed_answers", still_assumed)]
        if tracker.get_slot("assessment_done") and kept:
            # The report follows the new answers; its link stays the same.
            _, kept = record_assessment(kept, new_answers, still_assumed, new=False)
            events.append(keep(kept))
        return events
