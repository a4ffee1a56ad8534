"""The admin page's charts: inline SVG written directly, server-side.

Bars and columns need no plotting library: writing the SVG takes microseconds,
where a matplotlib figure costs a tenth of a second or more per chart, which a
page of several charts over a million events cannot spare. No script, nothing
fetched from elsewhere; every label is escaped and also in the table beside it.
Each chart is one image (`role="img"`) whose name states what it draws, totals
included, so a screen reader gets the numbers without exploring the bars.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

BAR_COLOUR = "#2b6cb0"
SERIES_COLOURS = ("#2b6cb0", "#c05621", "#2f855a", "#6b46c1", "#4a5568")
WIDTH = 720
LABEL_WIDTH = 290  # pixels for the labels of horizontal bars
ROW = 24  # pixels per bar
MAX_LABEL = 44  # characters of a label
FONT = 'font-family="system-ui,sans-serif" font-size="12"'


def horizontal_bars(
    labels: Sequence[str], values: Sequence[float], axis_title: str, title: str
) -> str:
    """One bar per label, the first on top, each with its value at its end; named
    "<title>, bar chart of <axis title>: <label>: <value>; ..."."""
    top = max(max(values, default=0), 1e-9)
    span = WIDTH - LABEL_WIDTH - 60
    height = ROW * len(labels) + 30
    parts = []
    for row, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = row * ROW + 4
        width = span * value / top if value > 0 else 0
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 15}" text-anchor="end">{escape(_short(label))}'
            f"</text>"
            f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{width:.1f}" height="{ROW - 8}" '
            f'fill="{BAR_COLOUR}"><title>{escape(label)}: {value:g}</title></rect>'
            f'<text x="{LABEL_WIDTH + width + 5:.1f}" y="{y + 15}">{value:g}</text>'
        )
    parts.append(
        f'<text x="{LABEL_WIDTH}" y="{height - 6}" fill="#4a5568">{escape(axis_title)}</text>'
    )
    bars = "; ".join(
        f"{label}: {number(value)}" for label, value in zip(labels, values, strict=True)
    )
    return _svg(height, f"{title}, bar chart of {axis_title}: {bars or 'none'}", "".join(parts))


def stacked_days(
    days: Sequence[str], series: Mapping[str, Sequence[float]], axis_title: str
) -> str:
    """One column per day, stacked by series (e.g. conversations per channel), with a legend;
    named with the days, the total and each series' total."""
    height, plot_top, plot_bottom, left = 240, 30, 205, 40
    totals = [sum(values[i] for values in series.values()) for i in range(len(days))]
    top = max(max(totals, default=0), 1e-9)
    step = (WIDTH - left - 10) / max(len(days), 1)
    scale = (plot_bottom - plot_top) / top
    parts = [
        f'<line x1="{left}" y1="{plot_bottom}" x2="{WIDTH - 10}" y2="{plot_bottom}" '
        'stroke="#a0aec0"/>',
        f'<text x="{left - 6}" y="{plot_top + 4}" text-anchor="end">{top:g}</text>',
        f'<text x="{left - 6}" y="{plot_bottom}" text-anchor="end">0</text>',
    ]
    for i, (name, colour) in enumerate(zip(series, SERIES_COLOURS * 4, strict=False)):
        parts.append(
            f'<rect x="{left + i * 110}" y="6" width="12" height="12" fill="{colour}"/>'
            f'<text x="{left + i * 110 + 16}" y="17">{escape(name)}</text>'
        )
    base = [0.0] * len(days)
    for (name, values), colour in zip(series.items(), SERIES_COLOURS * 4, strict=False):
        for i, value in enumerate(values):
            if value <= 0:
                continue
            y = plot_bottom - (base[i] + value) * scale
            parts.append(
                f'<rect x="{left + i * step + 1:.1f}" y="{y:.1f}" width="{max(step - 2, 1):.1f}" '
                f'height="{value * scale:.1f}" fill="{colour}">'
                f"<title>{escape(days[i])} {escape(name)}: {value:g}</title></rect>"
            )
            base[i] += value
    every = max(1, len(days) // 10)  # at most ~10 day labels
    for i in range(0, len(days), every):
        parts.append(
            f'<text x="{left + (i + 0.5) * step:.1f}" y="{plot_bottom + 16}" '
            f'text-anchor="middle">{escape(days[i][5:])}</text>'
        )
    parts.append(
        f'<text x="{left}" y="{height - 4}" fill="#4a5568">{escape(axis_title)} per day</text>'
    )
    per_series = "; ".join(f"{name}: {number(sum(values))}" for name, values in series.items())
    name = (
        f"Column chart of {axis_title} per day from {days[0]} to {days[-1]}, "
        f"by channel. Total: {number(sum(totals))} {axis_title}; {per_series}"
    )
    return _svg(height, name, "".join(parts))


def number(value: float) -> str:
    """A value as the table next to the chart writes it (12, not 12.0)."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


def _svg(height: int, title: str, body: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" aria-label="{escape(title)}" {FONT}>'
        f"{body}</svg>"
    )
