"""Adjusted comparison of treatments: doubly robust (AIPW) estimates with bootstrap CIs.

For each treatment a, E[Y(a)] is estimated by augmented inverse probability weighting
(Robins, Rotnitzky and Zhao 1994; Glynn and Quinn 2010), in its normalized form:

    psi_a = mean_i mu_a(X_i) + sum_{A_i = a} w_i (Y_i - mu_a(X_i)) / sum_{A_i = a} w_i

with w the ATE weights of :mod:`.propensity` and mu_a an outcome model fitted in group a
(logistic regression for composite success, linear regression for ODI change, both on
the encoded case-mix; both ridge-penalized, as groups can be small). The estimate is consistent if either the propensity model or the
outcome model is right; neither protects against unmeasured confounding.

Population: patients due at the primary time point (deaths and withdrawals by then
excluded), in the compared groups. Outcomes: composite success, and the change in ODI
with a subsequent surgery counted as no change (a composite strategy: scores after a
surgery are often never collected, and a surgery is not an improvement). Missing
outcomes: multiple imputation (the chains of :mod:`.imputation`, run on the compared
patients exactly as in every bootstrap replicate below); the point estimate is the mean
over the m imputations (Rubin's Q-bar).

The interval is valid with imputation because the bootstrap comes first: each replicate
resamples patients within treatment groups and imputes the replicate afresh, twice
(Bartlett and Hughes, Stat Methods Med Res 2020;29:3533, "Boot MI"), refitting both
models on each. The variance combines the replicates by von Hippel's one-way
random-effects estimator (von Hippel and Bartlett, Statistical Science 2021;36:400):
between-replicate variance of the replicate means less the within-replicate imputation
variance, plus that imputation variance over the number of imputations behind the point
estimate; Satterthwaite degrees of freedom; a t interval.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from . import propensity as ps_mod
from .cohort import Cohort
from .covariates import CovariateEncoder
from .definitions import Definitions, load_definitions
from .endpoints import binary_endpoints
from .frames import check_frames
from .imputation import MAX_ITER, Design, Imputations, design, impute_design
from .penalized import RidgeLinear, RidgeLogistic
from .results import jsonable
from .timepoints import completeness

MEASURES = ("success", "odi_change")
MIN_GROUP = 20
TOO_FEW_GROUPS = ("an adjusted comparison needs two or more treatment groups with at least 20 patients "
                  "due at the primary time point")
GROUP_TOO_SMALL = "fewer than 20 patients due at the primary time point"


@dataclass
class ComparisonResult:
    """Adjusted comparison.

    Attributes
    ----------
    groups : DataFrame
        group, n, n_answered, completeness, adjusted means per measure, withheld_reason.
    effects : DataFrame
        pair ("a - b"), measure, estimate, ci_low, ci_high, se_bootstrap, crude, n_a, n_b.
    balance : DataFrame
        covariate, pair, smd_before, smd_after.
    overlap : DataFrame
        See :func:`.propensity.overlap_table`.
    """

    definitions: Definitions
    by: str
    timepoint: str
    groups: pd.DataFrame
    effects: pd.DataFrame
    balance: pd.DataFrame
    overlap: pd.DataFrame
    settings: dict[str, Any]

    def summary(self) -> pd.DataFrame:
        return self.effects

    def to_dict(self) -> dict[str, Any]:
        return jsonable({"definitions": self.definitions.stamp(), "by": self.by, "timepoint": self.timepoint,
                         "estimator": "AIPW (normalized), MI for missing outcomes, percentile bootstrap",
                         "settings": self.settings, "groups": self.groups, "effects": self.effects,
                         "balance": self.balance, "overlap": self.overlap})


def _predict(x: np.ndarray, rows: np.ndarray, target: np.ndarray, binary: bool) -> np.ndarray:
    """Outcome model fitted on ``rows``, predicted for everyone: ridge logistic (C = 1 on
    standardized covariates) for success, ridge least squares with its penalty chosen by
    leave-one-out error for ODI change."""
    if binary:
        return RidgeLogistic(1.0).fit(x[rows], target).predict_proba(x)[:, 1]
    return RidgeLinear().fit(x[rows], target).predict(x)


def aipw_means(x: np.ndarray, codes: np.ndarray, y: dict[str, np.ndarray], n_groups: int,
               weights: np.ndarray) -> dict[str, np.ndarray]:
    """AIPW estimate of E[Y(a)] for every group a and every outcome in ``y``, given the ATE
    ``weights`` of these patients."""
    out = {}
    for name, values in y.items():
        binary = name == "success"
        means = np.empty(n_groups)
        for a in range(n_groups):
            rows = codes == a
            target = values[rows]
            if binary and target.min() == target.max():
                mu = np.full(len(x), target[0])
            else:
                mu = _predict(x, rows, target, binary)
            resid = target - mu[rows]
            means[a] = mu.mean() + np.sum(weights[rows] * resid) / np.sum(weights[rows])
        out[name] = means
    return out


def _outcomes(score: np.ndarray, base: np.ndarray, surgery: np.ndarray, defs: Definitions) -> dict[str, np.ndarray]:
    """Composite success, and ODI change with a surgery counted as no change."""
    success = binary_endpoints(score, base, surgery, defs)["success"]
    return {"success": success, "odi_change": np.where(surgery, 0.0, score - base)}


def von_hippel(theta: np.ndarray, m: int) -> tuple[float, float]:
    """Standard error and Satterthwaite df of an m-imputation estimate from Boot MI replicates.

    ``theta`` is (B, M): B bootstrap replicates, each imputed M times. One-way random
    effects: MSB and MSW are the between- and within-replicate mean squares; the
    replicate-to-replicate variance is (MSB - MSW) / M and the imputation variance MSW, so
    an estimate averaged over m imputations of the observed data has variance
    (MSB - MSW) / M + MSW / m (von Hippel and Bartlett 2021, section 4).
    """
    b, k = theta.shape
    if b < 2 or k < 2:
        return np.nan, np.nan
    means = theta.mean(axis=1)
    msb = k * means.var(ddof=1)
    msw = ((theta - means[:, None]) ** 2).sum() / (b * (k - 1))
    var = msb / k + msw * (1 / m - 1 / k)
    if var <= 0:
        return float(np.sqrt(msb / k)), float(b - 1)
    df = var**2 / ((msb / k) ** 2 / (b - 1) + (msw * (1 / m - 1 / k)) ** 2 / (b * (k - 1)))
    return float(np.sqrt(var)), float(df)


class TreatmentComparison:
    """Adjusted pairwise comparison of treatment classes or of biologic types.

    Parameters
    ----------
    definitions : Definitions, optional
    by : {"class", "biologic"}
        Compare ``definitions.comparison.by_class`` treatment classes (all patients) or
        ``by_biologic`` treatments (biologic patients only).
    n_bootstrap : int, optional
        Defaults to ``definitions.n_bootstrap``.
    seed : int
    stabilize, trim_quantile : optional
        Override the definitions' weighting settings when given (``trim_quantile=0``: no
        trimming).
    """

    def __init__(self, definitions: Definitions | None = None, *, by: str = "class",
                 n_bootstrap: int | None = None, seed: int = 0, n_imputations: int | None = None,
                 stabilize: bool | None = None, trim_quantile: float | None = None) -> None:
        self.definitions = definitions or load_definitions()
        if by not in ("class", "biologic"):
            raise ValueError("by must be 'class' or 'biologic'")
        self.by = by
        self.n_bootstrap = self.definitions.n_bootstrap if n_bootstrap is None else n_bootstrap
        if self.n_bootstrap < 0:
            raise ValueError("n_bootstrap must be 0 or more")
        self.seed = seed
        self.n_imputations = n_imputations or self.definitions.n_imputations
        settings = self.definitions.section("comparison")
        self.stabilize = bool(settings["stabilize"]) if stabilize is None else stabilize
        self.trim_quantile = float(settings.get("trim_quantile") or 0.0) if trim_quantile is None else trim_quantile
        if not 0 <= self.trim_quantile < 0.5:
            raise ValueError("trim_quantile must be between 0 (no trimming) and 0.5")
        self.wanted = list(settings["by_class" if by == "class" else "by_biologic"])
        self.per_replicate = int(settings.get("imputations_per_bootstrap", 2))
        self.max_iter = MAX_ITER

    def fit(self, patients: pd.DataFrame, followups: pd.DataFrame, *,
            imputations: Imputations | None = None) -> ComparisonResult:
        check_frames(patients, followups)
        defs = self.definitions
        cohort = imputations.cohort if imputations is not None else Cohort.from_frames(patients, followups)
        tp = defs.primary_timepoint
        if tp not in cohort.labels:
            raise ValueError(f"primary time point {tp} not in the follow-ups")
        name = defs.endpoint_instrument
        column = "treatment_class" if self.by == "class" else "treatment"
        label = cohort.patients[column].to_numpy()
        due = cohort.due(tp) & np.isin(label, self.wanted)
        sizes = pd.Series(label[due]).value_counts()
        groups = [g for g in self.wanted if sizes.get(g, 0) >= MIN_GROUP]
        if len(groups) < 2:
            found = ", ".join(f"{g} {n}" for g, n in sizes.items()) or "none"
            raise ValueError(f"{TOO_FEW_GROUPS}; due: {found}")
        keep = due & np.isin(label, groups)
        codes = pd.Categorical(label[keep], categories=groups).codes.astype(int)
        encoded = CovariateEncoder().fit_transform(cohort.patients[keep])
        x = encoded.to_numpy(dtype=float)
        surgery = cohort.event_by("surgery", tp)[keep]
        # The point estimate imputes the compared patients exactly as every bootstrap
        # replicate does (von Hippel's variance describes that procedure).
        full = design(cohort, name)
        sub = Design(full.predictors[keep], full.scores[keep], full.classes[keep], full.bounds)
        tp_column = 1 + cohort.labels.index(tp)
        m = imputations.m if imputations is not None else self.n_imputations
        filled = impute_design(sub, m, seed=self.seed, max_iter=self.max_iter)
        outcomes = [_outcomes(f[:, tp_column], f[:, 0], surgery, defs) for f in filled]
        ps = ps_mod.fit_propensity(x, codes, list(range(len(groups))))
        w = ps_mod.ate_weights(ps, codes, stabilize=self.stabilize, trim_quantile=self.trim_quantile)
        point = [aipw_means(x, codes, y, len(groups), w) for y in outcomes]
        boot = self._bootstrap(x, codes, sub, tp_column, surgery, len(groups))
        effects = self._effects(groups, point, boot, outcomes, codes, m)
        table = self._groups(cohort, label, due, keep, groups, point, tp)
        settings = {"n_bootstrap": self.n_bootstrap, "n_imputations": m, "seed": self.seed,
                    "imputations_per_bootstrap": self.per_replicate,
                    "interval": "bootstrap then impute (Boot MI), von Hippel variance, t interval",
                    "stabilize": self.stabilize, "trim_quantile": self.trim_quantile,
                    "covariates": list(encoded.columns), "missing_covariates": "median fill + indicator",
                    "missing_outcomes": "multiple imputation",
                    "surgery": "failure for success; no change from baseline for ODI change"}
        return ComparisonResult(defs, column, tp, table, effects,
                                ps_mod.smd_table(encoded, codes, groups, w),
                                ps_mod.overlap_table(ps, codes, groups, w), settings)

    def _bootstrap(self, x, codes, sub: Design, column: int, surgery, g) -> list[list[dict[str, np.ndarray]]]:
        """B replicates, each resampled within groups and imputed ``per_replicate`` times."""
        rng = np.random.default_rng(self.seed)
        reps = []
        for b in range(self.n_bootstrap):
            idx = np.concatenate([rng.choice(np.flatnonzero(codes == a), (codes == a).sum()) for a in range(g)])
            resampled = Design(sub.predictors[idx], sub.scores[idx], sub.classes[idx], sub.bounds)
            filled = impute_design(resampled, self.per_replicate, seed=self.seed * 100_003 + b, max_iter=self.max_iter)
            ps = ps_mod.fit_propensity(x[idx], codes[idx], list(range(g)))
            w = ps_mod.ate_weights(ps, codes[idx], stabilize=self.stabilize, trim_quantile=self.trim_quantile)
            reps.append([aipw_means(x[idx], codes[idx], _outcomes(f[:, column], f[:, 0], surgery[idx], self.definitions),
                                    g, w) for f in filled])
        return reps

    def _effects(self, groups, point, boot, outcomes, codes, m) -> pd.DataFrame:
        alpha = self.definitions.alpha
        rows = []
        for measure in MEASURES:
            est = np.mean([p[measure] for p in point], axis=0)
            crude = np.mean([[o[measure][codes == a].mean() for a in range(len(groups))] for o in outcomes], axis=0)
            reps = np.array([[r[measure] for r in rep] for rep in boot]) if boot else np.empty((0, 1, len(groups)))
            for i, a in enumerate(groups):
                for j in range(i + 1, len(groups)):
                    se, df = von_hippel(reps[:, :, i] - reps[:, :, j], m)
                    half = stats.t.ppf(1 - alpha / 2, df) * se if np.isfinite(se) else np.nan
                    diff = est[i] - est[j]
                    rows.append({"pair": f"{a} - {groups[j]}", "measure": measure, "estimate": diff,
                                 "ci_low": diff - half, "ci_high": diff + half, "se_bootstrap": se, "df": df,
                                 "crude": crude[i] - crude[j], "n_a": int((codes == i).sum()),
                                 "n_b": int((codes == j).sum()),
                                 "reason": "" if np.isfinite(se) else "no bootstrap replicates were run"})
        return pd.DataFrame(rows)

    def _groups(self, cohort, label, due, keep, groups, point, tp) -> pd.DataFrame:
        status = cohort.status[tp].to_numpy()
        rows = []
        for g in self.wanted:
            in_g = due & (label == g)
            n, answered, stopped = int(in_g.sum()), int((in_g & (status == "answered")).sum()), int((in_g & (status == "stopped")).sum())
            row = {"group": g, "n": n, "n_answered": answered,
                   "completeness": float(completeness(answered, n - stopped)),
                   "withheld_reason": "" if g in groups else GROUP_TOO_SMALL}
            for measure in MEASURES:
                row[f"adjusted_{measure}"] = (np.mean([p[measure][groups.index(g)] for p in point])
                                              if g in groups else np.nan)
            rows.append(row)
        return pd.DataFrame(rows)
