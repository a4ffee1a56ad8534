"""Reports: keep each finished assessment, link its report, compare them all."""

import logging
import secrets
from datetime import datetime, timezone
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.settings import action_settings
from advisor.answers import Answers
from advisor.report import (
    ASSESSMENTS_SLOT,
    FinishedAssessment,
    assessments_in,
    build_portfolio,
    build_report,
    portfolio_text,
    with_assessment,
)
from advisor.report_link import portfolio_id
from advisor.report_slack import report_summary_blocks
from advisor.signing import MissingSecret

logger = logging.getLogger(__name__)

SLACK = "slack"
NOTHING_TO_COMPARE = (
    "You haven't finished an assessment yet, so there's nothing to compare. Tell me which "
    "process you're thinking of outsourcing and we'll start with that one."
)
ONE_TO_COMPARE = "So far you've assessed one process: {row}."
ASSESS_ANOTHER_TO_COMPARE = " Assess another one and I'll put them side by side."
FINISH_THIS_TO_COMPARE = " Finish this one and I'll put them side by side."
NO_REPORT_YET = (
    "You'll get a report as soon as an assessment is finished: the answers, a chart of how "
    "each one weighed in and the checklist, ready to print or share."
)
HERE_IS_THE_REPORT = (
    "Here's the report for **{process}** ({verdict}). It prints to PDF from your browser and "
    "has Markdown and JSON downloads; the link works for this conversation only."
)


def kept_assessments(tracker: Tracker) -> list[FinishedAssessment]:
    return assessments_in(tracker.get_slot(ASSESSMENTS_SLOT))


def record_assessment(
    kept: list[FinishedAssessment], answers: Answers, assumed_slots: list[str], new: bool
) -> tuple[FinishedAssessment, list[FinishedAssessment]]:
    """Keep `answers` as a finished assessment: a new report (`new`), or the latest
    of `kept` updated after an answer changed (its link stays the same). Returns it
    and every assessment now kept (store them with `keep`)."""
    report_id = kept[-1].report_id if kept and not new else secrets.token_urlsafe(12)
    assessment = FinishedAssessment(
        report_id,
        answers.as_slots(),
        tuple(assumed_slots),
        datetime.now(timezone.utc).date().isoformat(),
    )
    return assessment, with_assessment(kept, assessment)


def keep(assessments: list[FinishedAssessment]) -> dict[str, Any]:
    return SlotSet(ASSESSMENTS_SLOT, [a.to_slot() for a in assessments])


def link_to(tracker: Tracker, report_id: str) -> str | None:
    """The report's link for this conversation; None (logged) without a server secret."""
    try:
        return action_settings().report_links.report_url(tracker.sender_id, report_id)
    except MissingSecret as problem:
        logger.error("No report link: %s", problem)
        return None


def link_button(title: str, url: str) -> dict[str, str]:
    # "payload" too: channels that know no link buttons still get a valid button.
    return {"title": title, "type": "web_url", "url": url, "payload": url}


def is_slack(tracker: Tracker) -> bool:
    return tracker.get_latest_input_channel() == SLACK


def send_with_link(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    text: str,
    buttons: list[dict[str, str]],
    link: tuple[str, str | None],
) -> None:
    """`text` with its buttons and a link: a link button on the web, a link in the text
    in Slack (only absolute links work there: set ADVISOR_PUBLIC_URL)."""
    title, url = link
    if url and is_slack(tracker):
        if url.startswith("http"):
            text += f"\n\n[{title}]({url})"
    elif url:
        buttons = buttons[:1] + [link_button(title, url)] + buttons[1:]
    dispatcher.utter_message(text=text, buttons=buttons)


def send_slack_summary(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    assessment: FinishedAssessment,
    url: str | None,
) -> None:
    """Slack only: the report as a compact Block Kit message, with its link."""
    if not is_slack(tracker):
        return
    absolute = url if url and url.startswith("http") else None
    summary = report_summary_blocks(build_report(assessment), absolute)
    dispatcher.utter_message(json_message=summary)


class ActionCompareProcesses(Action):
    """ "Compare my processes": every finished assessment, side by side."""

    def name(self) -> str:
        return "action_compare_processes"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        rows = build_portfolio(kept_assessments(tracker))
        if not rows:
            dispatcher.utter_message(text=NOTHING_TO_COMPARE)
        elif len(rows) == 1:
            text = ONE_TO_COMPARE.format(row=f"**{rows[0].process}**, {rows[0].verdict}")
            link = ("Open its report", link_to(tracker, rows[0].assessment.report_id))
            if tracker.active_loop_name:  # the next process is being assessed already
                send_with_link(dispatcher, tracker, text + FINISH_THIS_TO_COMPARE, [], link)
            else:
                another = [{"title": "Assess another process", "payload": "/assess_another"}]
                text += ASSESS_ANOTHER_TO_COMPARE
                send_with_link(dispatcher, tracker, text, another, link)
        else:
            anchor = rows[-1].assessment.report_id  # a secret of this conversation
            link = ("Open the comparison", link_to(tracker, portfolio_id(anchor)))
            send_with_link(dispatcher, tracker, portfolio_text(rows), [], link)
        return []


class ActionShowReport(Action):
    """ "Can I get this as a PDF?": the link to the latest report."""

    def name(self) -> str:
        return "action_show_report"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        rows = build_portfolio(kept_assessments(tracker)[-1:])
        if not rows:
            dispatcher.utter_message(text=NO_REPORT_YET)
            return []
        latest = rows[0]
        text = HERE_IS_THE_REPORT.format(process=latest.process, verdict=latest.verdict)
        link = ("Open the report", link_to(tracker, latest.assessment.report_id))
        send_with_link(dispatcher, tracker, text, [], link)
        return []
