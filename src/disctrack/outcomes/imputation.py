"""Multiple imputation of follow-up scores by chained equations, with parameter draws.

Each score column (an instrument at baseline and at every time point) is imputed in turn
from every other column by Bayesian linear regression, drawing the regression's
parameters from their posterior before drawing the missing values: sigma^2 from its
scaled inverse chi-square and beta from its normal given sigma^2, then each value from the
predictive distribution (van Buuren, *Flexible Imputation of Missing Data*, 2nd ed. 2018,
Algorithm 3.1, the ``norm`` method of the R package mice, with mice's ridge of 1e-5 on the
cross-product matrix). Drawing the parameters is what makes the imputation *proper*
(Rubin 1987): the between-imputation variance then carries the uncertainty of the
imputation model itself, and Rubin's rules give intervals with their stated coverage.
(scikit-learn's ``IterativeImputer`` with ``sample_posterior=True`` draws values around
fitted coefficients but never the coefficients, so its intervals are too narrow.)

The imputation model contains every variable of the analysis models: the baseline
case-mix (including the baseline scores of the other instruments), the treatment, the
surgery history and every other time point of the instrument (earlier and later). It is
fitted separately in each treatment class (so change patterns may differ by class); a
class with fewer than ``MIN_STRATUM`` patients is imputed from the whole registry with
class indicators. A column nobody answered is not imputed (it stays missing, and every
estimate that needs it is reported missing with its reason).

Assumes the scores are missing at random given these variables. Misleads when patients
who do badly stop answering for reasons not visible in their earlier scores (see the
tipping-point analysis). Imputed scores are linear-normal draws clipped to the scale.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import linalg

from .cohort import Cohort
from .covariates import CovariateEncoder
from .frames import CASE_MIX, TREATMENTS

MIN_STRATUM = 50
SCALE = {"odi": (0.0, 100.0), "nrs_back": (0.0, 10.0), "nrs_leg": (0.0, 10.0)}
RIDGE = 1e-5
MAX_ITER = 5
"""Iterations of the chained equations (mice's default; drop-out here is mostly monotone)."""
MIN_OBSERVED = 3
"""A column with fewer observed values than this is not imputed in a stratum."""


@dataclass
class Imputations:
    """m completed copies of the score matrices.

    ``values[instrument]`` has shape (m, n_patients, 1 + n_timepoints): baseline first,
    then the time points in :attr:`Cohort.labels` order. ``missing[instrument]`` marks the
    entries that were imputed (or could not be: those stay NaN).
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


@dataclass
class Design:
    """One instrument's imputation problem: complete predictors and the score columns."""

    predictors: np.ndarray
    scores: np.ndarray
    classes: np.ndarray
    bounds: tuple[float, float]


def design(cohort: Cohort, instrument: str) -> Design:
    """Predictors (case-mix, other baselines, treatment, surgery so far) and scores."""
    pts = cohort.patients
    covariates = [c for c in CASE_MIX if c != f"baseline_{instrument}"]
    encoded = CovariateEncoder(tuple(covariates)).fit_transform(pts)
    treat = pd.get_dummies(pts["treatment"]).reindex(columns=list(TREATMENTS), fill_value=False)
    surgery = np.column_stack([cohort.event_by("surgery", tp) for tp in cohort.labels]) if cohort.labels \
        else np.empty((len(pts), 0))
    predictors = np.column_stack([encoded.to_numpy(float), treat.to_numpy(float), surgery.astype(float)])
    wide = cohort.scores[instrument][["baseline", *cohort.labels]].to_numpy(float).copy()
    for j, tp in enumerate(cohort.labels, start=1):
        wide[~cohort.due(tp), j] = np.nan
    return Design(predictors, wide, pts["treatment_class"].to_numpy(), SCALE.get(instrument, (-np.inf, np.inf)))


def _norm_draw(x: np.ndarray, y: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, float]:
    """Draw (beta, sigma) from the posterior of a linear regression (mice's ``norm.draw``).

    With V = (X'X + ridge)^-1 = (L L')^-1: beta-hat = V X'y, sigma*^2 = RSS / chi2(n - p),
    beta* = beta-hat + sigma* L'^-1 z, so beta* ~ N(beta-hat, sigma*^2 V).
    """
    xtx = x.T @ x
    xtx[np.diag_indices_from(xtx)] *= 1 + RIDGE
    xtx[np.diag_indices_from(xtx)] += 1e-9
    chol = linalg.cho_factor(xtx, lower=True)
    coef = linalg.cho_solve(chol, x.T @ y)
    resid = y - x @ coef
    df = max(len(y) - x.shape[1], 1)
    sigma = np.sqrt(resid @ resid / rng.chisquare(df))
    beta = coef + sigma * linalg.solve_triangular(chol[0], rng.standard_normal(len(coef)), lower=True, trans="T")
    return beta, sigma


def _standardized(predictors: np.ndarray) -> np.ndarray:
    """Intercept plus the non-constant predictors, centred and scaled."""
    sd = predictors.std(axis=0)
    keep = sd > 1e-9
    z = (predictors[:, keep] - predictors[:, keep].mean(axis=0)) / sd[keep]
    return np.column_stack([np.ones(len(predictors)), z])


def impute_block(predictors: np.ndarray, scores: np.ndarray, bounds: tuple[float, float],
                 rng: np.random.Generator, max_iter: int) -> np.ndarray:
    """One imputation of ``scores`` (n, k) given complete ``predictors`` (n, p).

    Chained equations: missing entries start as random draws from their column's observed
    values; then, ``max_iter`` times, each incomplete column is redrawn from a regression on
    the predictors and every other score column. Columns with fewer than
    :data:`MIN_OBSERVED` observed values stay missing.
    """
    base = _standardized(predictors)
    p = base.shape[1]
    missing = np.isnan(scores)
    observed_n = (~missing).sum(axis=0)
    usable = [j for j in range(scores.shape[1]) if observed_n[j] >= MIN_OBSERVED]
    targets = [j for j in usable if missing[:, j].any()]
    full = np.column_stack([base, scores[:, usable]])
    for j in targets:
        col = p + usable.index(j)
        pool = scores[~missing[:, j], j]
        full[missing[:, j], col] = rng.choice(pool, missing[:, j].sum())
    low, high = bounds
    for _ in range(max_iter if targets else 0):
        for j in targets:
            col = p + usable.index(j)
            obs, mis = ~missing[:, j], missing[:, j]
            others = [c for c in range(full.shape[1]) if c != col]
            if obs.sum() <= len(others) + 2:  # too few answers for the full model: scores only
                others = [0, *(c for c in range(p, full.shape[1]) if c != col)]
            if obs.sum() <= len(others) + 2:
                others = [0]
            x = full[:, others]
            beta, sigma = _norm_draw(x[obs], scores[obs, j], rng)
            full[mis, col] = np.clip(x[mis] @ beta + sigma * rng.standard_normal(mis.sum()), low, high)
    filled = scores.copy()
    filled[:, usable] = full[:, p:]
    return filled


def impute_design(d: Design, m: int, seed: int, max_iter: int) -> np.ndarray:
    """m imputations (m, n, k) of a design, stratified by treatment class."""
    sizes = pd.Series(d.classes).value_counts()
    small = [c for c, k in sizes.items() if k < MIN_STRATUM]
    out = np.empty((m, *d.scores.shape))
    for k in range(m):
        for i, stratum in enumerate(sorted(c for c in sizes.index if c not in small)):
            rows = d.classes == stratum
            rng = np.random.default_rng([seed, k, i])
            out[k, rows] = impute_block(d.predictors[rows], d.scores[rows], d.bounds, rng, max_iter)
        if small:
            rows = np.isin(d.classes, small)
            indicators = np.column_stack([(d.classes == c).astype(float) for c in sizes.index])
            rng = np.random.default_rng([seed, k, len(sizes)])
            pooled = impute_block(np.column_stack([d.predictors, indicators]), d.scores, d.bounds, rng, max_iter)
            out[k, rows] = pooled[rows]
    return out


def impute_scores(cohort: Cohort, instruments: list[str], m: int, seed: int = 0,
                  max_iter: int = MAX_ITER) -> Imputations:
    """Draw ``m`` imputations of ``instruments`` (baseline and every time point).

    Each instrument is imputed in its own chain (jointly missing, strongly correlated
    scores such as ODI and NRS from the same questionnaire slow a chain's convergence),
    with the other instruments' baselines among its predictors. Only entries of due
    patients are treated as observed; scores of patients who were not due (or had
    died/withdrawn) are imputed too but never used in an estimate.
    """
    if m < 2:
        raise ValueError("n_imputations must be at least 2 for Rubin's rules")
    values, missing = {}, {}
    for offset, name in enumerate(instruments):
        d = design(cohort, name)
        values[name] = impute_design(d, m, seed * 1000 + offset, max_iter)
        missing[name] = np.isnan(d.scores)
    return Imputations(cohort, values, missing, seed)
