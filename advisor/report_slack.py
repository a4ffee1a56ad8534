"""A compact Block Kit summary of a report, for Slack."""

from __future__ import annotations

from typing import Any

from advisor.report import Report
from advisor.scoring import Contribution

MAX_REASONS = 3


def _plain(text: str) -> dict[str, Any]:
    # Slack asks for & < > as entities in every text field, plain_text too.
    return {"type": "plain_text", "text": escape(text[:150]), "emoji": False}


def escape(text: str) -> str:
    """Shown as typed: a process named "<!channel>" notifies nobody (Slack reads
    <...> as mentions and links in every mrkdwn and top-level text field)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": escape(text)[:3000]}


def _main_reasons(report: Report) -> list[Contribution]:
    """Reasons for the recommendation only (in a tie, for either tied option):
    the same ones the chat's "Why" gives, never a point for the other side."""
    rec = report.recommendation
    if rec.recommended is None or rec.runner_up is None:
        return []
    if rec.tied or rec.hybrid is not None:
        first, second = (
            (rec.hybrid.send, rec.hybrid.keep) if rec.hybrid else (rec.recommended, rec.runner_up)
        )
        return (rec.reasons_for(first, second)[:2] + rec.reasons_for(second, first)[:2])[
            :MAX_REASONS
        ]
    return rec.key_reasons(MAX_REASONS)


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def report_summary_blocks(report: Report, url: str | None) -> dict[str, Any]:
    """A Slack message: the recommendation, how clear-cut, the main reasons and a
    button to the full report (when there is an absolute link to give)."""
    rec = report.recommendation
    verdict = rec.recommended.full_name if rec.recommended else "no recommendation yet"
    if rec.hybrid is not None:
        verdict = f"a hybrid split between BPO and {rec.hybrid.keep.full_name}"
    elif rec.tied and rec.recommended is not None and rec.runner_up is not None:
        verdict = f"a tie between {rec.recommended.short_name} and {rec.runner_up.short_name}"
    reasons = "\n".join(f"• {_capitalise(c.summary)}" for c in _main_reasons(report))
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": _plain(f"Assessment: {report.process}")},
        {
            "type": "section",
            "fields": [
                _mrkdwn(f"*Recommendation*\n{verdict}"),
                _mrkdwn(f"*How clear-cut*\n{report.certainty}"),
            ],
        },
    ]
    if reasons:
        blocks.append({"type": "section", "text": _mrkdwn(f"*Main reasons*\n{reasons}")})
    if report.changes:
        changes = "\n".join(f"• {line}" for line in report.changes)
        blocks.append({"type": "section", "text": _mrkdwn(f"*What would change it*\n{changes}")})
    if url:
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "text": _plain("Open the full report"),
                        "url": url,
                        "action_id": "open_report",
                    }
                ],
            }
        )
    footer = f"{report.assessment.finished_on} · {report.reminder}"
    blocks.append({"type": "context", "elements": [_mrkdwn(footer)]})
    # The notification / fallback text is mrkdwn too.
    return {"text": escape(f"Recommendation for {report.process}: {verdict}"), "blocks": blocks}
