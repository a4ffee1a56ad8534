"""The report and portfolio pages as HTML: one self-contained page each, printable.

Styles come from /chat/assets/report.css (with a print stylesheet); the charts
are inline SVG from `channels.report_chart`. Everything the user typed (the
process name) is escaped.

Accessibility (docs/accessibility.md): each chart is one image (role="img") whose
name states the totals it draws; each table sits in a labelled region that scrolls
sideways on a narrow screen instead of the whole page; the print stylesheet lets
both print in full.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence

from advisor.checklist import NOT_FROM_SOURCE_NOTE
from advisor.report import PortfolioRow, Report, signed, verdict_code
from advisor.sourcing import MODELS, Model
from channels.report_chart import contribution_chart, portfolio_chart

STYLESHEET = "/chat/assets/report.css"
_BOLD = re.compile(r"\*\*(.+?)\*\*")


def _text(markdown_light: str) -> str:
    """Escape, then turn the chat's **bold** into <strong>."""
    return _BOLD.sub(r"<strong>\1</strong>", html.escape(markdown_light))


def _page(title: str, body: str) -> str:
    return (
        "<!doctype html>\n"
        '<html lang="en"><head><meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="robots" content="noindex">\n'
        f"<title>{html.escape(title)}</title>\n"
        '<link rel="icon" href="data:,">\n'  # no /favicon.ico request (a 404)
        f'<link rel="stylesheet" href="{STYLESHEET}">\n'
        f"</head><body><main>\n{body}\n</main></body></html>\n"
    )


def _totals(points: Mapping[Model, float]) -> str:
    """ "BPO +5, KPO −1, in-house 0": the words a chart's name gives its numbers."""
    return ", ".join(f"{m.short_name} {signed(points[m])}" for m in MODELS)


def _chart(svg: str, name: str) -> str:
    """The SVG as one image named `name`: its bars and tick labels are not read out one
    by one (the table next to it has the same numbers)."""
    return svg.replace("<svg", f'<svg role="img" aria-label="{html.escape(name)}"', 1)


def _scrolling(table: str, label: str) -> str:
    """A table in a labelled region that scrolls sideways on a narrow screen; focusable,
    so keyboard users can scroll it too."""
    return (
        f'<div class="table-scroll" role="region" aria-label="{html.escape(label)}" '
        f'tabindex="0">{table}</div>'
    )


def _list(items: Sequence[str]) -> str:
    return "<ul>" + "".join(f"<li>{_text(item)}</li>" for item in items) + "</ul>"


