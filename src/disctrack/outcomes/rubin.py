"""Rubin's rules for combining estimates from multiply imputed data sets.

Formulas follow van Buuren, *Flexible Imputation of Missing Data*, 2nd ed. (2018),
sections 2.3.2-2.3.6: pooled estimate Q-bar, within variance U-bar, between variance B,
total variance T = U-bar + (1 + 1/m) B, relative increase in variance r, proportion of
variance due to missingness lambda, and the Barnard-Rubin (1999) adjusted degrees of
freedom.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special, stats


@dataclass(frozen=True)
class Pooled:
    """Pooled estimates (arrays, one entry per quantity)."""

    estimate: np.ndarray
    within: np.ndarray
    between: np.ndarray
    total: np.ndarray
    df: np.ndarray
    riv: np.ndarray
    lambda_: np.ndarray
    fmi: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray

    @property
    def se(self) -> np.ndarray:
        return np.sqrt(self.total)


def rubin_pool(estimates, variances, df_complete=np.inf, alpha: float = 0.05) -> Pooled:
    """Pool m estimates of k quantities.

    Parameters
    ----------
    estimates, variances : array_like, shape (m,) or (m, k)
        Per-imputation estimates and their squared standard errors.
    df_complete : float or array_like
        Degrees of freedom had the data been complete (e.g. n - 1 for a mean);
        ``inf`` gives Rubin's (1987) original degrees of freedom.

    Notes
    -----
    Assumes the imputation model is proper (draws parameters from their posterior) and
    congenial with the analysis. With few imputations (m < 5) and a large fraction of
    missing information the interval is unstable.
    """
    q = np.asarray(estimates, dtype=float)
    u = np.asarray(variances, dtype=float)
    q, u = (q[:, None], u[:, None]) if q.ndim == 1 else (q, u)
    if q.shape != u.shape:
        raise ValueError("estimates and variances must have the same shape")
    m = q.shape[0]
    if m < 2:
        raise ValueError("Rubin's rules need at least 2 imputations")
    qbar = q.mean(axis=0)
    ubar = u.mean(axis=0)
    b = q.var(axis=0, ddof=1)
    t = ubar + (1 + 1 / m) * b
    with np.errstate(divide="ignore", invalid="ignore"):
        lam = np.where(t > 0, (1 + 1 / m) * b / t, 0.0)
        riv = np.where(ubar > 0, (1 + 1 / m) * b / ubar, np.inf)
        df_old = np.where(lam > 0, (m - 1) / lam**2, np.inf)
        nu = np.asarray(df_complete, dtype=float)
        df_obs = np.where(np.isinf(nu), np.inf, (nu + 1) / (nu + 3) * nu * (1 - lam))
        df = 1 / (1 / df_old + 1 / df_obs)
        fmi = np.where(np.isfinite(riv), (riv + 2 / (df + 3)) / (riv + 1), 1.0)
    half = stats.t.ppf(1 - alpha / 2, df) * np.sqrt(t)
    return Pooled(qbar, ubar, b, t, df, riv, lam, fmi, qbar - half, qbar + half)


def pool_proportions(successes, nobs, alpha: float = 0.05) -> Pooled:
    """Pool proportions x/n across imputations on the logit scale.

    Each imputed proportion is moved to the logit scale with variance 1 / (n p (1 - p));
    a proportion of exactly 0 or 1 is replaced by (x + 0.5) / (n + 1) first. The pooled
    logit interval is back-transformed, so bounds stay inside [0, 1] (van Buuren 2018,
    section 5.2 recommends pooling proportions on a scale closer to normal). The
    reported ``estimate`` is Q-bar on the proportion scale (the mean imputed rate).
    """
    x = np.asarray(successes, dtype=float)
    x = x[:, None] if x.ndim == 1 else x
    n = np.broadcast_to(np.asarray(nobs, dtype=float), x.shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = x / n
        edge = (x <= 0) | (x >= n)
        p_adj = np.where(edge, (x + 0.5) / (n + 1), p)
        logit = special.logit(p_adj)
        var = 1 / (n * p_adj * (1 - p_adj))
    pooled = rubin_pool(logit, var, df_complete=np.maximum(n[0] - 1, 1), alpha=alpha)
    return Pooled(p.mean(axis=0), pooled.within, pooled.between, pooled.total, pooled.df,
                  pooled.riv, pooled.lambda_, pooled.fmi, special.expit(pooled.ci_low),
                  special.expit(pooled.ci_high))
