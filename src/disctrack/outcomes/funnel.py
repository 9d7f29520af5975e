"""Fair comparison of sites and physicians: all-treated success, raw and case-mix adjusted.

Estimand. For each unit (site or physician), the composite success rate at the primary
time point among *all* its patients due there (answered or not; a subsequent surgery is a
failure), and the ratio of that rate to the rate the whole registry achieves with patients
like the unit's own (same case-mix and treatment).

Method.

* ``rate`` (raw, all treated): missing answers multiply imputed (:mod:`.imputation`); per
  imputation the unit's successes over its due patients; pooled by Rubin's rules on the
  logit scale (:func:`.rubin.pool_proportions`).
* ``oe_ratio`` (indirect standardization): in each imputation a ridge-penalized logistic
  model of success on the case-mix (:class:`.covariates.CovariateEncoder`) and the
  treatment is fitted to every due patient of the registry (the unit itself is not a
  predictor, so the model describes the registry as a whole). The unit's
  expected successes E are the sum of its patients' predicted probabilities, its observed
  successes O the imputed count. O/E is pooled by Rubin's rules on the log scale, with the
  within-imputation variance of log O taken as (1 - O/n) / O (binomial, delta method);
  the uncertainty of the fitted model itself is ignored, as usual for a reference model
  fitted to a whole registry. ``adjusted_rate`` = O/E x the registry's overall rate.
* ``completers_rate``: known outcomes only (answered, or surgery), Wilson interval. Kept
  for comparison: a unit with poor follow-up loses answers but never its surgeries, so its
  completers rate is pushed down by follow-up alone.

Flags. ``outside_95`` and ``outside_99_8`` judge the adjusted comparison: the unit's
observed successes against the exact distribution of its successes were it performing as
the registry does with its patients (Poisson-binomial with the predicted probabilities,
averaged over imputations), with the interpolation of Spiegelhalter (Stat Med
2005;24:1185, appendix A.1.1): for a tail probability q the limit is r - a, r the smallest
count with P(X <= r) >= q and a = (P(X <= r) - q) / P(X = r). ``rate_outside_*`` judge the
raw all-treated rate and ``completers_outside_*`` the completers rate, each against exact
binomial limits around its own overall rate at the unit's n. ``limits`` draws the binomial
limits around the overall all-treated rate: exact for the raw rate, and for the adjusted
rate of a unit with the registry's average case-mix.

Assumptions, and when this misleads. Patients are independent given the case-mix; the
case-mix model contains what differs between units' patients and affects success (a unit
treating patients worse in ways the registry does not record still sits low); answers are
missing at random given what the imputation model sees. The imputation model does not
contain the unit, so a unit's missing patients are imputed like the registry's patients
with the same case-mix: poor follow-up pulls a unit's rate towards the registry's, never
away from it. The treatment is part of the case-mix, so a unit is not judged on its choice
of treatment. Adjustment is withheld when the registry has fewer than
:data:`MIN_EVENTS_PER_PARAMETER` successes (and failures) per model parameter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.metrics import roc_auc_score

from . import aggregate as agg
from .cohort import Cohort
from .covariates import CovariateEncoder
from .definitions import Definitions, load_definitions
from .endpoints import binary_endpoints
from .frames import CASE_MIX, TREATMENTS, check_frames
from .imputation import Imputations, impute_scores
from .intervals import wilson
from .penalized import RidgeLogistic
from .results import jsonable
from .rubin import pool_proportions, rubin_pool
from .timepoints import completeness

ArrayOrFloat = np.ndarray | float
MIN_EVENTS_PER_PARAMETER = 10
"""Peduzzi P et al. J Clin Epidemiol 1996;49:1373-1379: ten events per parameter."""
UNIT_WORDS = {"site": "site", "physician": "physician"}
METHODS = {
    "rate": "all due patients, missing answers multiply imputed, Rubin's rules on the logit scale",
    "adjusted": ("indirect standardization: observed / expected successes, expected from a ridge "
                 "logistic model of success on case-mix and treatment fitted to every due patient in "
                 "each imputation; Rubin's rules on log(O/E); adjusted rate = O/E x overall rate"),
    "completers": "patients with a known outcome only (answered, or a subsequent surgery); Wilson interval",
    "outside": ("adjusted: observed successes outside exact Poisson-binomial limits of the unit's "
                "expected successes (Spiegelhalter 2005 interpolation)"),
    "rate_outside": "raw all-treated rate outside exact binomial limits around the overall rate at n_due",
    "completers_outside": "completers rate outside exact binomial limits around the completers' overall rate",
}


def _interpolated(r: ArrayOrFloat, at: ArrayOrFloat, below: ArrayOrFloat, q: float) -> np.ndarray:
    """Spiegelhalter's r - a, with a = (P(X <= r) - q) / P(X = r)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return r - np.where(at > below, (at - q) / (at - below), 0.0)


