"""Slack's text formats and payload fields, as plain functions (channels/slack.py uses
them): what a user typed, from Slack's encoded text; the assistant's Markdown as
Slack mrkdwn, with user text shown as typed; the choice an interactive action
stands for, from a payload that may have any shape."""

import re
from typing import Any

from channels.input_guard import MAX_MESSAGE_CHARS

# Slack sends & < > as entities (at most 5 characters each): longer raw text cannot
# be a message within the guard's limit, and is refused before it is even parsed.
MAX_RAW_CHARS = 5 * MAX_MESSAGE_CHARS
# Interactive actions whose choice becomes the user's message, and where it is.
_CHOICE_FIELDS = {
    "button": ("value",),
    "static_select": ("selected_option", "value"),
    "external_select": ("selected_option", "value"),
    "overflow": ("selected_option", "value"),
    "users_select": ("selected_user",),
    "conversations_select": ("selected_conversation",),
    "channels_select": ("selected_channel",),
    "datepicker": ("selected_date",),
}


def escape(text: str) -> str:
    """Text Slack shows as typed: no mention (<!channel>, <@U…>), link or entity."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_mrkdwn(text: str) -> str:
    """Markdown as the assistant writes it -> Slack mrkdwn."""
    text = escape(text)
    text = re.sub(r"\[([^\]\n]+)\]\((https?://[^)\s]+)\)", r"<\2|\1>", text)
    text = re.sub(r"^(\s*)[*+] ", r"\1- ", text, flags=re.M)  # bullets stay "- "
    text = re.sub(r"^#{1,6}\s+(.+?)\s*#*$", r"*\1*", text, flags=re.M)  # headings
    text = re.sub(r"\*\*(?=\S)(.+?)(?<=\S)\*\*", r"*\1*", text)
    text = re.sub(r"__(?=\S)(.+?)(?<=\S)__", r"*\1*", text)
    return text


def chunks(text: str, limit: int) -> list[str]:
    """Split at line ends into pieces of at most `limit` characters."""
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            pieces.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            pieces.append(current)
            candidate = line
        current = candidate
    if current:
        pieces.append(current)
    return pieces or [""]


def slack_text_to_plain(text: str, bot_user_ids: set[str]) -> str:
    """What a user typed, from Slack's encoded message text, without our mention."""
    # No part of a <...> sequence contains "<": each match attempt stops at the next
    # one, so these take linear time whatever the text (crafted "<http:<http:..." too).
    for user_id in bot_user_ids:
        text = re.sub(rf"<@{re.escape(user_id)}(?:\|[^<>]*)?>", " ", text)
    text = re.sub(r"<#[A-Z0-9]+\|([^<>]*)>", r"#\1", text)  # channel references
    text = re.sub(r"<((?:https?|mailto):[^|<>]*)\|([^<>]*)>", r"\2", text)  # labelled links
    text = re.sub(r"<((?:https?|mailto):[^<>]*)>", r"\1", text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return re.sub(r"\s+", " ", text).strip()


def text_or_none(value: Any) -> str | None:
    """A payload field that must be a string: anything else counts as missing."""
    return value if isinstance(value, str) and value else None


def interactive_choice(action: dict[str, Any]) -> str | None:
    """The text an interactive action stands for (a button's value, a menu's
    choice), or None for actions we don't offer or whose choice is malformed."""
    fields = _CHOICE_FIELDS.get(str(action.get("type")))
    value: Any = action
    for field in fields or ():
        value = value.get(field) if isinstance(value, dict) else None
    return value if fields and isinstance(value, str) and value else None
