"""The operators' analytics page at ``/admin/`` on the Rasa server.

Enable it in credentials.yml as ``channels.admin_page.AdminPage:`` and set
``ADVISOR_ADMIN_TOKEN`` (at least 16 characters); unset (or too short), every
``/admin/`` path is 404. It handles no messages. The token is sent as
``Authorization: Bearer <token>``, or typed once in the login form, which sets an
HttpOnly, SameSite=Strict cookie (a signed, 12-hour session, never the token).

* ``GET /admin/``                    conversations per day and channel, the funnel
* ``GET /admin/mix``                 recommendations, certainty, processes
* ``GET /admin/understanding``       what was not understood, with conversations
* ``GET /admin/conversations``       the searchable list (``q``, ``page``)
* ``GET /admin/conversations/<id>``  one transcript, its assessments and reports
* ``GET /admin/export/<table>.csv``  any table as CSV (same parameters)

Every page takes ``from`` and ``to`` (UTC days, default the last 30) and ``channel``.
The figures come from stores/analytics.py, SQL over the tracker store's tables,
run in a worker thread so the chat is never held up by a page.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from advisor.signing import MissingSecret
from channels import admin_html as html
from channels.admin_chart import horizontal_bars, stacked_days
from runtime.settings import rasa_settings
from stores.analytics import (
    CHANNELS,
    PAGE_SIZE,
    Analytics,
    Filters,
    Table,
    default_filters,
    store_engine,
)
from stores.analytics_summary import model_label
from stores.retention import create_engine

logger = logging.getLogger(__name__)

TOKEN_ENV = "ADVISOR_ADMIN_TOKEN"
MIN_TOKEN_LENGTH = 16
COOKIE = "advisor_admin"
SESSION_SECONDS = 12 * 3600
FAILED_LOGIN_DELAY = 1.0  # seconds: slows down guessing
MAX_DAYS = 3660  # widest range a page accepts
EXPORT_ROWS = 10000  # conversations in one CSV export
SUMMARY_SECONDS = 10.0  # between two background refreshes of the summary
PAGE_REFRESH_SECONDS = 1.0  # a page brings the summary up to date for at most this long
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Robots-Tag": "noindex",
}
NOT_FOUND = "Not found"


class BadRequest(ValueError):
    """A parameter the page can't use; its message is shown to the operator."""


def admin_token(environ: dict[str, str] | None = None) -> str | None:
    """The operator token, or None (page off) when unset or too short to be safe."""
    token = (rasa_settings().admin_token if environ is None else environ.get(TOKEN_ENV, "")).strip()
    if not token:
        return None
    if len(token) < MIN_TOKEN_LENGTH:
        logger.error(f"{TOKEN_ENV} is shorter than {MIN_TOKEN_LENGTH} characters: /admin/ is off")
        return None
    return token


class Sessions:
    """Cookie values: an expiry time and its HMAC under the token (so a new token
    ends every session, and the cookie never holds the token itself)."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.key = hashlib.sha256(b"advisor-admin-session:" + token.encode()).digest()

    def new(self, now: float | None = None) -> str:
        expires = str(int((now or time.time()) + SESSION_SECONDS))
        return f"{expires}.{self._mac(expires)}"

    def valid(self, cookie: str | None, now: float | None = None) -> bool:
        expires, _, mac = (cookie or "").partition(".")
        if not expires.isdigit() or not hmac.compare_digest(
            mac.encode(), self._mac(expires).encode()
        ):
            return False
        return int(expires) > (now or time.time())

    def _mac(self, value: str) -> str:
        return hmac.new(self.key, value.encode(), hashlib.sha256).hexdigest()

    def allows(self, request: Request) -> bool:
        scheme, _, given = (request.headers.get("authorization") or "").partition(" ")
        if scheme.lower() == "bearer" and given:
            return hmac.compare_digest(given.strip().encode(), self.token.encode())
        return self.valid(request.cookies.get(COOKIE))


def parse_filters(args: Any, today: date | None = None) -> Filters:
    """The filters of a request's query; BadRequest with a clear message otherwise."""
    default = default_filters(today)
    try:
        first = date.fromisoformat(args.get("from") or default.first_day.isoformat())
        last = date.fromisoformat(args.get("to") or default.last_day.isoformat())
    except ValueError:
        raise BadRequest("Dates are written YYYY-MM-DD, e.g. 2026-12-01.") from None
    if last < first:
        raise BadRequest("The first day is after the last day.")
    if last - first > timedelta(days=MAX_DAYS):
        raise BadRequest(f"Choose at most {MAX_DAYS} days.")
    channel = args.get("channel") or None
    if channel is not None and channel not in CHANNELS:
        raise BadRequest(f"Unknown channel; choose one of: {', '.join(CHANNELS)}.")
    return Filters(first, last, channel)