def _tails(coverage: float) -> tuple[float, float]:
    if not 0 < coverage < 1:
        raise ValueError("coverage must be between 0 and 1")
    return (1 - coverage) / 2, 1 - (1 - coverage) / 2


def binomial_limits(p0: float, n: np.ndarray, coverage: float) -> tuple[np.ndarray, np.ndarray]:
    """Spiegelhalter's interpolated exact binomial control limits (as proportions)."""
    n = np.asarray(n, dtype=float)
    out = []
    for q in _tails(coverage):
        r = stats.binom.ppf(q, n, p0)
        limit = _interpolated(r, stats.binom.cdf(r, n, p0), stats.binom.cdf(r - 1, n, p0), q)
        with np.errstate(divide="ignore", invalid="ignore"):
            out.append(np.where(n > 0, limit / n, np.nan))
    return out[0], out[1]


def poisson_binomial_pmf(p: np.ndarray) -> np.ndarray:
    """P(X = 0..n) for a sum of independent Bernoulli(p_i), by direct convolution."""
    pmf = np.ones(1)
    for pi in np.asarray(p, dtype=float):
        pmf = np.convolve(pmf, [1.0 - pi, pi])
    return pmf


def poisson_binomial_limits(p: np.ndarray, coverage: float) -> tuple[float, float]:
    """Interpolated exact limits (as counts) for a sum of Bernoulli(p_i), Spiegelhalter 2005."""
    cdf = np.minimum(np.cumsum(poisson_binomial_pmf(p)), 1.0)
    limits = []
    for q in _tails(coverage):
        r = int(np.searchsorted(cdf, q - 1e-12))
        below = cdf[r - 1] if r > 0 else 0.0
        limits.append(float(_interpolated(float(r), float(cdf[r]), float(below), q)))
    return limits[0], limits[1]


@dataclass(frozen=True)
class Ratios:
    """Pooled O/E per unit: ``ratio`` is mean O over mean E; the interval is Rubin's on log O/E."""

    observed: np.ndarray
    expected: np.ndarray
    ratio: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray


def standardized_ratios(observed, expected, n, alpha: float = 0.05) -> Ratios:
    """Pool observed / expected over imputations (arrays (m, k); ``n`` (k,) patients).

    Within imputation, var(log O/E) = (1 - O/n) / O (binomial variance of O, delta method,
    E fixed); an O of 0 or n is replaced by (O + 0.5) and (n + 1), as for proportions.
    Complete-data degrees of freedom n - 1 (Barnard-Rubin).
    """
    o = np.asarray(observed, dtype=float)
    e = np.asarray(expected, dtype=float)
    n = np.broadcast_to(np.asarray(n, dtype=float), o.shape)
    if o.shape != e.shape or o.ndim != 2:
        raise ValueError("observed and expected must both have shape (imputations, units)")
    edge = (o <= 0) | (o >= n)
    o_adj = np.where(edge, o + 0.5, o)
    n_adj = np.where(edge, n + 1, n)
    log_ratio = np.log(o_adj) - np.log(e)
    within = (1 - o_adj / n_adj) / o_adj
    pooled = rubin_pool(log_ratio, within, df_complete=np.maximum(n[0] - 1, 1), alpha=alpha)
    o_bar, e_bar = o.mean(axis=0), e.mean(axis=0)
    return Ratios(o_bar, e_bar, o_bar / e_bar, np.exp(pooled.ci_low), np.exp(pooled.ci_high))


@dataclass
class FunnelResult:
    """One row per unit in ``units`` (see ``docs/clinic-comparison.md`` for every column);
    ``limits``: n and low/high per coverage (binomial around ``overall_rate``), for drawing."""

    definitions: Definitions
    unit: str
    overall_rate: float
    units: pd.DataFrame
    limits: pd.DataFrame
    completers_overall_rate: float = np.nan
    n_imputations: int = 0
    model: dict[str, Any] = field(default_factory=dict)
    reason: str = ""

    def summary(self) -> pd.DataFrame:
        return self.units

    def to_dict(self) -> dict[str, Any]:
        return jsonable({
            "definitions": self.definitions.stamp(), "unit": self.unit,
            "timepoint": self.definitions.primary_timepoint,
            "measure": "composite success, all treated patients due (missing answers multiply imputed)",
            "methods": METHODS, "adjustment": "indirect standardization",
            "limits_method": "exact binomial and Poisson-binomial, Spiegelhalter 2005 interpolation",
            "n_imputations": self.n_imputations, "overall_rate": self.overall_rate,
            "completers_overall_rate": self.completers_overall_rate, "model": self.model,
            "reason": self.reason, "units": self.units, "limits": self.limits})