def report_page(report: Report, export_base: str) -> str:
    """`export_base`: the page's own URL, which the export links extend."""
    rec = report.recommendation
    answers = "".join(
        f"<tr><th scope='row'>{html.escape(q)}</th><td>{html.escape(a)}</td></tr>"
        for q, a in report.answers
    )
    factors = "".join(
        f"<tr><th scope='row'>{html.escape(f.label)}</th>"
        + "".join(f"<td class='num'>{signed(f.points[m])}</td>" for m in MODELS)
        + f"<td>{html.escape(f.reason)}</td></tr>"
        for f in report.factors
    )
    totals = "".join(f"<td class='num'>{signed(rec.scores[m])}</td>" for m in MODELS)
    heads = "".join(f"<th scope='col' class='num'>{m.short_name}</th>" for m in MODELS)
    checklist = "".join(
        f"<h3>{html.escape(heading)}</h3><ul class='checklist'>"
        + "".join(
            f"<li><label><input type='checkbox'> {html.escape(item)}</label></li>" for item in items
        )
        + "</ul>"
        for heading, items in report.checklist
    )
    assumptions = (
        f"<section><h2>Assumptions</h2>{_list(report.assumptions)}</section>"
        if report.assumptions
        else ""
    )
    settled = f"<p>{_text(report.settled)}</p>" if report.settled else ""
    changes = (
        f"<section><h2>What would change it</h2>{_list(report.changes)}{settled}</section>"
        if report.changes
        else ""
    )
    model = rec.recommended.value if rec.recommended else ""
    if rec.hybrid is not None:
        model = verdict_code(rec.hybrid)
    chart = _chart(
        contribution_chart([f.label for f in report.factors], [f.points for f in report.factors]),
        "Bar chart of the points each answer gives BPO, KPO and in-house. "
        f"Totals: {_totals(rec.scores)}.",
    )
    answers_table = _scrolling(f"<table class='answers'>{answers}</table>", "Your answers")
    factors_table = _scrolling(
        f"""<table class="factors"><thead><tr><th scope="col">Factor</th>{heads}
  <th scope="col">Why</th></tr></thead><tbody>{factors}</tbody>
  <tfoot><tr><th scope="row">Total</th>{totals}<td></td></tr></tfoot></table>""",
        "Each answer's contribution, as a table",
    )
    body = f"""
<header>
  <p class="kicker">Outsourcing Advisor · assessment report · {report.assessment.finished_on}</p>
  <h1>{html.escape(report.process)}</h1>
  <p class="recommendation" data-recommendation="{model}">{_text(report.headline)}</p>
  <p class="certainty">How clear-cut: <strong>{html.escape(report.certainty)}</strong>
    (margin {rec.margin:g} points).</p>
  <nav class="no-print">
    <a href="{html.escape(export_base)}/report.md">Download as Markdown</a> ·
    <a href="{html.escape(export_base)}/report.json">Download as JSON</a> ·
    Print or save as PDF from your browser.</nav>
</header>
<section><h2>Your answers</h2>{answers_table}</section>
<section><h2>Why: each answer's contribution</h2>
  <figure class="chart">{chart}
  <figcaption>Points each answer gives BPO, KPO and keeping it in-house; the option
  with the most points in total is recommended.</figcaption></figure>
  {factors_table}
</section>
{assumptions}
{changes}
<section><h2>Due-diligence checklist</h2>{checklist}
  <p class="small">{html.escape(NOT_FROM_SOURCE_NOTE)}</p></section>
<footer><p class="reminder">{_text(report.reminder)}</p>
  <p class="small">This report was produced by the Outsourcing Advisor. Its link works
  for as long as the conversation is kept.</p></footer>
"""
    return _page(f"Outsourcing assessment: {report.process}", body)


def portfolio_page(rows: Sequence[PortfolioRow], report_links: Sequence[str]) -> str:
    """Every process assessed in one conversation: a table, a chart, their reports."""
    table = "".join(
        f"<tr><th scope='row'><a href='{html.escape(link)}'>{html.escape(row.process)}</a></th>"
        f"<td>{html.escape(row.verdict)}</td>"
        + "".join(f"<td class='num'>{signed(row.recommendation.scores[m])}</td>" for m in MODELS)
        + f"<td>{row.assessment.finished_on}</td></tr>"
        for row, link in zip(rows, report_links, strict=True)
    )
    heads = "".join(f"<th scope='col' class='num'>{m.short_name}</th>" for m in MODELS)
    chart = _chart(
        portfolio_chart([row.process for row in rows], [row.recommendation.scores for row in rows]),
        "Bar chart of the total points for each option, per process. "
        + "; ".join(f"{row.process}: {_totals(row.recommendation.scores)}" for row in rows)
        + ".",
    )
    portfolio_table = _scrolling(
        f"""<table class="portfolio"><thead><tr><th scope="col">Process</th>
  <th scope="col">Recommendation</th>{heads}<th scope="col">Assessed</th></tr></thead>
  <tbody>{table}</tbody></table>""",
        "Your processes, as a table",
    )
    body = f"""
<header>
  <p class="kicker">Outsourcing Advisor · sourcing portfolio</p>
  <h1>Your processes compared</h1>
</header>
<section>{portfolio_table}</section>
<section><figure class="chart">{chart}
  <figcaption>Total points for each option, per process.</figcaption></figure></section>
<footer><p class="small">Open a process for its full report and checklist.</p></footer>
"""
    return _page("Outsourcing Advisor: your processes compared", body)


NOT_FOUND = _page(
    "Report not found",
    "<h1>Report not found</h1><p>This report link is not valid, or the conversation it "
    "came from has been deleted. Finish an assessment in the chat to get a new one.</p>",
)