def parse_page(args: Any) -> int:
    raw = args.get("page") or "0"
    if not raw.isdigit() or int(raw) > 100000:
        raise BadRequest("The page is a whole number.")
    return int(raw)


_analytics: dict[str, Analytics] = {}


def analytics_of(app: Any) -> Analytics | None:
    """The analytics of the tracker store's database, on an engine of their own with
    transactions (the store's runs in autocommit); None when the store is not SQL or
    not loaded yet."""
    agent = getattr(app.ctx, "agent", None)
    engine = store_engine(getattr(agent, "tracker_store", None))
    if engine is None:
        return None
    key = engine.url.render_as_string(hide_password=False)
    if key not in _analytics:
        _analytics[key] = Analytics(create_engine(engine.url))
    return _analytics[key]


async def _keep_summary(app: Any) -> None:
    """Summarise new conversations every SUMMARY_SECONDS (without a pause while there
    is a backlog, e.g. the first time over an existing database), so a page rarely waits."""
    while True:
        analytics = analytics_of(app)
        done = False
        if analytics is not None:
            try:
                done = await asyncio.to_thread(analytics.refresh, SUMMARY_SECONDS / 2)
            except Exception:  # the database is away: try again next time
                logger.warning("Could not bring the analytics summary up to date", exc_info=True)
                done = True
        await asyncio.sleep(SUMMARY_SECONDS if done or analytics is None else 0.1)