class Funnel:
    """Compare units (``site`` or ``physician``) on all-treated success, raw and adjusted.

    Parameters
    ----------
    definitions : Definitions, optional
        Defaults to the current version.
    unit : str
        ``site`` or ``physician``.
    n_imputations : int, optional
        Used when :meth:`fit` draws its own imputations; defaults to the definitions'.
    seed : int
        Seeds those imputations.
    """

    def __init__(self, definitions: Definitions | None = None, *, unit: str = "site",
                 n_imputations: int | None = None, seed: int = 0) -> None:
        if unit not in UNIT_WORDS:
            raise ValueError("unit must be 'site' or 'physician'")
        self.definitions = definitions or load_definitions()
        adjustment = self.definitions.section("funnel").get("adjustment", "indirect_standardization")
        if adjustment != "indirect_standardization":
            raise ValueError(f"funnel.adjustment {adjustment!r} is not supported (use indirect_standardization)")
        self.unit = unit
        self.n_imputations = n_imputations or self.definitions.n_imputations
        self.seed = seed

    def fit(self, patients: pd.DataFrame, followups: pd.DataFrame,
            imputations: Imputations | None = None) -> FunnelResult:
        """Compare the units; ``imputations`` (of the endpoint instrument, e.g. those of
        ``TimepointOutcomes``) are drawn here when not given."""
        check_frames(patients, followups)
        cohort = Cohort.from_frames(patients, followups)
        tp = self.definitions.primary_timepoint
        if tp not in cohort.labels:
            raise ValueError(f"primary time point {tp} not in the follow-ups")
        if not cohort.due(tp).any():
            raise ValueError(f"no patient is due at {tp} yet")
        return _Fit(self, cohort, imputations).result()


