"""The report's charts, drawn server-side by matplotlib as SVG (no script, no CDN).

* `contribution_chart`: each factor's points towards BPO, KPO and in-house
  (the "why?" as a picture), strongest factor on top.
* `portfolio_chart`: every assessed process's total points for each option.

Figures are built with the object API (no pyplot), so concurrent requests don't
share state; text stays text in the SVG, so the printed PDF can be searched.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Mapping, Sequence

import matplotlib

matplotlib.use("Agg")  # before anything else from matplotlib: never a GUI back-end
from matplotlib.figure import Figure

from advisor.sourcing import MODELS, Model

COLOURS: dict[Model, str] = {Model.BPO: "#2b6cb0", Model.KPO: "#c05621", Model.IN_HOUSE: "#4a5568"}
LABEL_WIDTH = 34  # characters per line of a factor label
BAR_HEIGHT = 0.26
# Text stays text (the page's CSS sets its font); ids are stable between renders.
SVG_SETTINGS = {
    "svg.fonttype": "none",
    "svg.hashsalt": "outsourcing-advisor",
    "font.family": "sans-serif",
}


def contribution_chart(labels: Sequence[str], points: Sequence[Mapping[Model, float]]) -> str:
    """Grouped horizontal bars: one group per factor, one bar per option."""
    return _grouped_bars(labels, points, "Points towards each option")


def portfolio_chart(processes: Sequence[str], totals: Sequence[Mapping[Model, float]]) -> str:
    """Grouped horizontal bars: one group per process, its total for each option."""
    return _grouped_bars(processes, totals, "Total points for each option")


def _grouped_bars(
    labels: Sequence[str], values: Sequence[Mapping[Model, float]], axis_title: str
) -> str:
    with matplotlib.rc_context({**SVG_SETTINGS, "font.size": 10}):
        wrapped = [textwrap.fill(label, LABEL_WIDTH) for label in labels]
        lines = sum(label.count("\n") + 1 for label in wrapped)
        figure = Figure(figsize=(7.5, 1.0 + 0.42 * max(lines, len(labels), 1)))
        axes = figure.add_subplot()
        rows = range(len(labels))
        for offset, model in zip((-1, 0, 1), MODELS, strict=True):
            axes.barh(
                [row + offset * BAR_HEIGHT for row in rows],
                [value[model] for value in values],
                height=BAR_HEIGHT,
                color=COLOURS[model],
                label=model.short_name,
            )
        axes.set_yticks(list(rows), wrapped)
        axes.invert_yaxis()  # the first (strongest) row on top
        axes.axvline(0, color="#1a202c", linewidth=0.8)
        axes.set_xlabel(axis_title)
        axes.grid(axis="x", color="#e2e8f0")
        axes.set_axisbelow(True)
        axes.spines[["top", "right"]].set_visible(False)
        axes.legend(loc="lower left", bbox_to_anchor=(0, 1), frameon=False, ncol=len(MODELS))
        figure.tight_layout()
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    svg = buffer.getvalue()
    return svg[svg.index("<svg") :]  # inline in HTML: no XML prolog or doctype
