"""What the hand-off says, in Slack and to the user: plain functions, no Rasa imports.

The post in the hand-off channel tells a consultant who is waiting, in which channel,
what was said last, the assessment's summary and its report link, and carries the
"Hand back to the bot" button.
"""

import hashlib
import re
from collections.abc import Iterable, Mapping
from typing import Any

from channels.slack_text import escape, to_mrkdwn

RECENT_MESSAGES = 10  # the last messages shown in the post
LINE_LIMIT = 300  # characters of one message shown in the post
RESUME_ACTION = "handoff_resume"  # the button's action_id
RESUME_SLASH_COMMAND = "/resume"  # the slash command (slack/manifest.yml)
RESUME_COMMANDS = frozenset({"/resume", "resume"})  # typed in the thread by a consultant

BACK = "You're back with the assistant. Ask me anything about BPO and KPO."
TIMED_OUT = (
    "Sorry, no consultant could answer in time. You're back with the assistant; "
    "ask for a consultant again later if you like."
)
UNSTUCK = (
    "Sorry, our conversation was still waiting for a consultant, but none has it any more. "
    "You're back with the assistant: please send your last message again."
)
UNREACHABLE = (
    "Sorry, I couldn't reach a consultant right now. You're still with the assistant; "
    "please try again later."
)
ANSWERS_KEPT = "Your answers so far are kept; where we were:"
BACK_TO_QUESTION = f"You're back with the assistant. {ANSWERS_KEPT}"
FORM = "assessment_form"  # the assessment's form (domain.yml)
CHANNEL_LABELS = {"socketio": "web chat", "slack": "Slack", "rest": "REST API"}


def recent_lines(events: Iterable[Mapping[str, Any]], limit: int = RECENT_MESSAGES) -> list[str]:
    """The conversation's last user and bot messages as "User: ..." / "Assistant: ..."."""
    lines = []
    for event in events:
        text = event.get("text")
        if not isinstance(text, str) or not text.strip():
            continue
        if event.get("event") == "user":
            who = "User"
        elif event.get("event") == "bot":
            who = "Assistant"
        else:
            continue
        flat = " ".join(text.split())
        if len(flat) > LINE_LIMIT:
            flat = flat[: LINE_LIMIT - 1] + "…"
        lines.append(f"{who}: {flat}")
    return lines[-limit:]


def open_question(events: Iterable[Mapping[str, Any]]) -> str | None:
    """The assessment question a paused conversation stopped at: what the form said
    the last time it ran (the form asks through the action server, so the question is
    the bot text right after the form's ActionExecuted), if the form is still active."""
    question: list[str] = []
    in_form = active = False
    for event in events:
        kind = event.get("event")
        if kind == "action":
            in_form = event.get("name") == FORM
            if in_form:
                question = []
        elif kind == "active_loop":
            active = event.get("name") == FORM
        elif kind == "bot" and in_form and isinstance(event.get("text"), str):
            question.append(str(event["text"]))
    return "\n".join(question) if active and question else None


def back_message(question: str | None, base: str = BACK) -> str:
    """What a user handed back to the bot (`base`: BACK, or TIMED_OUT) is told: with the
    open assessment question, if one was open, as the answer they write next goes to it."""
    if not question:
        return base
    lead = BACK_TO_QUESTION if base == BACK else f"{base} {ANSWERS_KEPT}"
    return f"{lead}\n{question}"


def describe_user(channel: str, conversation_id: str, metadata: Mapping[str, Any] | None) -> str:
    """Who is waiting, as a consultant can tell them apart (never the REST sender id,
    which is its user's secret)."""
    slack = (metadata or {}).get("slack")
    if channel == "slack" and isinstance(slack, Mapping) and isinstance(slack.get("user"), str):
        return f"<@{escape(slack['user'])}>"
    if channel == "socketio":
        return f"a web chat visitor ({escape(conversation_id[-8:])})"
    return "a REST API user"


