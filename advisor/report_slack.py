"""A compact Block Kit summary of a report, for Slack."""

from __future__ import annotations

from typing import Any

from advisor.report import Report

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


def report_summary_blocks(report: Report, url: str | None) -> dict[str, Any]:
    """A Slack message: the recommendation, how clear-cut, the main reasons and a
    button to the full report (when there is an absolute link to give)."""
    rec = report.recommendation
    verdict = rec.recommended.full_name if rec.recommended else "no recommendation yet"
    if rec.tied and rec.recommended is not None and rec.runner_up is not None:
        verdict = f"a tie between {rec.recommended.short_name} and {rec.runner_up.short_name}"
    reasons = "\n".join(f"• {f.label}" for f in report.factors[:MAX_REASONS])
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
        blocks.append({"type": "section", "text": _mrkdwn(f"*Main factors*\n{reasons}")})
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
