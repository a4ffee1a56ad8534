"""Report links: unguessable, tied to one conversation, expiring with retention.

A link carries a sealed token (`advisor.signing`): the conversation id and the
report's id inside, encrypted and authenticated with the server's secret. So the
link reveals nothing (a conversation id is the key to a REST conversation), can't
be forged or pointed at another conversation, and is only ever given to the
conversation it opens. The page is rebuilt from that conversation, so it is gone
when retention deletes the conversation; the token itself stops working after the
same retention period.
"""

from __future__ import annotations

import os

from advisor.signing import seal, unseal

PURPOSE = "report-link"
PORTFOLIO = "*"  # in place of a report id: every process of the conversation
RETENTION_ENV = "CONVERSATION_RETENTION_DAYS"  # as stores/retention.py
DEFAULT_RETENTION_DAYS = 30.0
PUBLIC_URL_ENV = "ADVISOR_PUBLIC_URL"
PATH = "/report/"


def lifetime_seconds() -> float:
    try:
        days = float(os.environ.get(RETENTION_ENV, DEFAULT_RETENTION_DAYS))
    except ValueError:
        days = DEFAULT_RETENTION_DAYS
    return max(days, 0.0) * 86400


def make_token(conversation_id: str, report_id: str) -> str:
    return seal(PURPOSE, f"{report_id}:{conversation_id}")


def open_token(token: str) -> tuple[str, str] | None:
    """(conversation id, report id) of a valid, unexpired token; else None."""
    value = unseal(PURPOSE, token, max_age=lifetime_seconds())
    if value is None or ":" not in value:
        return None
    report_id, conversation_id = value.split(":", 1)
    return conversation_id, report_id


def report_url(conversation_id: str, report_id: str) -> str:
    """The link to give the conversation: absolute when ADVISOR_PUBLIC_URL is set
    (Slack needs that), else relative to the server that serves the chat page."""
    base = os.environ.get(PUBLIC_URL_ENV, "").rstrip("/")
    return f"{base}{PATH}{make_token(conversation_id, report_id)}"
