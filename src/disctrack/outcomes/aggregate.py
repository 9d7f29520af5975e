"""Vectorized per-group estimators used by the time-point summaries.

Each function takes a value array whose last axis is patients, an integer group code per
patient and the number of groups, and returns one entry per group (and per imputation when
the value array has a leading imputation axis). No per-patient Python loop.
"""

from __future__ import annotations

import numpy as np
from scipy import stats


def one_hot(codes: np.ndarray, n_groups: int) -> np.ndarray:
    return np.eye(n_groups)[codes]


def group_sums(values: np.ndarray, codes: np.ndarray, n_groups: int) -> np.ndarray:
    """Sum over patients per group; NaN counts as 0."""
    return np.nan_to_num(values) @ one_hot(codes, n_groups)


def group_means(values: np.ndarray, codes: np.ndarray, n_groups: int):
    """Mean, variance of the mean (s^2 / n) and n per group, ignoring NaN."""
    present = ~np.isnan(values)
    n = group_sums(present.astype(float), codes, n_groups)
    total = group_sums(values, codes, n_groups)
    squares = group_sums(values**2, codes, n_groups)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = total / n
        var = (squares - n * mean**2) / (n - 1)
        return mean, np.fmax(var, 0) / n, n


def t_interval(mean, var_mean, n, alpha: float):
    """Student t interval from a mean and the variance of the mean (n - 1 df)."""
    with np.errstate(invalid="ignore"):
        half = stats.t.ppf(1 - alpha / 2, np.fmax(n - 1, 1)) * np.sqrt(var_mean)
    half = np.where(n > 1, half, np.nan)
    return mean - half, mean + half


def weighted_means(values: np.ndarray, weights: np.ndarray, codes: np.ndarray, n_groups: int):
    """Weighted (Hajek) mean per group with its robust (HC0 sandwich) standard error.

    Equals the intercept and HC0 standard error of a weighted least-squares regression on a
    constant within each group. Weights are treated as known, which for estimated response
    weights is usually conservative (Lunceford and Davidian, Stat Med 2004).
    """
    y = np.where(weights > 0, values, 0.0)
    sw = group_sums(weights, codes, n_groups)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = group_sums(weights * y, codes, n_groups) / sw
        resid = np.where(weights > 0, y - mean[codes], 0.0)
        se = np.sqrt(group_sums((weights * resid) ** 2, codes, n_groups)) / sw
    return mean, se
