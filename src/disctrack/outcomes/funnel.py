"""Funnel plot data: success rate per site or physician against its number of patients.

Control limits around the overall rate p0 are exact binomial limits with the
interpolation of Spiegelhalter (Stat Med 2005;24:1185, appendix A.1.1): for a tail
probability q the limit at n is (r - a) / n where r is the smallest count with
P(X <= r) >= q and a = (P(X <= r) - q) / P(X = r). Default 95% and 99.8% two-sided.

Each unit's rate is the completers-only composite success at the primary time point
(answered, or surgery as a known failure): the funnel asks "is this unit unusual among
what we observe", and each unit's completeness is shown beside it because a unit with
poor follow-up can look good or bad for that reason alone. The limits assume one common
rate and independent patients; they do not adjust for case-mix, so a unit treating
harder cases will sit low without doing anything wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from .cohort import Cohort
from .definitions import Definitions, load_definitions
from .endpoints import binary_endpoints
from .frames import check_frames
from .results import jsonable


def binomial_limits(p0: float, n: np.ndarray, coverage: float) -> tuple[np.ndarray, np.ndarray]:
    """Spiegelhalter's interpolated exact binomial control limits (as proportions)."""
    n = np.asarray(n, dtype=float)
    out = []
    for q in ((1 - coverage) / 2, 1 - (1 - coverage) / 2):
        r = stats.binom.ppf(q, n, p0)
        at = stats.binom.cdf(r, n, p0)
        below = stats.binom.cdf(r - 1, n, p0)
        with np.errstate(divide="ignore", invalid="ignore"):
            a = np.where(at > below, (at - q) / (at - below), 0.0)
            out.append(np.where(n > 0, (r - a) / n, np.nan))
    return out[0], out[1]


@dataclass
class FunnelResult:
    """``units`` columns: unit, n (known outcomes), successes, rate, n_due, completeness,
    outside_95, outside_998. ``limits``: n, and lower/upper per coverage, for drawing."""

    definitions: Definitions
    unit: str
    overall_rate: float
    units: pd.DataFrame
    limits: pd.DataFrame

    def summary(self) -> pd.DataFrame:
        return self.units

    def to_dict(self) -> dict[str, Any]:
        return jsonable({"definitions": self.definitions.stamp(), "unit": self.unit,
                         "timepoint": self.definitions.primary_timepoint, "measure": "success (completers)",
                         "limits_method": "exact binomial, Spiegelhalter 2005 interpolation",
                         "overall_rate": self.overall_rate, "units": self.units, "limits": self.limits})


class Funnel:
    """Funnel plot data for ``unit`` = ``site`` or ``physician``."""

    def __init__(self, definitions: Definitions | None = None, *, unit: str = "site") -> None:
        if unit not in ("site", "physician"):
            raise ValueError("unit must be 'site' or 'physician'")
        self.definitions = definitions or load_definitions()
        self.unit = unit

    def fit(self, patients: pd.DataFrame, followups: pd.DataFrame) -> FunnelResult:
        check_frames(patients, followups)
        defs = self.definitions
        cohort = Cohort.from_frames(patients, followups)
        tp = defs.primary_timepoint
        if tp not in cohort.labels:
            raise ValueError(f"primary time point {tp} not in the follow-ups")
        scores = cohort.scores[defs.endpoint_instrument]
        due = cohort.due(tp)
        y = binary_endpoints(scores[tp].to_numpy(), scores["baseline"].to_numpy(),
                             cohort.event_by("surgery", tp), defs)["success"]
        frame = pd.DataFrame({"unit": cohort.patients[self.unit].to_numpy(), "y": y, "due": due,
                              "answered": cohort.observed(tp, defs.endpoint_instrument)})[due]
        units = frame.groupby("unit").agg(n=("y", "count"), successes=("y", "sum"), n_due=("due", "sum"),
                                          n_answered=("answered", "sum")).reset_index()
        units["rate"] = units["successes"] / units["n"]
        units["completeness"] = units["n_answered"] / units["n_due"]
        p0 = float(units["successes"].sum() / max(units["n"].sum(), 1))
        levels = [float(c) for c in defs.raw["funnel"]["limits"]]
        grid = np.unique(np.linspace(1, max(int(units["n"].max()), 2) * 1.1, 200).round())
        limits = pd.DataFrame({"n": grid})
        for c in levels:
            tag = f"{c * 100:g}".replace(".", "_")
            low, high = binomial_limits(p0, units["n"].to_numpy(), c)
            units[f"outside_{tag}"] = (units["rate"] < low) | (units["rate"] > high)
            limits[f"low_{tag}"], limits[f"high_{tag}"] = binomial_limits(p0, grid, c)
        return FunnelResult(defs, self.unit, p0, units, limits)
