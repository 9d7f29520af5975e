"""Confidence intervals for proportions and means, thin wrappers over statsmodels.

All functions are vectorized: counts and denominators may be arrays. A denominator of 0
gives NaN bounds rather than an error, so empty cells show as "no estimate".
"""

from __future__ import annotations

import numpy as np
from scipy import special, stats
from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.weightstats import DescrStatsW


def _proportion_ci(count: np.ndarray, nobs: np.ndarray, alpha: float, method: str):
    count = np.asarray(count, dtype=float)
    nobs = np.asarray(nobs, dtype=float)
    if np.any(count < 0) or np.any(count > nobs):
        raise ValueError("counts must lie between 0 and their denominators")
    safe = np.where(nobs > 0, nobs, 1.0)
    low, high = proportion_confint(count, safe, alpha=alpha, method=method)
    empty = nobs <= 0
    return np.where(empty, np.nan, low), np.where(empty, np.nan, high)


def wilson(count, nobs, alpha: float = 0.05):
    """Wilson score interval (Wilson 1927; Newcombe 1998 method 3).

    Good coverage even for small n and rates near 0 or 1. Assumes independent patients
    with a common probability; misleads when outcomes cluster by site or surgeon.
    """
    return _proportion_ci(count, nobs, alpha, "wilson")


def clopper_pearson(count, nobs, alpha: float = 0.05):
    """Exact (Clopper-Pearson) interval: guaranteed coverage, hence conservative (wide)."""
    return _proportion_ci(count, nobs, alpha, "beta")


def mean_ci(values, alpha: float = 0.05) -> tuple[float, float, float, int]:
    """Mean with a t interval; returns (mean, low, high, n) ignoring NaN.

    Assumes independent observations; with n < 30 and skewed scores the t interval may
    under-cover.
    """
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    if x.size == 0:
        return np.nan, np.nan, np.nan, 0
    if x.size == 1:
        return float(x[0]), np.nan, np.nan, 1
    low, high = DescrStatsW(x).tconfint_mean(alpha=alpha)
    return float(x.mean()), float(low), float(high), int(x.size)


def logit_wald(p, se, alpha: float = 0.05):
    """Wald interval for a proportion computed on the logit scale and back-transformed.

    Keeps the bounds inside [0, 1]; ``se`` is on the proportion scale (delta method).
    """
    p = np.clip(np.asarray(p, dtype=float), 1e-6, 1 - 1e-6)
    se_logit = np.asarray(se, dtype=float) / (p * (1 - p))
    z = stats.norm.ppf(1 - alpha / 2)
    centre = special.logit(p)
    return special.expit(centre - z * se_logit), special.expit(centre + z * se_logit)