def reference(conversation_id: str) -> str:
    """A short name of a hand-off for `/resume <name>` (Slack sends no thread with a
    slash command). A hash: a REST sender id is its user's secret, never shown."""
    return "H-" + hashlib.sha256(conversation_id.encode()).hexdigest()[:6]


REFERENCE = re.compile(r"\bH-([0-9a-f]{6})\b", re.IGNORECASE)
# A thread's link (Slack's "Copy link"): .../archives/C123/p1700000000123456, and for a
# reply in the thread ...?thread_ts=1700000000.123456 (the thread's own ts).
THREAD_TS_PARAMETER = re.compile(r"thread_ts=(\d+\.\d+)")
MESSAGE_IN_LINK = re.compile(r"/p(\d{10})(\d{6})\b")


def named_in(text: str) -> tuple[str | None, str | None]:
    """What the text of `/resume ...` names: (a reference, a thread ts), either None."""
    found = REFERENCE.search(text)
    if found:
        return f"H-{found.group(1).lower()}", None
    parameter = THREAD_TS_PARAMETER.search(text)
    if parameter:
        return None, parameter.group(1)
    message = MESSAGE_IN_LINK.search(text)
    if message:
        return None, f"{message.group(1)}.{message.group(2)}"
    return None, None


def handoff_post(
    who: str,
    channel: str,
    lines: list[str],
    summary: str | None,
    report_url: str | None,
    name: str = "",
) -> dict[str, Any]:
    """chat.postMessage arguments (text + blocks) for a new hand-off (`name`: its
    reference)."""
    where = CHANNEL_LABELS.get(channel, channel)
    headline = f"*{who} would like to talk to a consultant* (via {where})."
    if name:
        headline += f" Reference `{name}`."
    transcript = "\n".join(f"> {escape(line)}" for line in lines) or "> (no messages)"
    assessment = f"*Assessment:* {to_mrkdwn(summary or 'none finished yet')}"
    if report_url:
        assessment += f"\n*Report:* <{report_url}|open the report>"
    how = (
        "Reply in this thread to answer them. To hand them back to the bot, press the button, "
        f"type `resume` in this thread, or use `/resume {name or '<reference>'}` in this channel."
    )
    text = f"{headline}\n*Last messages:*\n{transcript}\n{assessment}\n{how}"
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": section[:3000]}}
        for section in (headline, f"*Last messages:*\n{transcript}", assessment, how)
    ]
    blocks.append(
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "action_id": RESUME_ACTION,
                    "text": {"type": "plain_text", "text": "Hand back to the bot"},
                    "value": RESUME_ACTION,
                }
            ],
        }
    )
    return {"text": text[:3900], "blocks": blocks}


def user_line(text: str) -> str:
    """A message of the waiting user, as posted in the thread."""
    return f"*User:* {escape(text)}"


def consultant_line_for_slack(text: str) -> str:
    """A consultant's reply, as a Slack user sees it (already Slack text: kept)."""
    return f"*Consultant:* {text}"


def is_resume_command(text: str) -> bool:
    return text.strip().casefold() in RESUME_COMMANDS


SLASH_ELSEWHERE = "`/resume` works in the hand-off channel only."
SLASH_NOT_MEMBER = "Only members of the hand-off channel can hand a user back to the bot."
SLASH_USAGE = (
    "Name the hand-off: `/resume H-1a2b3c` (the reference in its post) or `/resume` "
    "followed by a link to its thread."
)


def slash_not_found(name: str) -> str:
    return f"No active hand-off {name}: it may have ended already."


def slash_done(name: str) -> str:
    return f"{name} is handed back to the bot."


def ended_note(reason: str, by: str | None) -> str:
    """What the thread is told when the hand-off ends."""
    if reason == "timeout":
        return "No reply in time: the user was told and is back with the bot."
    return f"Handed back to the bot{f' by <@{escape(by)}>' if by else ''}."
