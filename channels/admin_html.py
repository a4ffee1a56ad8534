"""HTML of the operators' analytics page (channels/admin_page.py serves it).

Plain server-rendered pages: inline SVG charts (channels/admin_chart.py), one
stylesheet inline, no script. Every value from a conversation is escaped.

WCAG 2.2 AA, as the report pages (docs/accessibility.md): a skip link and landmarks,
a heading per page, visible focus, every table in a labelled region that scrolls on
a narrow screen (focusable, for the keyboard), charts as named images, labelled
fields, the login error announced, and a print view without the controls.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from html import escape
from typing import Any
from urllib.parse import quote, urlencode

from stores.analytics import PAGE_SIZE, Filters, Table, Transcript, known_channels
from stores.analytics_summary import model_label

ROOT = "/admin/"
PAGES = (
    ("", "Overview"),
    ("mix", "Recommendations"),
    ("understanding", "Understanding"),
    ("conversations", "Conversations"),
)
DATE = re.compile(r"\d{4}-\d\d-\d\d( \d\d:\d\d(:\d\d)?)?")  # kept on one line
CURRENT = ' aria-current="page"'
STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1a202c;
background:#f7fafc;font-size:15px}
/* A date field too while its calendar button has focus (the field is then not :focus). */
:focus-visible,input:focus-within,select:focus{outline:3px solid #2b6cb0;outline-offset:2px}
header :focus-visible{outline-color:#fff}
.skip{position:absolute;left:-10000px;top:.4rem;background:#fff;color:#1a365d;padding:.4rem .8rem;
border-radius:4px;z-index:1}
.skip:focus{left:.5rem}
.vh{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
header{background:#1a365d;color:#fff;padding:.6rem 1.2rem;display:flex;flex-wrap:wrap;
align-items:center;gap:.4rem 1rem}
header .brand{font-size:1.1rem;font-weight:700;margin:0 1rem 0 0}
header nav a{color:#fff;margin-right:.9rem;text-decoration:none;padding:.2rem 0;
display:inline-block}
header nav a[aria-current]{border-bottom:2px solid #fff;font-weight:600}
header form{margin-left:auto}
main{padding:1rem 1.2rem;max-width:1100px}
main:focus{outline:none}
h1{font-size:1.35rem;margin:.2rem 0 .8rem}
h1,h2,p{overflow-wrap:anywhere}
form.filters{display:flex;flex-wrap:wrap;gap:.8rem;align-items:end;background:#fff;
padding:.8rem;border:1px solid #e2e8f0;border-radius:6px}
form.filters label{display:flex;flex-direction:column;font-size:.85rem;gap:.2rem}
input,select,button{font:inherit;padding:.3rem .45rem}
button{background:#2b6cb0;color:#fff;border:0;border-radius:4px;cursor:pointer}
header button{background:#fff;color:#1a365d}
section{background:#fff;border:1px solid #e2e8f0;border-radius:6px;padding:.8rem 1rem;
margin:1rem 0}
section h2{font-size:1.05rem;margin:.1rem 0 .6rem}
.table-scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #edf2f7;vertical-align:top}
th{background:#edf2f7}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.csv{font-size:.85rem;float:right}
.figures{display:flex;gap:1rem;flex-wrap:wrap}
.figure{background:#ebf8ff;border-radius:6px;padding:.5rem .9rem}
.figure b{display:block;font-size:1.4rem}
.user{background:#ebf8ff}.bot{background:#fff}.note{color:#4a5568;font-style:italic}
.turn td:first-child{white-space:nowrap;color:#4a5568}
.d{white-space:nowrap}
.muted{color:#4a5568;font-size:.85rem}
svg{max-width:100%;height:auto}
.error{color:#9b2c2c;font-weight:600}
.notice{background:#fefcbf;border:1px solid #d69e2e;border-radius:6px;padding:.5rem .8rem}
@media (prefers-reduced-motion:reduce){*{animation:none!important;transition:none!important;
scroll-behavior:auto!important}}
@media print{body{background:#fff;font-size:10pt}.skip,header nav,header form,form.filters,.csv,
.pager{display:none}header{background:none;color:#000;padding:0}main{padding:0;max-width:none}
section{border:0;padding:0}.table-scroll{overflow:visible}th,td{overflow-wrap:anywhere}
h2{break-after:avoid}tr,svg{break-inside:avoid}a{color:inherit}}
"""


def page(title: str, current: str, filters: Filters | None, body: str, extra: str = "") -> str:
    """The frame of every page: navigation, the page's heading, the filters and `body`."""
    links = "".join(
        f'<a href="{ROOT}{path}{_query(filters)}"'
        f"{CURRENT if path == current else ''}>{escape(label)}</a>"
        for path, label in PAGES
    )
    header = (
        f'<nav aria-label="Analytics pages">{links}</nav>'
        f'<form method=post action="{ROOT}logout"><button>Log out</button></form>'
    )
    main = f"{filter_form(current, filters, extra) if filters else ''}{body}"
    return _document(title, header, main)


