"""The admin page's charts, drawn server-side by matplotlib as inline SVG.

As channels/report_chart.py: the object API (no pyplot, no shared state between
requests), text kept as text, no script and nothing fetched from elsewhere.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

import matplotlib

matplotlib.use("Agg")  # never a GUI back-end
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from channels.report_chart import SVG_SETTINGS

BAR_COLOUR = "#2b6cb0"
SERIES_COLOURS = ("#2b6cb0", "#c05621", "#2f855a", "#6b46c1", "#4a5568")
MAX_LABEL = 48  # characters of a bar's label


def horizontal_bars(labels: Sequence[str], values: Sequence[float], axis_title: str) -> str:
    """One bar per label, the first on top, each with its value written at its end."""
    with matplotlib.rc_context({**SVG_SETTINGS, "font.size": 10}):
        figure = Figure(figsize=(7.5, 0.8 + 0.34 * max(len(labels), 1)))
        axes = figure.add_subplot()
        rows = list(range(len(labels)))
        bars = axes.barh(rows, list(values), height=0.6, color=BAR_COLOUR)
        axes.bar_label(bars, padding=3, fmt="%g")
        axes.set_yticks(rows, [_short(label) for label in labels])
        axes.invert_yaxis()
        axes.set_xlabel(axis_title)
        axes.margins(x=0.12)
        _tidy(axes, "x")
        return _svg(figure)


def stacked_days(
    days: Sequence[str], series: Mapping[str, Sequence[float]], axis_title: str
) -> str:
    """One column per day, stacked by series (e.g. conversations per channel)."""
    with matplotlib.rc_context({**SVG_SETTINGS, "font.size": 10}):
        figure = Figure(figsize=(7.5, 3.2))
        axes = figure.add_subplot()
        positions = list(range(len(days)))
        bottom = [0.0] * len(days)
        for colour, (name, values) in zip(SERIES_COLOURS * 4, series.items(), strict=False):
            axes.bar(positions, list(values), bottom=bottom, color=colour, label=name, width=0.8)
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
        step = max(1, len(days) // 10)  # at most ~10 day labels
        axes.set_xticks(positions[::step], [day[5:] for day in days[::step]])
        axes.set_ylabel(axis_title)
        if series:
            axes.legend(loc="upper left", frameon=False, ncol=len(series))
        _tidy(axes, "y")
        return _svg(figure)


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


def _tidy(axes: Axes, grid: str) -> None:
    axes.grid(axis=grid, color="#e2e8f0")
    axes.set_axisbelow(True)
    axes.spines[["top", "right"]].set_visible(False)


def _svg(figure: Figure) -> str:
    figure.tight_layout()
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    svg = buffer.getvalue()
    return svg[svg.index("<svg") :]  # inline in HTML: no XML prolog or doctype
