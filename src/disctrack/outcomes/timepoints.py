"""Per treatment group and time point: counts, mean scores and rates, three ways.

Methods (column ``method``):

``completers``
    Only patients with a known outcome: answered with the score and its baseline present,
    or (binary endpoints) a subsequent surgery by the time point. Wilson interval for
    rates, t interval for means. Biased whenever response depends on how patients are
    doing; shown for transparency, never as the headline.
``mi``
    All due patients, missing scores multiply imputed (:mod:`.imputation`) and combined by
    Rubin's rules (:mod:`.rubin`; rates pooled on the logit scale). The headline.
``ipw``
    All due patients, respondents weighted by the inverse of their modelled response
    probability (:mod:`.response_weights`), Hajek estimator with HC0 sandwich standard
    errors, logit-scale Wald interval for rates.

Subsequent surgery is a known failure (not missing) for rates in all three; mean scores
and changes describe the due patients free of subsequent surgery (the definitions'
``scores_after_surgery``: follow-up may stop after a surgery, so later scores are never
seen). Deaths and withdrawals by the time point leave the denominator and are counted in
``counts``. A figure the data cannot support (nobody due, nobody answered, too few answers
to impute) is NaN with its ``reason``, never 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from . import aggregate as agg
from .cohort import Cohort
from .definitions import Definitions, load_definitions
from .endpoints import BINARY, binary_endpoints
from .frames import check_frames
from .imputation import MAX_ITER, Imputations, impute_scores
from .intervals import logit_wald, wilson
from .response_weights import ResponseWeights, fit_response_weights
from .results import jsonable
from .rubin import pool_proportions, rubin_pool

LEVELS = ("treatment_class", "treatment")


@dataclass
class TimepointOutcomesResult:
    """Fitted summaries.

    Attributes
    ----------
    estimates : DataFrame
        One row per level, group, timepoint, measure and method with ``estimate``,
        ``ci_low``, ``ci_high``, ``n_used``, ``n_due``, ``completeness``, (MI) ``fmi``,
        (IPW) ``effective_n`` and ``max_weight_ratio``, and ``reason``: why the estimate
        is missing ("" when it is given).
    counts : DataFrame
        n_treated, n_due, n_answered, n_usable, n_stopped, completeness, n_pending,
        n_not_due, n_dead, n_withdrawn, n_surgery per level, group and time point.
    """

    definitions: Definitions
    estimates: pd.DataFrame
    counts: pd.DataFrame
    response_diagnostics: pd.DataFrame
    imputations: Imputations = field(repr=False)

    def headline(self, level: str = "treatment_class", measure: str = "success") -> pd.DataFrame:
        """Primary time point: MI (headline) beside completers only and IPW."""
        tp = self.definitions.primary_timepoint
        est = self.estimates
        rows = est[(est["level"] == level) & (est["timepoint"] == tp) & (est["measure"] == measure)]
        wide = rows.pivot(index="group", columns="method", values=["estimate", "ci_low", "ci_high"])
        wide.columns = [f"{m}_{s}" for s, m in wide.columns]
        keys = ["group", "n_treated", "n_due", "n_answered", "completeness"]
        counts = self.counts[(self.counts["level"] == level) & (self.counts["timepoint"] == tp)]
        base = counts[keys].set_index("group")
        return base.join(wide).reset_index()

    def summary(self) -> pd.DataFrame:
        return self.headline()

    def to_dict(self) -> dict[str, Any]:
        return jsonable({
            "definitions": self.definitions.stamp(),
            "primary_timepoint": self.definitions.primary_timepoint,
            "n_imputations": self.imputations.m,
            "methods": {"completers": "completers only (known outcomes); Wilson / t interval",
                        "mi": "all due patients, multiple imputation with parameter draws, Rubin's rules",
                        "ipw": "all due patients, inverse probability of response weighting "
                               "(drop-out history in the response model; weight diagnostics beside)"},
            "estimands": {"rates": "every due patient; a subsequent surgery by the time point is a failure",
                          "scores": self.definitions.stamp()["scores_after_surgery"]},
            "headline": self.headline(),
            "counts": self.counts, "estimates": self.estimates,
            "response_model": self.response_diagnostics,
        })


class TimepointOutcomes:
    """Estimate scores and rates per group and time point.

    Parameters
    ----------
    definitions : Definitions, optional
        Defaults to the shipped ``v1``.
    n_imputations : int, optional
        Defaults to ``definitions.n_imputations``.
    seed : int
        Seeds the imputations.
    levels : tuple of str
        Grouping columns of the patients frame.
    """

    def __init__(self, definitions: Definitions | None = None, *, n_imputations: int | None = None,
                 seed: int = 0, levels: tuple[str, ...] = LEVELS, max_iter: int = MAX_ITER) -> None:
        self.definitions = definitions or load_definitions()
        self.n_imputations = n_imputations or self.definitions.n_imputations
        if self.n_imputations < 2:
            raise ValueError("n_imputations must be at least 2")
        self.seed = seed
        self.levels = levels
        self.max_iter = max_iter

    def fit(self, patients: pd.DataFrame, followups: pd.DataFrame) -> TimepointOutcomesResult:
        check_frames(patients, followups)
        cohort = Cohort.from_frames(patients, followups)
        defs = self.definitions
        instruments = list(dict.fromkeys([defs.endpoint_instrument, *defs.summary_instruments]))
        imputations = impute_scores(cohort, instruments, self.n_imputations, self.seed, self.max_iter)
        weights = {name: fit_response_weights(cohort, name) for name in instruments}
        rows: list[dict] = []
        for level in self.levels:
            codes, names = pd.factorize(cohort.group_codes(level), sort=True)
            for tp in cohort.labels:
                cell = _Cell(cohort, imputations, weights, defs, tp, codes, len(names))
                found = cell.binary_rows() + [r for i in instruments for r in cell.score_rows(i)]
                rows += [{**r, "level": level, "timepoint": tp, "group": names[r["group"]]} for r in found]
        counts = count_table(cohort, self.levels, defs.endpoint_instrument)
        estimates = pd.DataFrame(rows).merge(
            counts[["level", "group", "timepoint", "n_due", "completeness"]],
            on=["level", "group", "timepoint"], how="left")
        diagnostics = weights[defs.endpoint_instrument].diagnostics
        return TimepointOutcomesResult(defs, estimates, counts, diagnostics, imputations)


def count_table(cohort: Cohort, levels: tuple[str, ...], instrument: str) -> pd.DataFrame:
    """Denominators and completeness per level, group and time point.

    ``n_answered`` counts answered questionnaires; ``n_usable`` those whose score and
    baseline are both present (what the estimates can use). Completeness is
    :func:`completeness`: answered over due, leaving out the time points the protocol
    stopped (after a subsequent surgery) that were not answered.
    """
    frames = []
    for tp in cohort.labels:
        dead, withdrawn = cohort.excluded(tp)
        status = cohort.status[tp]
        due = cohort.due(tp)
        answered = due & (status == "answered").to_numpy()
        flags = pd.DataFrame({
            "n_treated": 1, "n_due": due, "n_answered": answered,
            "n_usable": cohort.observed(tp, instrument),
            "n_stopped": due & (status == "stopped").to_numpy(),
            "n_pending": (status == "pending") & ~dead & ~withdrawn,
            "n_not_due": (status == "not_due") & ~dead & ~withdrawn,
            "n_dead": dead, "n_withdrawn": withdrawn,
            "n_surgery": due & cohort.event_by("surgery", tp),
        }, index=cohort.patients.index).astype(int)
        for level in levels:
            sums = flags.groupby(cohort.group_codes(level)).sum()
            frames.append(sums.rename_axis("group").reset_index().assign(
                level=level, timepoint=tp, months=float(cohort.timepoints[tp])))
    out = pd.concat(frames, ignore_index=True)
    out["completeness"] = completeness(out["n_answered"], out["n_due"] - out["n_stopped"])
    return out


def completeness(answered, asked):
    """The one completeness rule: answered / (answered + missed), NaN when nobody was due.

    ``asked`` is the number of due time points the protocol asked for (answered or missed;
    stopped, dead and withdrawn are outside it).
    """
    answered = np.asarray(answered, dtype=float)
    asked = np.asarray(asked, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(asked > 0, answered / asked, np.nan)


NO_PATIENTS = "no patient due at this time point"
NO_PATIENTS_WITHOUT_SURGERY = "every patient due had a subsequent surgery"
NO_ANSWERS = "no answers at this time point"
NOT_IMPUTABLE = "too few answers at this time point to impute the missing ones"


class _Cell:
    """The three methods at one time point for every group of one level.

    Binary endpoints cover every due patient (a subsequent surgery is a known failure).
    Scores and score changes cover the due patients free of subsequent surgery by the time
    point (the definitions' ``scores_after_surgery``). A group whose figure the data
    cannot support gets NaN and a ``reason``.
    """

    def __init__(self, cohort: Cohort, imputations: Imputations, weights: dict[str, ResponseWeights],
                 defs: Definitions, tp: str, codes: np.ndarray, n_groups: int) -> None:
        self.cohort, self.imp, self.weights, self.defs, self.tp = cohort, imputations, weights, defs, tp
        self.due = cohort.due(tp)
        self.codes = codes[self.due]
        self.g = n_groups
        self.surgery = cohort.event_by("surgery", tp)[self.due]
        self.alpha = defs.alpha

    def _count(self, mask: np.ndarray) -> np.ndarray:
        return agg.group_sums(mask.astype(float), self.codes, self.g)

    def _rows(self, measure: str, method: str, est, low, high, n, reasons, fmi=None, extra=None) -> list[dict]:
        rows = []
        for k in range(self.g):
            blank = bool(reasons[k])
            rows.append({"group": k, "measure": measure, "method": method,
                         "estimate": np.nan if blank else est[k], "ci_low": np.nan if blank else low[k],
                         "ci_high": np.nan if blank else high[k], "n_used": int(n[k]),
                         "fmi": np.nan if fmi is None or blank else fmi[k], "reason": reasons[k],
                         **({key: (np.nan if blank else v[k]) for key, v in extra.items()} if extra else {})})
        return rows

    def _reasons(self, population: np.ndarray, answered: np.ndarray, imputed: np.ndarray,
                 empty: str) -> list[str]:
        """Why each group's figure cannot be given ("" when it can).

        ``population`` is who the figure describes, ``answered`` whose outcome is known,
        ``imputed`` the (m, n) imputed values (NaN where imputation was impossible).
        """
        n_due = self._count(np.ones_like(population))
        n = self._count(population)
        unknown = population & ~answered
        n_answered = self._count(population & answered & ~self.surgery)
        n_unknown = self._count(unknown)
        failed = self._count(unknown & np.isnan(imputed).any(axis=0))
        return [NO_PATIENTS if n_due[k] == 0 else empty if n[k] == 0 else
                NO_ANSWERS if n_answered[k] == 0 and n_unknown[k] > 0 else
                NOT_IMPUTABLE if failed[k] > 0 else "" for k in range(self.g)]

    def _observed(self, instrument: str) -> tuple[np.ndarray, np.ndarray]:
        scores = self.cohort.scores[instrument]
        return scores[self.tp].to_numpy()[self.due], scores["baseline"].to_numpy()[self.due]

    def _ipw_extra(self, w: np.ndarray) -> dict[str, np.ndarray]:
        """Weight diagnostics per group, shown beside each IPW estimate."""
        sw, sw2 = agg.group_sums(w, self.codes, self.g), agg.group_sums(w**2, self.codes, self.g)
        respondents = self._count(w > 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            mean_w = sw / respondents
            largest = np.array([w[(self.codes == k) & (w > 0)].max(initial=0.0) for k in range(self.g)])
            return {"effective_n": sw**2 / sw2, "max_weight_ratio": np.where(respondents > 0, largest / mean_w, np.nan)}

    def binary_rows(self) -> list[dict]:
        name = self.defs.endpoint_instrument
        score, base = self._observed(name)
        observed = binary_endpoints(score, base, self.surgery, self.defs)
        imp_score = self.imp.at(name, self.tp)[:, self.due]
        imputed = binary_endpoints(imp_score, self.imp.at(name, "baseline")[:, self.due], self.surgery, self.defs)
        answered = ~np.isnan(score) & ~np.isnan(base)
        everyone = np.ones(self.due.sum(), dtype=bool)
        reasons = self._reasons(everyone, answered | self.surgery, imp_score, NO_PATIENTS)
        n_due = self._count(everyone)
        w = self._endpoint_weights(name)
        extra = self._ipw_extra(np.where(self.surgery, 0.0, w))
        rows = []
        for measure in BINARY:
            y = observed[measure]
            known = agg.group_sums(~np.isnan(y), self.codes, self.g)
            hits = agg.group_sums(y, self.codes, self.g)
            low, high = wilson(hits, known, self.alpha)
            with np.errstate(divide="ignore", invalid="ignore"):
                rows += self._rows(measure, "completers", hits / known, low, high, known, reasons)
            pooled = pool_proportions(agg.group_sums(imputed[measure], self.codes, self.g), n_due, self.alpha)
            rows += self._rows(measure, "mi", pooled.estimate, pooled.ci_low, pooled.ci_high, n_due, reasons,
                               pooled.fmi)
            mean, se = agg.weighted_means(y, w, self.codes, self.g)
            low, high = logit_wald(mean, se, self.alpha)
            rows += self._rows(measure, "ipw", mean, low, high, n_due, reasons, extra=extra)
        return rows

    def _endpoint_weights(self, name: str) -> np.ndarray:
        """Surgery: weight 1 (known failure); respondents: 1/p scaled to the non-surgical due."""
        raw = np.where(self.surgery, 0.0, self.weights[name].weights(self.tp)[self.due])
        non_surgical = agg.group_sums((~self.surgery).astype(float), self.codes, self.g)
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = non_surgical / agg.group_sums(raw, self.codes, self.g)
        return np.where(self.surgery, 1.0, raw * np.nan_to_num(scale)[self.codes])

    def score_rows(self, instrument: str) -> list[dict]:
        """Mean score and change among the due free of surgery, three ways."""
        free = ~self.surgery
        score, base = self._observed(instrument)
        known = free & ~np.isnan(score) & ~np.isnan(base)
        imputed = self.imp.at(instrument, self.tp)[:, self.due]
        imputed_base = self.imp.at(instrument, "baseline")[:, self.due]
        reasons = self._reasons(free, known, np.where(free, imputed - imputed_base, 0.0),
                                NO_PATIENTS_WITHOUT_SURGERY)
        w = np.where(free, self.weights[instrument].weights(self.tp)[self.due], 0.0)
        extra = self._ipw_extra(w)
        rows = []
        for suffix, y, y_imp in (("mean", score, imputed), ("change", score - base, imputed - imputed_base)):
            measure = f"{instrument}_{suffix}"
            mean, var, n = agg.group_means(np.where(known, y, np.nan), self.codes, self.g)
            low, high = agg.t_interval(mean, var, n, self.alpha)
            rows += self._rows(measure, "completers", mean, low, high, n, reasons)
            means, variances, n_free = agg.group_means(np.where(free, y_imp, np.nan), self.codes, self.g)
            pooled = rubin_pool(means, variances, df_complete=np.fmax(n_free[0] - 1, 1), alpha=self.alpha)
            rows += self._rows(measure, "mi", pooled.estimate, pooled.ci_low, pooled.ci_high, n_free[0], reasons,
                               pooled.fmi)
            mean, se = agg.weighted_means(np.where(known, y, 0.0), w, self.codes, self.g)
            z = stats.norm.ppf(1 - self.alpha / 2)
            rows += self._rows(measure, "ipw", mean, mean - z * se, mean + z * se, n_free[0], reasons, extra=extra)
        return rows
