"""Figures as ``matplotlib.figure.Figure`` objects (Agg canvas, no pyplot global state).

Safe in a web process: each call builds its own Figure; save with ``fig.savefig(buf,
format="svg")``. Every figure states n in its labels.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .candidacy import CandidacyResult
from .funnel import FunnelResult
from .survival import SurgerySurvivalResult
from .timepoints import TimepointOutcomesResult


def _figure(width: float = 6.4, height: float = 4.4) -> Figure:
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def funnel_figure(result: FunnelResult) -> Figure:
    """Unit success rates against n with the control limits around the overall rate."""
    fig = _figure()
    ax = fig.add_subplot()
    lim = result.limits
    for column, style in (("95", "--"), ("99_8", ":")):
        if f"low_{column}" in lim:
            label = f"{column.replace('_', '.')}% limits"
            ax.plot(lim["n"], lim[f"low_{column}"], style, color="grey", label=label)
            ax.plot(lim["n"], lim[f"high_{column}"], style, color="grey")
    ax.axhline(result.overall_rate, color="black", linewidth=1, label=f"overall {result.overall_rate:.0%}")
    units = result.units
    ax.scatter(units["n"], units["rate"], zorder=3)
    for _, row in units.iterrows():
        ax.annotate(str(row["unit"]), (row["n"], row["rate"]), fontsize=7, xytext=(3, 3), textcoords="offset points")
    ax.set_xlabel(f"patients with known outcome at {result.definitions.primary_timepoint} (n)")
    ax.set_ylabel("composite success (completers)")
    ax.set_ylim(0, 1)
    ax.legend(fontsize=8)
    return fig


def trajectory_figure(result: TimepointOutcomesResult, *, level: str = "treatment_class",
                      measure: str = "odi_mean", method: str = "mi") -> Figure:
    """Mean score over time with its interval, one line per group."""
    fig = _figure()
    ax = fig.add_subplot()
    est = result.estimates
    rows = est[(est["level"] == level) & (est["measure"] == measure) & (est["method"] == method)]
    months = result.counts.drop_duplicates("timepoint").set_index("timepoint")["months"]
    for group, g in rows.groupby("group"):
        x = g["timepoint"].map(months).to_numpy()
        order = np.argsort(x)
        ax.errorbar(x[order], g["estimate"].to_numpy()[order],
                    yerr=[(g["estimate"] - g["ci_low"]).to_numpy()[order], (g["ci_high"] - g["estimate"]).to_numpy()[order]],
                    marker="o", capsize=3, label=f"{group} (n due at {result.definitions.primary_timepoint}: "
                    f"{_n_due(result, level, group)})")
    ax.set_xlabel("months after treatment")
    ax.set_ylabel(f"{measure.replace('_', ' ')} ({method}, {result.definitions.confidence_level:.0%} CI)")
    ax.legend(fontsize=8)
    return fig


def _n_due(result: TimepointOutcomesResult, level: str, group: str) -> int:
    c = result.counts
    row = c[(c["level"] == level) & (c["group"] == group) & (c["timepoint"] == result.definitions.primary_timepoint)]
    return int(row["n_due"].iloc[0]) if len(row) else 0


def km_figure(result: SurgerySurvivalResult) -> Figure:
    """Kaplan-Meier surgery-free survival per group with pointwise intervals."""
    fig = _figure()
    ax = fig.add_subplot()
    for group, curve in result.curves.items():
        t = curve.index.to_numpy()
        ax.step(t, curve.iloc[:, 0], where="post", label=f"{group}")
        ax.fill_between(t, curve.iloc[:, 1], curve.iloc[:, 2], step="post", alpha=0.2)
    ax.set_xlabel("months after treatment")
    ax.set_ylabel("free of subsequent surgery (Kaplan-Meier)")
    ax.set_ylim(0, 1.02)
    ax.legend(fontsize=8)
    return fig


def calibration_figure(result: CandidacyResult, names: Mapping[str, str] | None = None) -> Figure:
    """Cross-validated calibration of the candidacy models: one panel per treatment.

    Each panel has the ideal line (predicted = observed), the observed share who did well
    in groups of predicted chance (tenths, fewer for small treatments) with its interval,
    and the treatment's n, c-statistic and calibration slope in the title. ``names`` gives
    the treatments' names (default: codes).
    """
    curves = result.calibration
    perf = result.performance.set_index("treatment")
    k = max(len(curves), 1)
    cols = min(k, 3)
    rows = math.ceil(k / cols)
    fig = _figure(3.2 * cols + 0.4, 3.0 * rows + 0.4)
    if not curves:
        ax = fig.add_subplot()
        ax.text(0.5, 0.5, "no treatment had enough patients for a model", ha="center", va="center")
        ax.set_axis_off()
        return fig
    for i, (t, curve) in enumerate(curves.items()):
        ax = fig.add_subplot(rows, cols, i + 1)
        ax.plot([0, 1], [0, 1], "--", color="grey", linewidth=1, label="ideal")
        # A pooled share near 0 or 1 can sit a hair outside its interval (pooled on another
        # scale): the bar is drawn from the interval's end, never with a negative length.
        err = np.clip([curve["observed"] - curve["observed_low"], curve["observed_high"] - curve["observed"]],
                      0, None)
        ax.errorbar(curve["mean_predicted"], curve["observed"], yerr=err, fmt="o", capsize=2, markersize=4,
                    label="observed (95% interval)")
        row = perf.loc[t]
        shown = "estimates shown" if row["shown"] else "not shown"
        ax.set_title(f"{(names or {}).get(t, t)} (n={row['n']})\nc-statistic {row['c_statistic']:.2f}, "
                     f"slope {row['calibration_slope']:.2f}: {shown}", fontsize=8)
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_aspect("equal")
        ax.set_xlabel("predicted chance of doing well", fontsize=8)
        ax.set_ylabel("share who did well", fontsize=8)
        ax.tick_params(labelsize=7)
        if i == 0:
            ax.legend(fontsize=7, loc="upper left")
    return fig