def _document(title: str, header: str, main: str, heading: str | None = None) -> str:
    """A whole page: a skip link to `main` (focusable, so focus lands there), the header
    with the site's name, and the page's one h1."""
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        '<meta name=viewport content="width=device-width,initial-scale=1">'
        f"<title>{escape(title)} · Outsourcing Advisor analytics</title>"
        f'<style>{STYLE}</style></head><body><a class=skip href="#main">Skip to the content</a>'
        f"<header><p class=brand>Outsourcing Advisor · analytics</p>{header}</header>"
        f"<main id=main tabindex=-1><h1>{escape(heading or title)}</h1>{main}</main></body></html>"
    )


def filter_form(current: str, filters: Filters, extra: str = "") -> str:
    options = '<option value="">all</option>' + "".join(
        f'<option value="{value}"{" selected" if filters.channel == value else ""}>'
        f"{escape(name)}</option>"
        for value, name in known_channels()
    )
    return (
        f'<form class=filters method=get action="{ROOT}{current}" aria-label="Filters">'
        f'<label>From (UTC)<input type=date name=from value="{filters.first_day}" required></label>'
        f'<label>To (UTC)<input type=date name=to value="{filters.last_day}" required></label>'
        f"<label>Channel<select name=channel>{options}</select></label>{extra}"
        "<button>Show</button></form>"
    )


def section(
    table: Table,
    filters: Filters | None,
    chart: str = "",
    cells: Any = None,
    note: str = "",
    export: dict[str, str] | None = None,
) -> str:
    """A table with its CSV link and optional chart; `cells(row)` renders a row's
    cells as HTML (default: the values, escaped)."""
    href = f"{ROOT}export/{table.name}.csv{_query(filters, export)}"
    title = escape(table.title)
    rows = "".join(
        "<tr>" + (cells(row) if cells else "".join(_cell(v) for v in row)) + "</tr>"
        for row in table.rows
    )
    empty = f'<tr><td colspan="{len(table.columns)}">No data for these days.</td></tr>'
    head = "".join(f"<th scope=col>{escape(c)}</th>" for c in table.columns)
    return (
        f'<section aria-labelledby="t-{table.name}">{csv_link(href, table.title)}'
        f'<h2 id="t-{table.name}">{title}</h2>'
        f"{f'<p class=muted>{note}</p>' if note else ''}{chart}"
        + scrolling(
            f"<table><thead><tr>{head}</tr></thead><tbody>{rows or empty}</tbody></table>",
            table.title,
        )
        + "</section>"
    )


def csv_link(href: str, title: str) -> str:
    """The visible "CSV", named "CSV of <title>" for a screen reader's list of links."""
    return f'<a class=csv href="{escape(href)}">CSV<span class=vh> of {escape(title)}</span></a>'


def scrolling(table: str, title: str) -> str:
    """A table in a labelled region that scrolls sideways on a narrow screen instead of
    the whole page; focusable, so it can be scrolled with the keyboard."""
    return (
        f'<div class=table-scroll role=region aria-label="{escape(title)}, as a table" '
        f"tabindex=0>{table}</div>"
    )


def figures(pairs: Iterable[tuple[str, Any]]) -> str:
    boxes = "".join(f"<div class=figure><b>{escape(str(v))}</b>{escape(k)}</div>" for k, v in pairs)
    return f"<section><div class=figures>{boxes}</div></section>"


def conversation_link(sender_id: str, label: str | None = None) -> str:
    href = f"{ROOT}conversations/{quote(sender_id, safe='')}"
    return f'<a href="{escape(href)}">{escape(label or sender_id)}</a>'


def conversation_cells(row: Sequence[Any]) -> str:
    return conversation_link(str(row[0])).join(("<td>", "</td>")) + "".join(
        _cell(v) for v in row[1:]
    )


def not_understood_cells(row: Sequence[Any]) -> str:
    message, times, sender = row
    return f"{_cell(message)}{_cell(times)}<td>{conversation_link(str(sender))}</td>"


def pager(filters: Filters, search: str, page: int, more: bool) -> str:
    links = []
    if page > 0:
        previous = _query(filters, {"q": search, "page": str(page - 1)})
        links.append(f'<a href="{ROOT}conversations{escape(previous)}">← newer</a>')
    if more:
        after = _query(filters, {"q": search, "page": str(page + 1)})
        links.append(f'<a href="{ROOT}conversations{escape(after)}">older →</a>')
    shown = f"Page {page + 1}, {PAGE_SIZE} conversations a page, the latest first."
    more_pages = f'<nav class=pager aria-label="More conversations">{" · ".join(links)}</nav>'
    return f"<p class=muted>{shown}</p>{more_pages if links else ''}"


