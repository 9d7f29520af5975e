"""Multiple imputation of follow-up scores by chained equations.

Uses scikit-learn's ``IterativeImputer`` with ``BayesianRidge`` and
``sample_posterior=True``, run once per imputation with a different seed, so each
imputation draws from the predictive distribution (proper imputation in the sense of
Rubin). The imputation model for a score uses the baseline case-mix, the treatment, the
surgery history and every other score (earlier and later), and is fitted separately in
each treatment class (so change patterns may differ by class); a class with fewer than
``MIN_STRATUM`` patients is imputed from the whole registry with class indicators.

Assumes the scores are missing at random given these variables. Misleads when patients
who do badly stop answering for reasons not visible in their earlier scores (see the
tipping-point analysis). Imputed scores are linear-normal draws clipped to the scale.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.experimental import enable_iterative_imputer  # noqa: F401
from sklearn.impute import IterativeImputer
from sklearn.linear_model import BayesianRidge
from threadpoolctl import threadpool_limits

from .cohort import Cohort
from .covariates import CovariateEncoder
from .frames import CASE_MIX, TREATMENTS

MIN_STRATUM = 50
SCALE = {"odi": (0.0, 100.0), "nrs_back": (0.0, 10.0), "nrs_leg": (0.0, 10.0)}


@dataclass
class Imputations:
    """m completed copies of the score matrices.

    ``values[instrument]`` has shape (m, n_patients, 1 + n_timepoints): baseline first,
    then the time points in :attr:`Cohort.labels` order. ``missing[instrument]`` marks the
    entries that were imputed.
    """

    cohort: Cohort
    values: dict[str, np.ndarray]
    missing: dict[str, np.ndarray]
    seed: int

    @property
    def m(self) -> int:
        return next(iter(self.values.values())).shape[0]

    def column(self, instrument: str, tp: str) -> int:
        return 0 if tp == "baseline" else 1 + self.cohort.labels.index(tp)

    def at(self, instrument: str, tp: str, delta: float = 0.0) -> np.ndarray:
        """Imputed scores (m, n) at ``tp``; imputed entries shifted worse by ``delta``."""
        j = self.column(instrument, tp)
        values = self.values[instrument][:, :, j]
        if delta:
            low, high = SCALE[instrument]
            shifted = np.clip(values + delta, low, high)
            values = np.where(self.missing[instrument][:, j], shifted, values)
        return values


def _design(cohort: Cohort, instruments: list[str]) -> tuple[pd.DataFrame, list[str]]:
    pts = cohort.patients
    base = [c for c in CASE_MIX if not c.startswith("baseline_")]
    covariates = CovariateEncoder(tuple(base)).fit_transform(pts)
    treat = pd.get_dummies(pts["treatment"]).reindex(columns=list(TREATMENTS), fill_value=False)
    surgery = pd.DataFrame({f"surgery_by_{tp}": cohort.event_by("surgery", tp) for tp in cohort.labels},
                           index=pts.index)
    parts = [covariates, treat.astype(float).add_prefix("t_"), surgery.astype(float)]
    score_cols = []
    for name in instruments:
        wide = cohort.scores[name][["baseline", *cohort.labels]].copy()
        for tp in cohort.labels:
            wide[tp] = wide[tp].where(cohort.due(tp))
        wide.columns = [f"{name}@{c}" for c in wide.columns]
        score_cols += list(wide.columns)
        parts.append(wide)
    return pd.concat(parts, axis=1), score_cols


def _impute_block(x: pd.DataFrame, score_cols: list[str], seed: int, max_iter: int) -> np.ndarray:
    usable = x.loc[:, x.notna().any()]
    low = np.array([SCALE[c.split("@")[0]][0] if c in score_cols else -np.inf for c in usable])
    high = np.array([SCALE[c.split("@")[0]][1] if c in score_cols else np.inf for c in usable])
    imputer = IterativeImputer(estimator=BayesianRidge(), sample_posterior=True, max_iter=max_iter,
                               random_state=seed, skip_complete=True, imputation_order="roman", min_value=low, max_value=high,
                               keep_empty_features=True)
    filled = pd.DataFrame(imputer.fit_transform(usable.to_numpy(float)), index=x.index,
                          columns=usable.columns)
    return filled.reindex(columns=score_cols).to_numpy()


def impute_scores(cohort: Cohort, instruments: list[str], m: int, seed: int = 0,
                  max_iter: int = 10) -> Imputations:
    """Draw ``m`` imputations of ``instruments`` (baseline and every time point).

    Each instrument is imputed in its own chain (jointly missing, strongly correlated
    scores such as ODI and NRS from the same questionnaire slow a chain's convergence),
    time points visited in time order. Only entries of due patients are treated as
    observed; scores of patients who were not due (or had died/withdrawn) are imputed too
    but never used in an estimate.
    """
    if m < 2:
        raise ValueError("n_imputations must be at least 2 for Rubin's rules")
    classes = cohort.patients["treatment_class"].to_numpy()
    sizes = pd.Series(classes).value_counts()
    small = [c for c, k in sizes.items() if k < MIN_STRATUM]
    values, missing = {}, {}
    with threadpool_limits(1):
        for name in instruments:
            values[name], missing[name] = _impute_instrument(cohort, name, classes, sizes, small, m, seed, max_iter)
    return Imputations(cohort, values, missing, seed)


def _impute_instrument(cohort: Cohort, name: str, classes: np.ndarray, sizes: pd.Series, small: list,
                       m: int, seed: int, max_iter: int) -> tuple[np.ndarray, np.ndarray]:
    """m imputations of one instrument; returns (values, missing mask)."""
    x, score_cols = _design(cohort, [name])
    out = np.empty((m, len(x), len(score_cols)))
    for k in range(m):
        for stratum in [c for c in sizes.index if c not in small]:
            rows = classes == stratum
            out[k, rows] = _impute_block(x[rows], score_cols, seed * 1000 + k, max_iter)
        if small:
            rows = np.isin(classes, small)
            pooled = x.assign(**{f"class_{c}": (classes == c).astype(float) for c in sizes.index})
            out[k, rows] = _impute_block(pooled, score_cols, seed * 1000 + k, max_iter)[rows]
    return out, x[score_cols].isna().to_numpy()
