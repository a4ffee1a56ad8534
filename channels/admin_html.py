"""HTML of the operators' analytics page (channels/admin_page.py serves it).

Plain server-rendered pages: inline SVG charts (channels/admin_chart.py), one
stylesheet inline, no script. Every value from a conversation is escaped.
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
header{background:#1a365d;color:#fff;padding:.6rem 1.2rem;display:flex;flex-wrap:wrap;
align-items:center;gap:1rem}
header h1{font-size:1.1rem;margin:0 1rem 0 0}
header nav a{color:#fff;margin-right:.9rem;text-decoration:none;padding:.2rem 0}
header nav a[aria-current]{border-bottom:2px solid #fff;font-weight:600}
header form{margin-left:auto}
main{padding:1rem 1.2rem;max-width:1100px}
form.filters{display:flex;flex-wrap:wrap;gap:.8rem;align-items:end;background:#fff;
padding:.8rem;border:1px solid #e2e8f0;border-radius:6px}
form.filters label{display:flex;flex-direction:column;font-size:.85rem;gap:.2rem}
input,select,button{font:inherit;padding:.3rem .45rem}
button{background:#2b6cb0;color:#fff;border:0;border-radius:4px;cursor:pointer}
header button{background:#fff;color:#1a365d}
section{background:#fff;border:1px solid #e2e8f0;border-radius:6px;padding:.8rem 1rem;
margin:1rem 0}
section h2{font-size:1.05rem;margin:.1rem 0 .6rem}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #edf2f7;vertical-align:top}
th{background:#edf2f7}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.csv{font-size:.85rem;float:right}
.figures{display:flex;gap:1rem;flex-wrap:wrap}
.figure{background:#ebf8ff;border-radius:6px;padding:.5rem .9rem}
.figure b{display:block;font-size:1.4rem}
.user{background:#ebf8ff}.bot{background:#fff}.note{color:#718096;font-style:italic}
.turn td:first-child{white-space:nowrap;color:#4a5568}
.d{white-space:nowrap}
.muted{color:#4a5568;font-size:.85rem}
svg{max-width:100%;height:auto}
.error{color:#9b2c2c;font-weight:600}
.notice{background:#fefcbf;border:1px solid #d69e2e;border-radius:6px;padding:.5rem .8rem}
"""


def page(title: str, current: str, filters: Filters | None, body: str, extra: str = "") -> str:
    """The frame of every page: navigation, the filters and `body`."""
    links = "".join(
        f'<a href="{ROOT}{path}{_query(filters)}"'
        f"{CURRENT if path == current else ''}>{escape(label)}</a>"
        for path, label in PAGES
    )
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        '<meta name=viewport content="width=device-width,initial-scale=1">'
        f"<title>{escape(title)} · Outsourcing Advisor analytics</title>"
        f"<style>{STYLE}</style></head><body>"
        f"<header><h1>Outsourcing Advisor · analytics</h1><nav>{links}</nav>"
        f'<form method=post action="{ROOT}logout"><button>Log out</button></form></header>'
        f"<main>"
        f"{filter_form(current, filters, extra) if filters else ''}{body}</main></body></html>"
    )


def filter_form(current: str, filters: Filters, extra: str = "") -> str:
    options = '<option value="">all</option>' + "".join(
        f'<option value="{value}"{" selected" if filters.channel == value else ""}>'
        f"{escape(name)}</option>"
        for value, name in known_channels()
    )
    return (
        f'<form class=filters method=get action="{ROOT}{current}">'
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
    rows = "".join(
        "<tr>" + (cells(row) if cells else "".join(_cell(v) for v in row)) + "</tr>"
        for row in table.rows
    )
    empty = f'<tr><td colspan="{len(table.columns)}">No data for these days.</td></tr>'
    head = "".join(f"<th scope=col>{escape(c)}</th>" for c in table.columns)
    return (
        f'<section aria-labelledby="t-{table.name}"><a class=csv href="{escape(href)}">CSV</a>'
        f'<h2 id="t-{table.name}">{escape(table.title)}</h2>'
        f"{f'<p class=muted>{note}</p>' if note else ''}{chart}"
        f"<table><thead><tr>{head}</tr></thead><tbody>{rows or empty}</tbody></table></section>"
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
    return f"<p class=muted>{shown} {' · '.join(links)}</p>"


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
        "<table><thead><tr><th>finished</th><th>recommendation</th><th>certainty</th>"
        f"<th>answers</th><th>report</th></tr></thead><tbody>{''.join(assessments)}</tbody></table>"
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
    return (
        f"<section><h2>Conversation {escape(transcript.sender_id)}</h2>"
        f"<p>Channel: {escape(transcript.channel or 'unknown')}</p></section>"
        f'<section><a class=csv href="{escape(export_assessments)}">CSV</a>'
        f"<h2>Assessments</h2>{assessed}</section>"
        f'<section><a class=csv href="{escape(export)}">CSV</a><h2>Transcript</h2>'
        "<table><thead><tr><th>time (UTC)</th><th>who</th><th>text</th><th>intent / buttons</th>"
        f"</tr></thead><tbody>{turns}</tbody></table></section>"
    )


def login_page(message: str = "") -> str:
    error = f"<p class=error role=alert>{escape(message)}</p>" if message else ""
    body = (
        f"<section><h2>Log in</h2>{error}"
        f'<form method=post action="{ROOT}login"><label>Operator token '
        "<input type=password name=token autocomplete=current-password required autofocus>"
        "</label> <button>Log in</button></form>"
        "<p class=muted>The token is ADVISOR_ADMIN_TOKEN of the server (docs/operators.md).</p>"
        "</section>"
    )
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        '<meta name=viewport content="width=device-width,initial-scale=1">'
        f"<title>Log in · Outsourcing Advisor analytics</title><style>{STYLE}</style></head>"
        f"<body><header><h1>Outsourcing Advisor · analytics</h1></header><main>{body}</main>"
        "</body></html>"
    )


def catching_up(behind: int) -> str:
    """The notice of a page whose figures miss the newest events."""
    if not behind:
        return ""
    return (
        f"<p class=notice role=status>Still summarising {behind:,} events (done in the "
        "background): these figures do not include them yet. Reload in a minute.</p>"
    )


def message_page(title: str, message: str) -> str:
    return page(
        title, "-", None, f"<section><h2>{escape(title)}</h2><p>{escape(message)}</p></section>"
    )


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