class AdminPage(InputChannel):
    """Serves the analytics page; handles no messages."""

    @classmethod
    def name(cls) -> str:
        return "admin_page"

    def url_prefix(self) -> str:
        return html.ROOT.rstrip("/")  # absolute: /admin, not /webhooks/admin_page

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        pages = Blueprint("admin_page", __name__)
        token = admin_token()
        sessions = Sessions(token) if token else None

        def guarded(
            handler: Callable[..., Awaitable[HTTPResponse]],
        ) -> Callable[..., Awaitable[HTTPResponse]]:
            async def wrapper(request: Request, **kwargs: Any) -> HTTPResponse:
                if sessions is None:
                    return response.text(NOT_FOUND, status=404, headers=HEADERS)
                if not sessions.allows(request):
                    return _login_required(request)
                analytics = analytics_of(request.app)
                if analytics is None:
                    return _html(
                        html.message_page(
                            "No SQL tracker store",
                            "The analytics read the SQL tracker store (endpoints.yml).",
                        ),
                        503,
                    )
                try:
                    behind = await asyncio.to_thread(_freshen, analytics)
                    request.ctx.notice = html.catching_up(behind)
                    return await handler(request, analytics, **kwargs)
                except BadRequest as problem:
                    return _html(html.message_page("Please check the filters", str(problem)), 400)
                except Exception:  # the database is down: say so, never a trace
                    logger.exception("The analytics page failed")
                    return _html(
                        html.message_page(
                            "Not available", "The conversation database can't be read right now."
                        ),
                        503,
                    )

            wrapper.__name__ = handler.__name__
            return wrapper

        @pages.listener("after_server_start")
        async def summarise_in_the_background(app: Any, _: Any) -> None:
            if sessions is not None:
                app.add_task(_keep_summary(app))

        @pages.route("/", methods=["GET"])
        async def overview(request: Request) -> HTTPResponse:
            return await guarded(_overview)(request)

        @pages.route("/mix", methods=["GET"])
        async def mix(request: Request) -> HTTPResponse:
            return await guarded(_mix)(request)

        @pages.route("/understanding", methods=["GET"])
        async def understanding(request: Request) -> HTTPResponse:
            return await guarded(_understanding)(request)

        @pages.route("/conversations", methods=["GET"])
        async def conversations(request: Request) -> HTTPResponse:
            return await guarded(_conversations)(request)

        @pages.route("/conversations/<sender_id:path>", methods=["GET"])
        async def conversation(request: Request, sender_id: str) -> HTTPResponse:
            return await guarded(_conversation)(request, sender_id=sender_id)

        @pages.route("/export/<name:str>", methods=["GET"])
        async def export(request: Request, name: str) -> HTTPResponse:
            return await guarded(_export)(request, name=name)

        @pages.route("/login", methods=["GET", "POST"])
        async def login(request: Request) -> HTTPResponse:
            if sessions is None:
                return response.text(NOT_FOUND, status=404, headers=HEADERS)
            if request.method == "GET":
                return _html(html.login_page())
            given = (request.form.get("token") or "") if request.form else ""
            if not hmac.compare_digest(given.strip().encode(), sessions.token.encode()):
                await asyncio.sleep(FAILED_LOGIN_DELAY)
                return _html(html.login_page("That token is not right."), 401)
            reply = response.redirect(html.ROOT, status=303, headers=HEADERS)
            _set_cookie(reply, sessions.new(), SESSION_SECONDS, secure=_is_https(request))
            return reply

        @pages.route("/logout", methods=["POST"])
        async def logout(request: Request) -> HTTPResponse:
            if sessions is None:
                return response.text(NOT_FOUND, status=404, headers=HEADERS)
            reply = response.redirect(f"{html.ROOT}login", status=303, headers=HEADERS)
            _set_cookie(reply, "", 0, secure=_is_https(request))
            return reply

        return pages


# --- the pages -------------------------------------------------------------------------


async def _overview(request: Request, analytics: Analytics) -> HTTPResponse:
    filters = parse_filters(request.args)

    def build() -> str:
        activity = analytics.activity(filters)
        funnel = analytics.funnel(filters)
        conversations = sum(row[2] for row in activity.rows)
        messages = sum(row[3] for row in activity.rows)
        return html.page(
            "Overview",
            "",
            filters,
            request.ctx.notice
            + html.figures([("conversations", conversations), ("user messages", messages)])
            + html.section(_by_day(activity), filters, _activity_chart(activity))
            + html.section(
                funnel,
                filters,
                horizontal_bars(
                    [str(r[0]) for r in funnel.rows],
                    [r[1] for r in funnel.rows],
                    "conversations",
                    funnel.title,
                ),
                note="Each step counts the conversations that also reached every step before it.",
            ),
        )

    return _html(await asyncio.to_thread(build))


async def _mix(request: Request, analytics: Analytics) -> HTTPResponse:
    filters = parse_filters(request.args)

    def build() -> str:
        tables = analytics.mix(filters)
        body = "".join(
            html.section(
                table,
                filters,
                horizontal_bars(
                    [str(r[0]) for r in table.rows],
                    [r[1] for r in table.rows],
                    "assessments",
                    table.title,
                )
                if table.rows
                else "",
                note="Assessments finished on these days, scored as their report shows them."
                if table.name == "recommendations"
                else "",
            )
            for table in tables
        )
        return html.page("Recommendations", "mix", filters, request.ctx.notice + body)

    return _html(await asyncio.to_thread(build))