class _Fit:
    """The computation of :meth:`Funnel.fit`, step by step."""

    def __init__(self, funnel: Funnel, cohort: Cohort, imputations: Imputations | None) -> None:
        self.defs, self.unit, self.cohort = funnel.definitions, funnel.unit, cohort
        self.tp = self.defs.primary_timepoint
        self.name = self.defs.endpoint_instrument
        self.due = cohort.due(self.tp)
        self.surgery = cohort.event_by("surgery", self.tp)
        self.names, codes = np.unique(cohort.patients[self.unit].astype(str).to_numpy(), return_inverse=True)
        self.k = len(self.names)
        self.codes_all, self.codes = codes, codes[self.due]
        self.levels = [float(c) for c in self.defs.section("funnel")["limits"]]
        self.counts = self._counts()
        self.n_due = self.counts["n_due"].to_numpy(float)
        self.reasons: list[list[str]] = [[] for _ in range(self.k)]
        self.reason = ""
        self.model: dict[str, Any] = {"covariates": [*CASE_MIX, "treatment"],
                                      "penalty": "ridge (L2, C=1) on standardized covariates"}
        self.y = self._imputed_success(funnel, imputations)
        self.given = self._estimable()

    def _counts(self) -> pd.DataFrame:
        scores = self.cohort.scores[self.name]
        known = binary_endpoints(scores[self.tp].to_numpy(), scores["baseline"].to_numpy(),
                                 self.surgery, self.defs)["success"]
        status = self.cohort.status[self.tp].to_numpy()
        flags = pd.DataFrame({
            "n_treated": 1, "n_due": self.due, "n_answered": self.due & (status == "answered"),
            "n_stopped": self.due & (status == "stopped"),
            "n_known": self.due & ~np.isnan(known), "hits": np.where(self.due, np.nan_to_num(known), 0.0),
        }).astype(float)
        out = flags.groupby(self.codes_all).sum().reindex(range(self.k), fill_value=0.0)
        return out.astype({c: int for c in ("n_treated", "n_due", "n_answered", "n_stopped", "n_known")})

    def _imputed_success(self, funnel: Funnel, imputations: Imputations | None) -> np.ndarray | None:
        """Imputed success (m, due patients), or None with :attr:`reason`."""
        if not self.counts["n_answered"].any():
            self.reason = "no answers at this time point"
            return None
        if imputations is None:
            imputations = impute_scores(self.cohort, [self.name], m=funnel.n_imputations, seed=funnel.seed)
        elif not imputations.cohort.patients.index.equals(self.cohort.patients.index):
            raise ValueError("the imputations were drawn for other patients than these frames")
        y = binary_endpoints(imputations.at(self.name, self.tp)[:, self.due],
                             imputations.at(self.name, "baseline")[:, self.due],
                             self.surgery[self.due], self.defs)["success"]
        if np.isnan(y).any():
            self.reason = "the imputation could not fill every missing answer at this time point"
            return None
        return y

    def _estimable(self) -> np.ndarray:
        """Units whose all-treated rate the data support; the others get their reason."""
        word = UNIT_WORDS[self.unit]
        given = self.n_due > 0
        blind = given & (self.counts["n_answered"].to_numpy() == 0) & (
            self.counts["n_known"].to_numpy() < self.n_due)
        for u in range(self.k):
            if not given[u]:
                self.reasons[u].append(f"no patient of this {word} is due at this time point yet")
            elif self.y is None:
                self.reasons[u].append(self.reason)
            elif blind[u]:
                self.reasons[u].append(f"no patient of this {word} answered at this time point: an imputed rate "
                                       "would rest on other patients only")
        return given & ~blind & (self.y is not None)

    @property
    def overall_rate(self) -> float:
        return float(self.y.mean()) if self.y is not None else np.nan

    def result(self) -> FunnelResult:
        c = self.counts
        units = pd.DataFrame({"unit": self.names, "n_treated": c["n_treated"].to_numpy(),
                              "n_due": c["n_due"].to_numpy(), "n_answered": c["n_answered"].to_numpy()})
        n_known = c["n_known"].to_numpy()
        with np.errstate(divide="ignore", invalid="ignore"):
            units["completeness"] = completeness(units["n_answered"], self.n_due - c["n_stopped"].to_numpy())
            completers = np.where(n_known > 0, c["hits"].to_numpy() / n_known, np.nan)
        units["n"], units["n_known"] = units["n_due"], n_known
        units = units.join(self._raw()).join(self._adjusted())
        p_completers = float(c["hits"].sum() / n_known.sum()) if n_known.sum() else np.nan
        low, high = wilson(c["hits"].to_numpy(), n_known, self.defs.alpha)
        units["completers_rate"], units["completers_ci_low"], units["completers_ci_high"] = completers, low, high
        p0 = self.overall_rate
        for cov in self.levels:
            tag = _tag(cov)
            units[f"rate_outside_{tag}"] = _outside(units["rate"], *binomial_limits(p0, self.n_due, cov))
            units[f"completers_outside_{tag}"] = _outside(
                units["completers_rate"], *binomial_limits(p_completers, n_known, cov))
        units["reason"] = ["; ".join(r) for r in self.reasons]
        units = units[[*_COLUMNS, *(k for k in units if k not in _COLUMNS and k != "reason"), "reason"]]
        return FunnelResult(self.defs, self.unit, p0, units, self._limits(p0), p_completers,
                            0 if self.y is None else len(self.y), self.model, self.reason)

    def _raw(self) -> pd.DataFrame:
        out = pd.DataFrame(np.nan, index=range(self.k), columns=["rate", "rate_ci_low", "rate_ci_high"])
        if self.y is not None and self.given.any():
            self.successes = agg.group_sums(self.y, self.codes, self.k)
            pooled = pool_proportions(self.successes[:, self.given], self.n_due[self.given], self.defs.alpha)
            out.loc[self.given, :] = np.column_stack([pooled.estimate, pooled.ci_low, pooled.ci_high])
        return out

    def _adjusted(self) -> pd.DataFrame:
        columns = ["expected_rate", "oe_ratio", "oe_ci_low", "oe_ci_high",
                   "adjusted_rate", "adjusted_ci_low", "adjusted_ci_high"]
        out = pd.DataFrame(np.nan, index=range(self.k), columns=columns)
        for cov in self.levels:
            out[f"outside_{_tag(cov)}"] = pd.Series([None] * self.k, dtype=object)
        if self.y is None or not self.given.any():
            self.model["reason"] = self.reason or "no rate could be estimated"
            return out
        probs, reason = self._expected_probabilities(self.y)
        if probs is None:
            self.model["reason"] = reason
            for u in np.flatnonzero(self.given):
                self.reasons[u].append(f"case-mix adjustment not computed: {reason}")
            return out
        given = self.given
        expected = agg.group_sums(probs, self.codes, self.k)
        ratios = standardized_ratios(self.successes[:, given], expected[:, given], self.n_due[given],
                                     self.defs.alpha)
        out.loc[given, "expected_rate"] = ratios.expected / self.n_due[given]
        out.loc[given, ["oe_ratio", "oe_ci_low", "oe_ci_high"]] = np.column_stack(
            [ratios.ratio, ratios.ci_low, ratios.ci_high])
        p0 = self.overall_rate
        for source, target in (("oe_ratio", "adjusted_rate"), ("oe_ci_low", "adjusted_ci_low"),
                               ("oe_ci_high", "adjusted_ci_high")):
            out[target] = out[source] * p0
        mean_p = probs.mean(axis=0)
        for u in np.flatnonzero(given):
            observed = self.successes[:, u].mean()
            for cov in self.levels:
                low, high = poisson_binomial_limits(mean_p[self.codes == u], cov)
                out.at[u, f"outside_{_tag(cov)}"] = bool(observed < low or observed > high)
        return out

    def _expected_probabilities(self, imputed: np.ndarray) -> tuple[np.ndarray | None, str]:
        """Predicted success (m, due patients) from one model per imputation, or a reason."""
        pts = self.cohort.patients[self.due]
        x = CovariateEncoder(CASE_MIX).fit_transform(pts)
        treat = pd.get_dummies(pts["treatment"]).reindex(columns=list(TREATMENTS), fill_value=False)
        x = pd.concat([x, treat.astype(float).add_prefix("treatment_")], axis=1)
        x = x.loc[:, x.nunique() > 1]
        if any(k.startswith("treatment_") for k in x):  # one treatment is the reference
            x = x.drop(columns=next(k for k in x if k.startswith("treatment_")))
        n_params = x.shape[1] + 1
        fewest = int(min(min(y.sum(), len(y) - y.sum()) for y in imputed))
        needed = MIN_EVENTS_PER_PARAMETER * n_params
        self.model.update(patients=len(pts), parameters=n_params)
        if fewest < needed:
            return None, (f"too few patients for the case-mix model: it needs {needed} successes and "
                          f"{needed} failures ({MIN_EVENTS_PER_PARAMETER} per model parameter), the "
                          f"registry has {fewest} of the rarer outcome")
        if x.shape[1] == 0:  # every patient alike: the model is its intercept, the overall rate
            return np.repeat(imputed.mean(axis=1, keepdims=True), imputed.shape[1], axis=1), ""
        probs, c_stats = [], []
        for y in imputed:
            p = RidgeLogistic(1.0).fit(x.to_numpy(), y.astype(float)).predict_proba(x.to_numpy())[:, 1]
            probs.append(p)
            c_stats.append(roc_auc_score(y.astype(int), p))
        self.model["c_statistic_apparent"] = float(np.mean(c_stats))
        return np.array(probs), ""

    def _limits(self, p0: float) -> pd.DataFrame:
        grid = np.unique(np.linspace(1, max(float(self.n_due.max()), 2.0) * 1.1, 200).round())
        limits = pd.DataFrame({"n": grid})
        for cov in self.levels:
            low, high = binomial_limits(p0, grid, cov) if np.isfinite(p0) else (np.full(len(grid), np.nan),) * 2
            limits[f"low_{_tag(cov)}"], limits[f"high_{_tag(cov)}"] = low, high
        return limits


_COLUMNS = ["unit", "n_treated", "n_due", "n_answered", "completeness", "n", "n_known", "rate", "rate_ci_low",
            "rate_ci_high", "expected_rate", "oe_ratio", "oe_ci_low", "oe_ci_high", "adjusted_rate",
            "adjusted_ci_low", "adjusted_ci_high", "completers_rate", "completers_ci_low", "completers_ci_high"]


def _tag(coverage: float) -> str:
    return f"{coverage * 100:g}".replace(".", "_")


def _outside(rate: pd.Series, low: np.ndarray, high: np.ndarray) -> pd.Series:
    """True/False where the rate is given, None where it is not."""
    values = rate.to_numpy(float)
    flags = (values < low) | (values > high)
    return pd.Series([None if np.isnan(v) else bool(f) for v, f in zip(values, flags, strict=True)],
                     index=rate.index, dtype=object)