def search_box(search: str) -> str:
    return (
        f'<label>Search (id or message text)<input type=search name=q value="{escape(search)}"'
        " maxlength=200></label>"
    )


def transcript_body(transcript: Transcript, report_links: Sequence[str | None]) -> str:
    """One conversation: its assessments with their report links, then every turn."""
    assessments = []
    for (assessment, result), link in zip(transcript.assessments, report_links, strict=True):
        answers = ", ".join(f"{k}: {v}" for k, v in assessment.answers.items())
        model = model_label(result)
        certainty = result.certainty.value if result.certainty else ""
        report = f'<a href="{escape(link)}">report</a>' if link else "no link (no server secret)"
        assessments.append(
            f"<tr><td>{escape(assessment.finished_on)}</td><td>{escape(model)}</td>"
            f"<td>{escape(certainty)}</td><td>{escape(answers)}</td><td>{report}</td></tr>"
        )
    assessed = (
        scrolling(
            "<table><thead><tr><th scope=col>finished</th><th scope=col>recommendation</th>"
            "<th scope=col>certainty</th><th scope=col>answers</th><th scope=col>report</th>"
            f"</tr></thead><tbody>{''.join(assessments)}</tbody></table>",
            "Assessments",
        )
        if assessments
        else "<p>No finished assessment.</p>"
    )
    turns = "".join(
        f'<tr class="turn {turn.speaker}"><td>{_time(turn.timestamp)}</td>'
        f"<td>{escape(turn.speaker)}</td><td>{_multiline(turn.text)}</td>"
        f"<td class=muted>{escape(turn.detail)}</td></tr>"
        for turn in transcript.turns
    )
    export = f"{ROOT}export/transcript.csv?{urlencode({'id': transcript.sender_id})}"
    export_assessments = export.replace("transcript.csv", "assessments.csv", 1)
    table = scrolling(
        "<table><thead><tr><th scope=col>time (UTC)</th><th scope=col>who</th>"
        "<th scope=col>text</th><th scope=col>intent / buttons</th>"
        f"</tr></thead><tbody>{turns}</tbody></table>",
        "Transcript",
    )
    return (
        f"<p>Channel: {escape(transcript.channel or 'unknown')}</p>"
        f"<section aria-labelledby=t-assessments>{csv_link(export_assessments, 'Assessments')}"
        f"<h2 id=t-assessments>Assessments</h2>{assessed}</section>"
        f"<section aria-labelledby=t-transcript>{csv_link(export, 'Transcript')}"
        f"<h2 id=t-transcript>Transcript</h2>{table}</section>"
    )


def login_page(message: str = "") -> str:
    """The login form; an error is announced (role=alert) and describes the field,
    which has focus, so it is read again there."""
    error = f"<p class=error id=login-error role=alert>{escape(message)}</p>" if message else ""
    invalid = " aria-invalid=true aria-describedby=login-error" if message else ""
    body = (
        f"<section>{error}"
        f'<form method=post action="{ROOT}login"><label>Operator token '
        "<input type=password name=token autocomplete=current-password required autofocus"
        f"{invalid}></label> <button>Log in</button></form>"
        "<p class=muted>The token is ADVISOR_ADMIN_TOKEN of the server (docs/operators.md).</p>"
        "</section>"
    )
    return _document("Error: Log in" if message else "Log in", "", body, heading="Log in")


def catching_up(behind: int) -> str:
    """The notice of a page whose figures miss the newest events."""
    if not behind:
        return ""
    return (
        f"<p class=notice role=status>Still summarising {behind:,} events (done in the "
        "background): these figures do not include them yet. Reload in a minute.</p>"
    )


def message_page(title: str, message: str) -> str:
    return page(title, "-", None, f"<section><p>{escape(message)}</p></section>")


def to_csv(table: Table) -> str:
    """The table as CSV; a cell a spreadsheet would run as a formula is quoted with '."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow([_safe_cell(value) for value in row])
    return buffer.getvalue()


def _safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _cell(value: Any) -> str:
    if isinstance(value, str) and DATE.fullmatch(value):
        return f"<td class=d>{escape(value)}</td>"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (
            f"<td class=n>{value:g}</td>"
            if isinstance(value, float)
            else f"<td class=n>{value}</td>"
        )
    return f"<td>{escape(str(value))}</td>"


def _multiline(text: str) -> str:
    return "<br>".join(escape(line) for line in text.splitlines())


def _time(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def _query(filters: Filters | None, extra: dict[str, str] | None = None) -> str:
    if filters is None:
        return ""
    values = {"from": filters.first_day.isoformat(), "to": filters.last_day.isoformat()}
    if filters.channel:
        values["channel"] = filters.channel
    values.update({k: v for k, v in (extra or {}).items() if v and v != "0"})
    return "?" + urlencode(values)
