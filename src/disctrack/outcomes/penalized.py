"""Ridge-penalized logistic and linear regression and the checks of a risk model, written out once.

The candidacy models, the adjusted comparison of treatments and the clinics' case-mix model
refit small logistic models hundreds of times (cross-validation, bootstrap, imputations),
where scikit-learn's per-call checks cost more than the fit itself. :class:`RidgeLogistic`
solves scikit-learn's ``LogisticRegression(C=C)`` objective after ``StandardScaler`` by
Newton's method; the test suite checks its fitted values against scikit-learn's.
"""

from __future__ import annotations

import numpy as np
import statsmodels.api as sm
from scipy import special
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import KFold

PENALTIES = np.array([0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 10.0])
"""Inverse ridge penalties (scikit-learn's C) searched by cross-validation."""


RIDGE_ALPHAS = np.logspace(-2, 4, 25)
"""Ridge penalties searched by leave-one-out error (on standardized predictors)."""


def _standardization(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Column means and standard deviations, as ``StandardScaler`` computes them; a constant
    column keeps a scale of 1 (its standardized values are all 0)."""
    scale = x.std(axis=0)
    return x.mean(axis=0), np.where(scale > 0, scale, 1.0)


class RidgeLinear:
    """Least squares with a ridge penalty on standardized predictors, the penalty chosen by
    leave-one-out error: scikit-learn's ``RidgeCV(alphas=RIDGE_ALPHAS)`` after
    ``StandardScaler``.

    Minimizes ``||y - b0 - Z beta||^2 + alpha ||beta||^2`` (intercept not penalized) for
    each alpha, and keeps the one whose leave-one-out residuals ``r_i / (1 - h_ii)`` have
    the smallest sum of squares (Hastie, Tibshirani and Friedman 2009, 7.10.1). Unpenalized
    least squares in a group of 20 to 30 patients with about 25 case-mix columns nearly
    interpolates, and its predictions for the other groups' patients swing by tens of
    points: the adjusted comparison's ODI difference for disc replacement had bootstrap
    standard errors of 74 points on average in a simulated 600-patient registry. Written
    out (one SVD per fit) because the bootstrap refits it thousands of times; the test
    suite checks it against scikit-learn.
    """

    def __init__(self, alphas: np.ndarray = RIDGE_ALPHAS) -> None:
        self.alphas = np.asarray(alphas, dtype=float)

    def fit(self, x: np.ndarray, y: np.ndarray) -> RidgeLinear:
        n = len(y)
        self.mean_, self.scale_ = _standardization(x)
        z = (x - self.mean_) / self.scale_
        y_mean = y.mean()
        u, sv, vt = np.linalg.svd(z, full_matrices=False)
        uty = u.T @ (y - y_mean)
        shrink = sv**2 / (sv**2 + self.alphas[:, None])  # (alphas, components)
        fitted = (shrink * uty) @ u.T  # (alphas, n), centred
        leverage = 1 / n + shrink @ (u**2).T
        loo = ((y - y_mean - fitted) / (1 - leverage)) ** 2
        best = int(np.argmin(loo.sum(axis=1)))
        self.alpha_ = float(self.alphas[best])
        self.coef_ = vt.T @ (sv / (sv**2 + self.alpha_) * uty)
        self.intercept_ = float(y_mean)
        return self

    def predict(self, x: np.ndarray) -> np.ndarray:
        return self.intercept_ + ((x - self.mean_) / self.scale_) @ self.coef_


class RidgeLogistic:
    """Logistic regression with a ridge penalty on standardized predictors, for a 0-1 outcome
    that may be fractional (the share of imputations with success).

    Minimizes ``-sum[y log p + (1 - y) log(1 - p)] + ||beta||^2 / (2 C)`` (intercept not
    penalized), scikit-learn's ``LogisticRegression(C=C)`` objective after ``StandardScaler``,
    by Newton's method. Written out because the validation and bootstrap refit it hundreds
    of times, where scikit-learn's per-call checks cost more than the fit; the test suite
    checks it against scikit-learn.
    """

    def __init__(self, c: float) -> None:
        self.c = c

    def fit(self, x: np.ndarray, y: np.ndarray) -> RidgeLogistic:
        self.mean_, self.scale_ = _standardization(x)
        z = np.column_stack([np.ones(len(x)), (x - self.mean_) / self.scale_])
        penalty = np.r_[0.0, np.full(z.shape[1] - 1, 1 / self.c)]
        beta = np.zeros(z.shape[1])
        beta[0] = special.logit(np.clip(y.mean(), 1e-6, 1 - 1e-6))
        for _ in range(100):
            p = special.expit(z @ beta)
            grad = z.T @ (y - p) - penalty * beta
            hess = (z * (p * (1 - p))[:, None]).T @ z + np.diag(penalty)
            step = np.linalg.solve(hess + 1e-10 * np.eye(len(beta)), grad)
            beta += step
            if np.abs(step).max() < 1e-9:
                break
        self.intercept_, self.coef_ = float(beta[0]), beta[1:]
        return self

    def decision_function(self, x: np.ndarray) -> np.ndarray:
        return self.intercept_ + ((x - self.mean_) / self.scale_) @ self.coef_

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        p = special.expit(self.decision_function(x))
        return np.column_stack([1 - p, p])


def fit_ridge(x: np.ndarray, y: np.ndarray, c: float) -> RidgeLogistic:
    return RidgeLogistic(c).fit(x, y)


def log_loss(y: np.ndarray, p: np.ndarray) -> float:
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return float(-(y * np.log(p) + (1 - y) * np.log(1 - p)).sum())


def choose_penalty(x: np.ndarray, y: np.ndarray, folds: int, seed: int) -> float:
    """The inverse penalty with the best cross-validated log-likelihood."""
    splits = list(KFold(folds, shuffle=True, random_state=seed).split(x))
    loss = [sum(log_loss(y[te], fit_ridge(x[tr], y[tr], c).predict_proba(x[te])[:, 1]) for tr, te in splits)
            for c in PENALTIES]
    return float(PENALTIES[int(np.argmin(loss))])


def calibration_slope(y: np.ndarray, p: np.ndarray) -> float:
    """Slope of the logistic recalibration of outcome ``y`` (0-1, may be fractional) on logit(p)."""
    lp = special.logit(np.clip(p, 1e-9, 1 - 1e-9))
    fit = sm.GLM(y, sm.add_constant(lp), family=sm.families.Binomial()).fit()
    return float(fit.params[1])


def c_statistic(y: np.ndarray, p: np.ndarray) -> float:
    """Area under the ROC curve for a (possibly fractional) outcome, as stacked imputations:
    each patient counts as a success with weight y and as a failure with weight 1 - y."""
    n = len(y)
    return float(roc_auc_score(np.r_[np.ones(n), np.zeros(n)], np.r_[p, p], sample_weight=np.r_[y, 1 - y]))
