"""Delta-adjusted (tipping-point) sensitivity analysis for non-response.

Repeats the multiple-imputation estimates after shifting every imputed follow-up ODI of a
due non-respondent by ``delta`` points towards worse (higher ODI, clipped at 100), for
each delta in ``definitions.tipping_deltas``. If conclusions hold up to a delta that is
clinically implausible, missing-not-at-random departures of that size do not matter.

The shift is applied after imputation at the analysed time point (it does not propagate
through the chained equations into later time points), the simplest form of the
delta-adjustment described by van Buuren (2018, section 3.9.1). Baseline values are not
shifted. Surgery remains a known failure whatever the delta.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from . import aggregate as agg
from .definitions import Definitions
from .endpoints import binary_endpoints
from .results import jsonable
from .rubin import pool_proportions, rubin_pool
from .timepoints import TimepointOutcomesResult


@dataclass
class TippingPointResult:
    """``table`` columns: level, group, timepoint, delta, measure, estimate, ci_low,
    ci_high, n_due, n_imputed."""

    definitions: Definitions
    table: pd.DataFrame

    def summary(self) -> pd.DataFrame:
        return self.table

    def to_dict(self) -> dict[str, Any]:
        return jsonable({"definitions": self.definitions.stamp(), "instrument": "odi",
                         "delta_unit": "ODI points added to imputed values (worse)", "table": self.table})


class TippingPointAnalysis:
    """Delta-adjusted MI estimates of success and ODI change.

    Parameters
    ----------
    deltas : sequence of float, optional
        ODI points; defaults to ``definitions.tipping_deltas``.
    timepoints : sequence of str, optional
        Defaults to the primary time point only.
    """

    def __init__(self, deltas: list[float] | None = None, timepoints: list[str] | None = None) -> None:
        self.deltas = deltas
        self.timepoints = timepoints

    def fit(self, outcomes: TimepointOutcomesResult) -> TippingPointResult:
        defs = outcomes.definitions
        imp = outcomes.imputations
        cohort = imp.cohort
        name = defs.endpoint_instrument
        deltas = self.deltas if self.deltas is not None else defs.raw["tipping_deltas"]
        rows = []
        for tp in self.timepoints or [defs.primary_timepoint]:
            if tp not in cohort.labels:
                raise ValueError(f"time point {tp} not in the follow-ups ({', '.join(cohort.labels)})")
            due = cohort.due(tp)
            surgery = cohort.event_by("surgery", tp)[due]
            base = imp.at(name, "baseline")[:, due]
            # A surgery is a known failure, and scores after it describe no estimand.
            n_imputed = imp.missing[name][:, imp.column(name, tp)] & due & ~cohort.event_by("surgery", tp)
            for level in outcomes.estimates["level"].unique():
                codes, groups = pd.factorize(cohort.group_codes(level)[due], sort=True)
                g = len(groups)
                n_due = agg.group_sums(np.ones(due.sum()), codes, g)
                imputed_n = agg.group_sums(n_imputed[due].astype(float), codes, g)
                for delta in deltas:
                    score = imp.at(name, tp, float(delta))[:, due]
                    success = binary_endpoints(score, base, surgery, defs)["success"]
                    rate = pool_proportions(agg.group_sums(success, codes, g), n_due, defs.alpha)
                    means, var, n = agg.group_means(np.where(surgery, np.nan, score - base), codes, g)
                    change = rubin_pool(means, var, np.fmax(n[0] - 1, 1), defs.alpha)
                    for measure, pooled in (("success", rate), (f"{name}_change", change)):
                        rows += [{"level": level, "group": groups[k], "timepoint": tp, "delta": float(delta),
                                  "measure": measure, "estimate": pooled.estimate[k], "ci_low": pooled.ci_low[k],
                                  "ci_high": pooled.ci_high[k], "n_due": int(n_due[k]),
                                  "n_imputed": int(imputed_n[k])} for k in range(g)]
        return TippingPointResult(defs, pd.DataFrame(rows))