async def _understanding(request: Request, analytics: Analytics) -> HTTPResponse:
    filters = parse_filters(request.args)

    def build() -> str:
        shares = analytics.understanding(filters)
        missed = analytics.not_understood(filters)
        chart = horizontal_bars(
            [str(r[0]) for r in shares.rows],
            [r[2] for r in shares.rows],
            "% of user messages",
            shares.title,
        )
        return html.page(
            "Understanding",
            "understanding",
            filters,
            request.ctx.notice
            + html.section(shares, filters, chart)
            + html.section(
                missed,
                filters,
                cells=html.not_understood_cells,
                note="Messages that fell back or were not understood as an answer, most frequent "
                "first: the list to grow the training data from.",
            ),
        )

    return _html(await asyncio.to_thread(build))


async def _conversations(request: Request, analytics: Analytics) -> HTTPResponse:
    filters = parse_filters(request.args)
    search = (request.args.get("q") or "").strip()
    page_number = parse_page(request.args)

    def build() -> str:
        table = analytics.conversation_list(filters, search, page_number)
        more = len(table.rows) > PAGE_SIZE
        shown = _first_rows(table, PAGE_SIZE)
        return html.page(
            "Conversations",
            "conversations",
            filters,
            request.ctx.notice
            + html.section(shown, filters, cells=html.conversation_cells, export={"q": search})
            + html.pager(filters, search, page_number, more),
            extra=html.search_box(search),
        )

    return _html(await asyncio.to_thread(build))


async def _conversation(request: Request, analytics: Analytics, sender_id: str) -> HTTPResponse:
    transcript = await asyncio.to_thread(analytics.transcript, sender_id)
    if transcript is None:
        return _html(html.message_page("No such conversation", "It is not stored (any more)."), 404)
    links = [_report_link(sender_id, a.report_id) for a, _ in transcript.assessments]
    body = html.transcript_body(transcript, links)
    return _html(html.page(f"Conversation {sender_id}", "conversations", None, body))


async def _export(request: Request, analytics: Analytics, name: str) -> HTTPResponse:
    if not name.endswith(".csv"):
        return response.text(NOT_FOUND, status=404, headers=HEADERS)
    name = name.removesuffix(".csv")
    if name in ("transcript", "assessments"):
        return await _export_conversation(request, analytics, name)
    filters = parse_filters(request.args)
    search = (request.args.get("q") or "").strip()
    tables: dict[str, Callable[[], list[Table]]] = {
        "conversations_per_day": lambda: [analytics.activity(filters)],
        "funnel": lambda: [analytics.funnel(filters)],
        "recommendations": lambda: analytics.mix(filters),
        "certainty": lambda: analytics.mix(filters),
        "processes": lambda: analytics.mix(filters),
        "understanding": lambda: [analytics.understanding(filters)],
        "not_understood": lambda: [analytics.not_understood(filters)],
        "conversations": lambda: [
            _first_rows(
                analytics.conversation_list(filters, search, 0, page_size=EXPORT_ROWS), EXPORT_ROWS
            )
        ],
    }
    if name not in tables:
        return response.text(NOT_FOUND, status=404, headers=HEADERS)
    found = await asyncio.to_thread(tables[name])
    table = next(t for t in found if t.name == name)
    return _csv(table, f"{name}-{filters.first_day}-{filters.last_day}.csv")


