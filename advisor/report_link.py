"""Report links: unguessable, tied to one conversation, expiring with retention.

A link carries a sealed token (`advisor.signing`): the conversation id and the
report's id inside, encrypted and authenticated with the server's secret. So the
link reveals nothing (a conversation id is the key to a REST conversation), can't
be forged or pointed at another conversation, and is only ever given to the
conversation it opens (the report ids inside are random, kept in that conversation's
tracker, and checked against it by the page: a token made for a made-up report opens
nothing). The page is rebuilt from that conversation, so it is gone
when retention deletes the conversation; the token itself stops working after the
same retention period.
"""

from __future__ import annotations

import os

from advisor.signing import seal, unseal

PURPOSE = "report-link"
# A portfolio link (every process of the conversation) names one of the
# conversation's reports: it opens only while that report is kept, so it needs the
# same per-conversation secret as a report link (report ids are random, kept in
# the tracker, and never shown).
PORTFOLIO_PREFIX = "all."
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


def portfolio_id(anchor_report_id: str) -> str:
    """The "report id" of the portfolio link, anchored to one kept report."""
    return PORTFOLIO_PREFIX + anchor_report_id


def portfolio_anchor(report_id: str) -> str | None:
    """The kept report a portfolio id is anchored to; None for a report's own id."""
    if report_id.startswith(PORTFOLIO_PREFIX):
        return report_id[len(PORTFOLIO_PREFIX) :] or None
    return None


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
