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

The secret, the public base URL and the retention period are passed in
(`ReportLinks`), by each process's settings module.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from advisor.signing import Keyring

PURPOSE = "report-link"
# A portfolio link (every process of the conversation) names one of the
# conversation's reports: it opens only while that report is kept, so it needs the
# same per-conversation secret as a report link (report ids are random, kept in
# the tracker, and never shown).
PORTFOLIO_PREFIX = "all."
PATH = "/report/"
RETENTION_ENV = "CONVERSATION_RETENTION_DAYS"  # the name, for messages; read by settings
DEFAULT_RETENTION_DAYS = 30.0


def retention_days(raw: str) -> float:
    """CONVERSATION_RETENTION_DAYS's value, the one parser of it (both servers' settings
    and stores/retention.py): a positive, finite number of days; empty means 30."""
    if not raw.strip():
        return DEFAULT_RETENTION_DAYS
    try:
        days = float(raw)
    except ValueError:
        days = math.nan
    if not (math.isfinite(days) and days > 0):
        raise ValueError(f"{RETENTION_ENV} must be a positive number of days, not {raw!r}")
    return days


def portfolio_id(anchor_report_id: str) -> str:
    """The "report id" of the portfolio link, anchored to one kept report."""
    return PORTFOLIO_PREFIX + anchor_report_id


def portfolio_anchor(report_id: str) -> str | None:
    """The kept report a portfolio id is anchored to; None for a report's own id."""
    if report_id.startswith(PORTFOLIO_PREFIX):
        return report_id[len(PORTFOLIO_PREFIX) :] or None
    return None


@dataclass(frozen=True)
class ReportLinks:
    """Making and opening report links, with one process's settings."""

    keyring: Keyring
    base_url: str  # absolute links when set (Slack needs that), else relative ones
    retention_days: float  # a token stops working with the conversation it opens

    def lifetime_seconds(self) -> float:
        return max(self.retention_days, 0.0) * 86400

    def make_token(self, conversation_id: str, report_id: str) -> str:
        return self.keyring.seal(PURPOSE, f"{report_id}:{conversation_id}")

    def open_token(self, token: str) -> tuple[str, str] | None:
        """(conversation id, report id) of a valid, unexpired token; else None."""
        value = self.keyring.unseal(PURPOSE, token, max_age=self.lifetime_seconds())
        if value is None or ":" not in value:
            return None
        report_id, conversation_id = value.split(":", 1)
        return conversation_id, report_id

    def report_url(self, conversation_id: str, report_id: str) -> str:
        """The link to give the conversation: absolute with a base URL, else relative
        to the server that serves the chat page."""
        base = self.base_url.rstrip("/")
        return f"{base}{PATH}{self.make_token(conversation_id, report_id)}"
