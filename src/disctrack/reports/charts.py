"""Report figures as inline SVG: no JavaScript needed to see a chart, text kept as text."""

from __future__ import annotations

import base64
import dataclasses
import io
import re
from html import escape

import matplotlib
from django.utils.translation import gettext
from django.utils.translation import gettext_noop as _noop
from matplotlib.figure import Figure

from disctrack.core.svg import presentational
from disctrack.outcomes import TimepointOutcomesResult
from disctrack.outcomes.plots import calibration_figure, funnel_figure, km_figure, trajectory_figure
from disctrack.reports.analysis import Analysis

# Text as <text> (smaller, selectable, read by screen readers); fixed ids so that the same
# figure always gives the same SVG.
SVG_RC = {"svg.fonttype": "none", "svg.hashsalt": "disctrack"}


def to_svg(fig: Figure, title: str) -> str:
    """The figure as an <svg> element labelled with ``title`` for assistive technology."""
    buffer = io.StringIO()
    with matplotlib.rc_context(SVG_RC):
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    svg = presentational(buffer.getvalue())
    svg = svg[svg.index("<svg"):]
    label = escape(title)
    return re.sub(r"<svg ", f'<svg role="img" aria-label="{label}" ', svg, count=1).replace(
        ">", f"><title>{label}</title>", 1)


def to_png(fig: Figure, dpi: int = 120) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def trajectory(result: TimepointOutcomesResult, measure: str, scale: tuple[float, float],
               min_due: int) -> Figure | None:
    """Mean score over time on the instrument's whole scale, without the points of groups
    with fewer than ``min_due`` patients due: their intervals span the whole scale and would
    flatten every other line (the tables keep them). None when no point is left."""
    estimates = result.estimates[result.estimates["n_due"] >= min_due]
    if not (estimates["measure"] == measure).any():
        return None
    fig = trajectory_figure(dataclasses.replace(result, estimates=estimates), measure=measure)
    fig.axes[0].set_ylim(*scale)
    return fig


def report_figures(analysis: Analysis) -> dict[str, Figure]:
    """The figures the results allow, by name."""
    r = analysis.results
    figures: dict[str, Figure] = {}
    if r.get("outcomes") is not None:
        min_due = analysis.definitions.min_cell_size
        for name, measure, scale in (("trajectory_odi", "odi_mean", (0, 100)),
                                     ("trajectory_nrs_back", "nrs_back_mean", (0, 10))):
            fig = trajectory(r["outcomes"], measure, scale, min_due)
            if fig is not None:
                figures[name] = fig
    if r.get("survival") is not None:
        figures["km"] = km_figure(r["survival"])
    for unit in ("site", "physician"):
        if r.get(f"funnel_{unit}") is not None:
            figures[f"funnel_{unit}"] = funnel_figure(r[f"funnel_{unit}"])
    if r.get("candidacy") is not None and r["candidacy"].calibration:
        figures["calibration"] = calibration_figure(r["candidacy"])
    return figures


TITLES = {
    # "95% i" is not a format: the comments stop xgettext from taking it for one.
    # xgettext:no-python-format
    "trajectory_odi": _noop("Mean ODI over time by treatment class, multiple imputation, with 95% intervals"),
    # xgettext:no-python-format
    "trajectory_nrs_back": _noop("Mean back pain (NRS) over time by treatment class, multiple imputation, "
                                 "with 95% intervals"),
    "km": _noop("Kaplan-Meier curves: share free of subsequent surgery by treatment class"),
    "funnel_site": _noop("Funnel plot of composite success by site with control limits"),
    "funnel_physician": _noop("Funnel plot of composite success by physician with control limits"),
    "calibration": _noop("Calibration of the candidacy models (cross-validated)"),
}


def report_images(analysis: Analysis) -> tuple[dict[str, str], dict[str, str]]:
    """Each figure as SVG (pages) and as base64 PNG (the PDF), by name."""
    figures = report_figures(analysis)
    svgs = {name: to_svg(fig, gettext(TITLES[name])) for name, fig in figures.items()}
    pngs = {name: base64.b64encode(to_png(fig)).decode() for name, fig in figures.items()}
    return svgs, pngs