async def _export_conversation(request: Request, analytics: Analytics, name: str) -> HTTPResponse:
    """One conversation's transcript or assessments (``?id=<conversation id>``)."""
    sender_id = request.args.get("id") or ""
    transcript = await asyncio.to_thread(analytics.transcript, sender_id) if sender_id else None
    if transcript is None:
        return response.text(NOT_FOUND, status=404, headers=HEADERS)
    if name == "assessments":
        table = Table(
            name,
            "Assessments",
            ("finished", "recommendation", "certainty", "answers", "report"),
            [
                (
                    a.finished_on,
                    model_label(result),
                    result.certainty.value if result.certainty else "",
                    ", ".join(f"{k}: {v}" for k, v in a.answers.items()),
                    _report_link(sender_id, a.report_id) or "",
                )
                for a, result in transcript.assessments
            ],
        )
    else:
        table = Table(
            name,
            "Transcript",
            ("timestamp", "who", "text", "intent / buttons"),
            [(t.timestamp, t.speaker, t.text, t.detail) for t in transcript.turns],
        )
    return _csv(table, f"{name}.csv")


# --- helpers ------------------------------------------------------------------------------


def _by_day(activity: Table) -> Table:
    """The activity with one row per day and the channels side by side (the CSV keeps
    one row per day and channel)."""
    channels = sorted({str(row[1]) for row in activity.rows})
    days: dict[str, dict[str, tuple[int, int]]] = {}
    for day, channel, conversations, messages in activity.rows:
        days.setdefault(str(day), {})[str(channel)] = (conversations, messages)
    columns = ["day", "conversations", "messages"]
    columns += [f"{c} {what}" for c in channels for what in ("conversations", "messages")]
    rows = []
    for day, seen in days.items():
        total = [sum(n for n, _ in seen.values()), sum(m for _, m in seen.values())]
        rows.append((day, *total, *(x for c in channels for x in seen.get(c, (0, 0)))))
    return Table(activity.name, activity.title, tuple(columns), rows)


def _activity_chart(activity: Table) -> str:
    days = sorted({str(row[0]) for row in activity.rows})
    if not days:
        return ""
    channels = sorted({str(row[1]) for row in activity.rows})
    series = {c: [0.0] * len(days) for c in channels}
    for day, channel, conversations, _ in activity.rows:
        series[str(channel)][days.index(str(day))] = float(conversations)
    return stacked_days(days, series, "conversations")


def _freshen(analytics: Analytics) -> int:
    """Bring the summary up to date (for at most PAGE_REFRESH_SECONDS); the number of
    events still to summarise."""
    return 0 if analytics.refresh(PAGE_REFRESH_SECONDS) else analytics.summariser.behind()


def _first_rows(table: Table, count: int) -> Table:
    return Table(table.name, table.title, table.columns, table.rows[:count])


def _report_link(sender_id: str, report_id: str) -> str | None:
    try:
        return f"/report/{rasa_settings().report_links.make_token(sender_id, report_id)}"
    except MissingSecret:
        return None


def _html(body: str, status: int = 200) -> HTTPResponse:
    return response.html(body, status=status, headers=HEADERS)


def _csv(table: Table, filename: str) -> HTTPResponse:
    return response.text(
        html.to_csv(table),
        content_type="text/csv; charset=utf-8",
        headers={**HEADERS, "Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _login_required(request: Request) -> HTTPResponse:
    """401: a browser gets the login form, anything else a short text."""
    headers = {**HEADERS, "WWW-Authenticate": 'Bearer realm="advisor-admin"'}
    if "text/html" in (request.headers.get("accept") or ""):
        return response.html(html.login_page(), status=401, headers=headers)
    return response.text("Operator token required", status=401, headers=headers)


def _is_https(request: Request) -> bool:
    forwarded = (request.headers.get("x-forwarded-proto") or "").split(",")[0].strip()
    return request.scheme == "https" or forwarded == "https"


def _set_cookie(reply: HTTPResponse, value: str, max_age: int, *, secure: bool) -> None:
    reply.cookies[COOKIE] = value
    cookie = reply.cookies[COOKIE]
    cookie["path"] = html.ROOT
    cookie["httponly"] = True
    cookie["samesite"] = "Strict"
    cookie["max-age"] = max_age
    if secure:
        cookie["secure"] = True
