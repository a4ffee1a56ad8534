"""What the hand-off says, in Slack and to the user: plain functions, no Rasa imports.

The post in the hand-off channel tells a consultant who is waiting, in which channel,
what was said last, the assessment's summary and its report link, and carries the
"Hand back to the bot" button.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from channels.slack_text import escape, to_mrkdwn

RECENT_MESSAGES = 10  # the last messages shown in the post
LINE_LIMIT = 300  # characters of one message shown in the post
RESUME_ACTION = "handoff_resume"  # the button's action_id
RESUME_COMMANDS = frozenset({"/resume", "resume"})  # typed in the thread by a consultant

BACK = "You're back with the assistant. Ask me anything about BPO and KPO."
TIMED_OUT = (
    "Sorry, no consultant could answer in time. You're back with the assistant; "
    "ask for a consultant again later if you like."
)
UNREACHABLE = (
    "Sorry, I couldn't reach a consultant right now. You're still with the assistant; "
    "please try again later."
)
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


def describe_user(channel: str, conversation_id: str, metadata: Mapping[str, Any] | None) -> str:
    """Who is waiting, as a consultant can tell them apart (never the REST sender id,
    which is its user's secret)."""
    slack = (metadata or {}).get("slack")
    if channel == "slack" and isinstance(slack, Mapping) and isinstance(slack.get("user"), str):
        return f"<@{escape(slack['user'])}>"
    if channel == "socketio":
        return f"a web chat visitor ({escape(conversation_id[-8:])})"
    return "a REST API user"


def handoff_post(
    who: str,
    channel: str,
    lines: list[str],
    summary: str | None,
    report_url: str | None,
) -> dict[str, Any]:
    """chat.postMessage arguments (text + blocks) for a new hand-off."""
    where = CHANNEL_LABELS.get(channel, channel)
    headline = f"*{who} would like to talk to a consultant* (via {where})."
    transcript = "\n".join(f"> {escape(line)}" for line in lines) or "> (no messages)"
    assessment = f"*Assessment:* {to_mrkdwn(summary or 'none finished yet')}"
    if report_url:
        assessment += f"\n*Report:* <{report_url}|open the report>"
    how = "Reply in this thread to answer them. Type `/resume` here, or press the button, to hand them back to the bot."  # noqa: E501
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


def ended_note(reason: str, by: str | None) -> str:
    """What the thread is told when the hand-off ends."""
    if reason == "timeout":
        return "No reply in time: the user was told and is back with the bot."
    return f"Handed back to the bot{f' by <@{escape(by)}>' if by else ''}."
