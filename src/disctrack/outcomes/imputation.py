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
from scipy.linalg import lapack

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
        wide[~cohort.due(tp) | cohort.event_by("surgery", tp), j] = np.nan
    return Design(predictors, wide, pts["treatment_class"].to_numpy(), SCALE.get(instrument, (-np.inf, np.inf)))


def _norm_draw(x: np.ndarray, y: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, float]:
    """Draw (beta, sigma) from the posterior of a linear regression (mice's ``norm.draw``).

    With V = (X'X + ridge)^-1 = (L L')^-1: beta-hat = V X'y, sigma*^2 = RSS / chi2(n - p),
    beta* = beta-hat + sigma* L'^-1 z, so beta* ~ N(beta-hat, sigma*^2 V).
    """
    xtx = x.T @ x
    diagonal = np.einsum("ii->i", xtx)
    diagonal *= 1 + RIDGE
    diagonal += 1e-9
    # LAPACK directly (Cholesky, its solve, a triangular solve): this runs tens of
    # thousands of times per report, and the checking wrappers cost more than the algebra.
    chol, info = lapack.dpotrf(xtx, lower=1)
    if info:
        raise np.linalg.LinAlgError("the imputation model's cross-product matrix is not positive definite")
    coef, _ = lapack.dpotrs(chol, x.T @ y, lower=1)
    resid = y - x @ coef
    df = max(len(y) - x.shape[1], 1)
    sigma = np.sqrt(resid @ resid / rng.chisquare(df))
    z = rng.standard_normal(len(coef))
    draw, _ = lapack.dtrtrs(chol, z, lower=1, trans=1)
    return coef + sigma * draw, sigma


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
    low, high = bounds

    rows = {j: (np.flatnonzero(~missing[:, j]), np.flatnonzero(missing[:, j])) for j in targets}

    def redraw(j: int, others: list[int]) -> None:
        obs, mis = rows[j]
        if len(obs) <= len(others) + 2:  # too few answers for the full model: scores only
            others = [0, *(c for c in others if c >= p)]
        if len(obs) <= len(others) + 2:
            others = [0]
        columns = np.asarray(others, dtype=np.intp)
        beta, sigma = _norm_draw(full[np.ix_(obs, columns)], scores[obs, j], rng)
        drawn = full[np.ix_(mis, columns)] @ beta + sigma * rng.standard_normal(len(mis))
        full[mis, p + usable.index(j)] = np.clip(drawn, low, high)

    # Starting values: one forward sweep, each column drawn from the predictors and the
    # columns before it in time, as a monotone pattern is imputed (van Buuren 2018,
    # "Monotone data imputation"). Random draws from the respondents' values, mice's
    # default start, leave five iterations too few when the time points are strongly
    # correlated ("Example of slow convergence"): they start non-respondents among the
    # respondents, and with score-dependent drop-out imputed them 2.5 ODI points too well.
    for j in targets:
        redraw(j, [*range(p), *(p + i for i, c in enumerate(usable) if c < j)])
    for _ in range(max_iter if targets else 0):
        for j in targets:
            col = p + usable.index(j)
            redraw(j, [c for c in range(full.shape[1]) if c != col])
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
