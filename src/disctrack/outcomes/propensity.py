"""Propensity scores for several treatments, ATE weights, balance and overlap diagnostics.

The propensity model is a multinomial logistic regression (scikit-learn, lbfgs, L2 with
C=1 on standardized covariates, so nearly unpenalized at registry sizes) of the treatment
received on the baseline case-mix encoded by :class:`.covariates.CovariateEncoder`
(median fill plus missing indicators).

ATE weights are 1 / e_a(X) for the treatment a received. Stabilized weights multiply by
the share treated with a (same estimates under normalization, smaller spread). Optional
trimming caps weights at the given upper quantile. Weighting assumes no unmeasured
confounding and positivity; when some patients have almost no chance of a treatment
(see ``overlap``: low effective sample size, many weights above 10) the estimate leans on
few patients and on the model's extrapolation.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

FLOOR = 1e-3


def propensity_model():
    """The unfitted multinomial model (a scikit-learn pipeline)."""
    return make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=2000))


def fit_propensity(x: np.ndarray, treatment: np.ndarray, groups: list) -> np.ndarray:
    """Columns: probability of each of ``groups`` (in that order) per patient."""
    model = propensity_model().fit(x, treatment)
    proba = pd.DataFrame(model.predict_proba(x), columns=model.classes_)
    return proba.reindex(columns=groups, fill_value=0.0).to_numpy()


def ate_weights(ps: np.ndarray, codes: np.ndarray, *, stabilize: bool = True,
                trim_quantile: float | None = None) -> np.ndarray:
    """1 / e_a(X) for the received treatment (index ``codes``), optionally stabilized/trimmed."""
    own = np.fmax(ps[np.arange(len(codes)), codes], FLOOR)
    w = 1.0 / own
    if stabilize:
        share = np.bincount(codes, minlength=ps.shape[1]) / len(codes)
        w = w * share[codes]
    if trim_quantile:
        w = np.fmin(w, np.quantile(w, 1 - trim_quantile))
    return w


def _weighted_mean(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    return (w[:, None] * x).sum(axis=0) / w.sum()


def smd_table(x: pd.DataFrame, codes: np.ndarray, groups: list[str], weights: np.ndarray) -> pd.DataFrame:
    """Standardized mean differences per covariate and pair, before and after weighting.

    SMD = (mean_a - mean_b) / sqrt((s_a^2 + s_b^2) / 2), with the unweighted within-group
    sample variances (ddof=1) in the denominator both before and after weighting, so that
    a change in SMD reflects a change in means only (Austin, Stat Med 2009;28:3083).
    |SMD| < 0.1 is the usual sign of adequate balance.
    """
    values = x.to_numpy(dtype=float)
    rows = []
    for i, a in enumerate(groups):
        for j in range(i + 1, len(groups)):
            b = groups[j]
            xa, xb = values[codes == i], values[codes == j]
            sd = np.sqrt((xa.var(axis=0, ddof=1) + xb.var(axis=0, ddof=1)) / 2)
            with np.errstate(divide="ignore", invalid="ignore"):
                before = np.where(sd > 0, (xa.mean(axis=0) - xb.mean(axis=0)) / sd, 0.0)
                diff = _weighted_mean(xa, weights[codes == i]) - _weighted_mean(xb, weights[codes == j])
                after = np.where(sd > 0, diff / sd, 0.0)
            rows += [{"covariate": c, "pair": f"{a} - {b}", "smd_before": before[k], "smd_after": after[k]}
                     for k, c in enumerate(x.columns)]
    return pd.DataFrame(rows)


def overlap_table(ps: np.ndarray, codes: np.ndarray, groups: list[str], weights: np.ndarray) -> pd.DataFrame:
    """Per treatment group: propensity of its own treatment (quantiles), effective sample
    size (sum w)^2 / sum w^2, largest weight and share of normalized weights above 10."""
    rows = []
    for i, g in enumerate(groups):
        own = ps[codes == i, i]
        w = weights[codes == i]
        normalized = w / w.mean()
        q = np.quantile(own, [0, 0.05, 0.5, 0.95, 1])
        rows.append({"group": g, "n": int(len(w)), "ps_min": q[0], "ps_q05": q[1], "ps_median": q[2],
                     "ps_q95": q[3], "ps_max": q[4], "effective_n": w.sum() ** 2 / (w**2).sum(),
                     "max_weight": normalized.max(), "share_weight_over_10": float((normalized > 10).mean())})
    return pd.DataFrame(rows)
