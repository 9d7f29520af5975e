"""Patient-reported outcomes over time, drawn on the server as inline SVG (no JavaScript)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from django.utils.html import escape

from disctrack.core.svg import presentational

if TYPE_CHECKING:
    from matplotlib.figure import Figure

# Which score of which instrument each chart line shows.
ODI_LINES = (("odi", "odi", "ODI"),)
PAIN_LINES = (("nrs_pain", "nrs_back", "Back pain"), ("nrs_pain", "nrs_leg", "Leg pain"))
CHART_INSTRUMENTS = ("odi", "nrs_pain")
_STYLES = ({"color": "#0b5cad", "marker": "o"}, {"color": "#b45309", "marker": "s", "linestyle": "--"})
_SVG_SETTINGS = {"svg.fonttype": "none", "svg.hashsalt": "disctrack", "font.size": 10}


@dataclass(frozen=True)
class Line:
    label: str
    points: tuple[tuple[int, float], ...]  # (months after the index treatment, score)


@dataclass(frozen=True)
class Chart:
    title: str
    y_label: str
    y_max: float
    lines: tuple[Line, ...]

    @property
    def months(self) -> list[int]:
        return sorted({month for line in self.lines for month, _ in line.points})

    def table(self) -> list[tuple[int, list]]:
        """The plotted values by month, for a text alternative to the picture."""
        by_line = [dict(line.points) for line in self.lines]
        return [(month, [values.get(month) for values in by_line]) for month in self.months]

    def svg(self) -> str:
        return render_svg(self)


# Drawing a chart takes most of a patient page's time; a Chart is its data (frozen, hashable),
# so the same data is drawn once per process and any change of an answer draws it anew.
# About 30 kB each: 256 charts are under 10 MB a worker.
CHARTS_KEPT = 256


def latest_scores(timepoints) -> dict[tuple[int, str], dict]:
    """{(months, instrument): scores} of the time points' current responses.

    Each time point carries `current_responses` (the latest submitted version of each
    instrument), as the patient page annotates them.
    """
    return {
        (tp.months, name): response.scores
        for tp in timepoints
        for name, response in tp.current_responses.items()
        if name in CHART_INSTRUMENTS
    }


def _line(scores: dict, instrument: str, key: str, label: str) -> Line:
    points = sorted(
        (months, float(values[key]))
        for (months, name), values in scores.items()
        if name == instrument and values.get(key) is not None
    )
    return Line(label, tuple(points))


def patient_charts(timepoints) -> list[Chart]:
    """The ODI and pain charts that have at least one answer to show."""
    scores = latest_scores(timepoints)
    charts = [
        Chart("Oswestry Disability Index", "ODI (0-100, lower is better)", 100,
              tuple(_line(scores, *spec) for spec in ODI_LINES)),
        Chart("Back and leg pain", "Pain NRS (0-10, lower is better)", 10,
              tuple(_line(scores, *spec) for spec in PAIN_LINES)),
    ]
    return [chart for chart in charts if chart.months]


@lru_cache(maxsize=CHARTS_KEPT)
def render_svg(chart: Chart) -> str:
    import matplotlib  # loaded by the first chart drawn, not when the page's code is imported

    buffer = io.StringIO()
    # Settings apply when artists are made, so the whole figure is drawn inside them.
    with matplotlib.rc_context(_SVG_SETTINGS):
        _draw(chart).savefig(buffer, format="svg", metadata={"Date": None})
    # No inline styles (the Content-Security-Policy forbids them): presentation attributes.
    svg = presentational(buffer.getvalue())
    # Inline: drop the XML prologue, and name the picture for screen readers.
    svg = svg[svg.index("<svg"):]
    return svg.replace("<svg ", f'<svg role="img" aria-label="{escape(chart.title)}" ', 1)


def _spaced(months: list[int]) -> list[int]:
    """Tick marks far enough apart to read: 1 and 0 collide on a five-year axis."""
    gap = max(months) / 25
    ticks: list[int] = []
    for month in months:
        if not ticks or month - ticks[-1] >= gap:
            ticks.append(month)
    return ticks


def _draw(chart: Chart) -> Figure:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(5.6, 3.0), dpi=100)
    # Fixed margins: the constrained layout engine doubled the time to draw a chart.
    figure.subplots_adjust(left=0.12, right=0.98, top=0.96, bottom=0.17)
    axes = figure.add_subplot()
    for line, style in zip(chart.lines, _STYLES, strict=False):
        if line.points:
            months, values = zip(*line.points, strict=True)
            axes.plot(months, values, label=line.label, linewidth=2, **style)
    axes.set_ylim(0, chart.y_max)
    axes.set_xlim(-0.5, max(chart.months) + 0.5)
    axes.set_xticks(_spaced(chart.months))
    axes.set_xlabel("Months after the index treatment")
    axes.set_ylabel(chart.y_label)
    axes.grid(axis="y", color="#c9d1db", linewidth=0.8)
    axes.spines[["top", "right"]].set_visible(False)
    if len(chart.lines) > 1:
        axes.legend(frameon=False, loc="upper right")
    return figure
