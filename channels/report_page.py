"""Serve assessment reports from the Rasa server: ``/report/<token>``.

Enable it in credentials.yml as ``channels.report_page.ReportPage:``. It handles no
messages; it reads the conversation named inside the link's sealed token
(advisor/report_link.py) from the tracker store and rebuilds the page:

* ``GET /report/<token>``              -> the report page (HTML, printable)
* ``GET /report/<token>/report.md``    -> the same as Markdown
* ``GET /report/<token>/report.json``  -> the same as JSON
* a portfolio token (every process of the conversation) -> the comparison page

Anything else, including a valid token whose conversation or report is gone, is 404.
"""

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from advisor.report import (
    ASSESSMENTS_SLOT,
    assessments_in,
    build_portfolio,
    build_report,
    to_json,
    to_markdown,
)
from advisor.report_link import PATH, portfolio_anchor
from channels.report_html import NOT_FOUND, portfolio_page, report_page
from runtime.settings import rasa_settings
from stores.analytics import record_report_opened, store_engine

logger = logging.getLogger(__name__)

# The page is self-contained: styles from this server, inline SVG, no script at all.
# The token is the key to the report: never sent on as a Referer, never cached.
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Robots-Tag": "noindex",
}
UNAVAILABLE = "The report can't be opened right now. Please try again in a minute."


class ReportPage(InputChannel):
    """Serves the report pages; handles no messages."""

    @classmethod
    def name(cls) -> str:
        return "report_page"

    def url_prefix(self) -> str:
        return PATH.rstrip("/")  # absolute: /report, not /webhooks/report_page

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        pages = Blueprint("report_page", __name__)

        @pages.route("/<token:str>", methods=["GET", "HEAD"])
        async def page(request: Request, token: str) -> HTTPResponse:
            return await self._respond(request, token, "html")

        @pages.route("/<token:str>/<export:str>", methods=["GET", "HEAD"])
        async def export(request: Request, token: str, export: str) -> HTTPResponse:
            formats = {"report.md": "md", "report.json": "json"}
            if export not in formats:
                return _not_found()
            return await self._respond(request, token, formats[export])

        return pages

    async def _respond(self, request: Request, token: str, kind: str) -> HTTPResponse:
        opened = rasa_settings().report_links.open_token(token)
        if opened is None:
            return _not_found()
        conversation_id, report_id = opened
        try:
            tracker = await request.app.ctx.agent.tracker_store.retrieve(conversation_id)
        except Exception:  # the store is down: say so, don't pretend the report is gone
            logger.exception("Could not read the conversation of a report")
            return response.text(UNAVAILABLE, status=503, headers=PAGE_HEADERS)
        kept = assessments_in(tracker.get_slot(ASSESSMENTS_SLOT)) if tracker else []
        anchor = portfolio_anchor(report_id)
        if anchor is not None:
            if kind != "html" or not any(a.report_id == anchor for a in kept):
                return _not_found()
            make_token = rasa_settings().report_links.make_token
            links = [make_token(conversation_id, a.report_id) for a in kept]
            return response.html(portfolio_page(build_portfolio(kept), links), headers=PAGE_HEADERS)
        assessment = next((a for a in kept if a.report_id == report_id), None)
        if assessment is None:
            return _not_found()
        report = build_report(assessment)
        if kind == "md":
            return response.text(
                to_markdown(report),
                content_type="text/markdown; charset=utf-8",
                headers={**PAGE_HEADERS, **_download("outsourcing-report.md")},
            )
        if kind == "json":
            return response.text(
                json.dumps(to_json(report), indent=2, ensure_ascii=False),
                content_type="application/json",
                headers={**PAGE_HEADERS, **_download("outsourcing-report.json")},
            )
        await _note_opened(request, conversation_id, report_id)
        return response.html(report_page(report, token), headers=PAGE_HEADERS)


async def _note_opened(request: Request, conversation_id: str, report_id: str) -> None:
    """For the operators' funnel (stores/analytics.py); never keeps the page from opening."""
    engine = store_engine(request.app.ctx.agent.tracker_store)
    if engine is None:
        return
    try:
        await asyncio.to_thread(record_report_opened, engine, conversation_id, report_id)
    except Exception:  # a statistic: the report itself is served
        logger.warning("Could not record that a report was opened", exc_info=True)


def _download(filename: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{filename}"'}


def _not_found() -> HTTPResponse:
    return response.html(NOT_FOUND, status=404, headers=PAGE_HEADERS)
