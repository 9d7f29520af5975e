"""Candidacy: a new patient's chance of composite success under each treatment.

Method (per treatment, at the primary time point):

* **Outcomes of all treated patients.** Every patient given the treatment and due at the
  time point is used, not completers only: each of the ``m`` multiple imputations
  (:func:`.imputation.impute_scores`, normally those of the report's
  :class:`.timepoints.TimepointOutcomes`) gives a success indicator, and the model is
  fitted to the stacked imputations with weights 1/m. Because the case-mix is the same in
  every imputation, this is exactly a logistic likelihood with the fractional outcome
  ``ybar`` (the share of imputations in which the patient did well).
* **Enough patients for the number of parameters** (Riley et al. BMJ 2020;368:m441 and
  Stat Med 2019;38:1276, binary outcomes): the required n is the largest of criterion (i)
  expected uniform shrinkage >= ``riley_shrinkage``, (ii) optimism in Nagelkerke's R2 <=
  ``riley_max_optimism`` and (iii) the overall risk within ``riley_margin``; the
  anticipated Cox-Snell R2 is 15% of its maximum for the outcome's prevalence (Riley et
  al.'s conservative choice when no earlier model is known). The full case-mix is tried
  first, then a short pre-specified set (:data:`PREDICTOR_SETS`); when neither fits the
  registry, no model is fitted.
* **Penalized model.** Ridge (L2) logistic regression on standardized predictors, the
  penalty chosen from :data:`PENALTIES` by cross-validated log-likelihood.
* **Shown only when it tells patients apart.** Nested, repeated cross-validation
  (``cv_repeats`` x ``cv_folds``, the penalty re-chosen inside every training part) gives
  the c-statistic and the calibration slope; an estimate is shown only when the c-statistic
  is at least ``min_c_statistic`` and the slope lies in ``calibration_slope``. Otherwise
  the registry says it cannot yet say more than the treatment's average, and gives that
  average (the report's all-treated multiple-imputation rate with its interval).
* **Intervals** are the 2.5-97.5 percentiles of ``n_bootstrap`` refits on bootstrap
  resamples of patients (penalty fixed at the main fit's; each refit uses one imputation,
  in turn, so imputation uncertainty is included): uncertainty of the model, not of the
  individual's outcome.
* **A patient's own outcome never predicts for them.** A registry patient (``patient_id``)
  gets the prediction of a cross-fitted model: patients are split into ``cv_folds`` folds
  by a hash of their id, and the model for a fold is fitted, imputed, penalized and
  bootstrapped without that fold's patients at all.

A prediction is also withheld when the patient lies outside the range of patients given
the treatment (any case-mix value outside the ``support_quantiles``), or when fewer than
``min_similar`` similar patients were given it (within ``propensity_caliper`` of the
patient's probability of receiving it and ``prognosis_caliper`` standard deviations of the
model's linear predictor).

Misleads when: outcomes are missing not at random given what the imputation model sees;
treatment choice depended on things the registry does not record (a prediction describes
patients *like this who were given* the treatment); the registry's patients differ from
the person asking. The cross-validated checks share the imputation model with the held-out
patients (imputation is not repeated inside every validation fold), a small optimism.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.model_selection import KFold

from . import propensity as ps_mod
from .cohort import Cohort
from .covariates import CovariateEncoder
from .definitions import Definitions, load_definitions
from .endpoints import binary_endpoints
from .frames import CASE_MIX, PATIENT_COLUMNS, TREATMENTS, check_frames
from .imputation import Imputations, impute_scores
from .penalized import (
    RidgeLogistic,
    c_statistic,
    calibration_slope,
    choose_penalty,
    fit_ridge,
)
from .results import jsonable
from .rubin import pool_proportions
from .sample_size import R2_SHARE_OF_MAX, RileySampleSize, riley_binary

_SPEC = {c.name: c for c in PATIENT_COLUMNS}
CORE: tuple[str, ...] = ("baseline_odi", "baseline_nrs_back", "age", "smoker", "opioid_use", "pfirrmann_max")
"""The short set tried when the registry is too small for the full case-mix: pre-specified
(baseline disability and pain, age, smoking, opioid use, disc degeneration), never chosen by
looking at the outcomes."""
PREDICTOR_SETS: tuple[tuple[str, tuple[str, ...]], ...] = (("all recorded case-mix", CASE_MIX), ("short set", CORE))
CANNOT_SAY_MORE = "the registry cannot yet say more than this treatment's average"


def fold_of(patient_id: str, folds: int) -> int:
    """A patient's cross-fitting fold: from their id alone, never from their outcome. A
    later index treatment of the same patient (id ``X/2``) shares ``X``'s fold."""
    return zlib.crc32(str(patient_id).split("/")[0].encode()) % folds


@dataclass
class _Model:
    """One fitted model: predictor set, encoder, penalty, pipeline and (lazily) bootstrap refits."""

    predictors: str
    encoder: CovariateEncoder
    penalty: float
    pipeline: RidgeLogistic
    x: np.ndarray = field(repr=False)
    outcomes: np.ndarray = field(repr=False)
    boot: list[Any] | None = field(default=None, repr=False)
    propensity: np.ndarray | None = field(default=None, repr=False)
    """Each training patient's probability of receiving the treatment (for "similar")."""

    def similar(self, e_new: float, lp_new: float, settings: Mapping[str, Any]) -> int:
        """Training patients within the calipers of a new patient's propensity and prognosis."""
        lp = self.pipeline.decision_function(self.x)
        e = self.propensity if self.propensity is not None else np.zeros(len(lp))
        return int(((np.abs(e - e_new) <= settings["propensity_caliper"])
                    & (np.abs(lp - lp_new) <= settings["prognosis_caliper"] * lp.std())).sum())

    def design(self, frame: pd.DataFrame) -> np.ndarray:
        return self.encoder.transform(frame).to_numpy(dtype=float)

    def bootstrap(self, n_bootstrap: int, seed: int) -> list[Any]:
        if self.boot is None:
            rng = np.random.default_rng(seed)
            m, n = self.outcomes.shape
            self.boot = []
            for b in range(n_bootstrap):
                rows = rng.integers(0, n, n)
                y = self.outcomes[b % m, rows]
                if 0 < y.sum() < n:
                    self.boot.append(fit_ridge(self.x[rows], y, self.penalty))
        return self.boot


def _riley_choice(patients: pd.DataFrame, prevalence: float, s: dict[str, Any]
                  ) -> tuple[str, tuple[str, ...], CovariateEncoder, RileySampleSize]:
    """The first predictor set the patients can support, else the last one tried."""
    tried = None
    for label, columns in PREDICTOR_SETS:
        encoder = CovariateEncoder(columns).fit(patients)
        riley = riley_binary(len(encoder.names_), prevalence, shrinkage=s["riley_shrinkage"],
                             max_optimism=s["riley_max_optimism"], margin=s["riley_margin"])
        tried = (label, columns, encoder, riley)
        if len(patients) >= riley.n_required:
            break
    assert tried is not None
    return tried


def _outcomes(cohort: Cohort, imputations: Imputations, definitions: Definitions) -> np.ndarray:
    """Success (0/1) per imputation and patient at the primary time point, shape (m, n)."""
    tp, name = definitions.primary_timepoint, definitions.endpoint_instrument
    return binary_endpoints(imputations.at(name, tp), imputations.at(name, "baseline"),
                            cohort.event_by("surgery", tp), definitions)["success"]


def _fit_treatment(patients: pd.DataFrame, outcomes: np.ndarray, s: dict[str, Any], seed: int
                   ) -> tuple[_Model | None, RileySampleSize | None, str]:
    """Choose predictors (Riley), the penalty (CV) and fit; or why not (a reason code)."""
    ybar = outcomes.mean(axis=0)
    if len(ybar) == 0:
        return None, None, "no_patients"
    prevalence = float(ybar.mean())
    if not 0 < prevalence < 1:  # all alike: judge the size at (events + 0.5) / (n + 1)
        prevalence = (ybar.sum() + 0.5) / (len(ybar) + 1)
    label, _, encoder, riley = _riley_choice(patients, prevalence, s)
    if len(ybar) < riley.n_required:
        return None, riley, "too_few"
    if not 0 < ybar.mean() < 1:
        return None, riley, "no_variation"
    x = encoder.transform(patients).to_numpy(dtype=float)
    penalty = choose_penalty(x, ybar, int(s["cv_folds"]), seed)
    return _Model(label, encoder, penalty, fit_ridge(x, ybar, penalty), x, outcomes), riley, ""


def _validate(model: _Model, s: dict[str, Any], seed: int) -> tuple[float, float, float, np.ndarray]:
    """Nested, repeated cross-validation: c-statistic, calibration slope, Brier score (means
    over repeats) and the first repeat's out-of-fold predictions."""
    x, y_all = model.x, model.outcomes
    ybar = y_all.mean(axis=0)
    c_stats, slopes, briers, first = [], [], [], None
    for r in range(int(s["cv_repeats"])):
        pred = np.empty(len(ybar))
        for tr, te in KFold(int(s["cv_folds"]), shuffle=True, random_state=seed + r).split(x):
            penalty = choose_penalty(x[tr], ybar[tr], 3, seed + r)
            pred[te] = fit_ridge(x[tr], ybar[tr], penalty).predict_proba(x[te])[:, 1]
        c_stats.append(c_statistic(ybar, pred))
        slopes.append(calibration_slope(ybar, pred))
        briers.append(float(((y_all - pred) ** 2).mean()))
        first = pred if first is None else first
    assert first is not None, "cv_repeats is at least 1"
    return float(np.mean(c_stats)), float(np.mean(slopes)), float(np.mean(briers)), first


def calibration_groups(outcomes: np.ndarray, predicted: np.ndarray, alpha: float = 0.05) -> pd.DataFrame:
    """Observed against predicted by groups of predicted risk: tenths, or fewer groups (at
    least 30 patients each, at least 2 groups) when the treatment has few patients.

    The observed share of each group is pooled over the imputations by Rubin's rules
    (:func:`.rubin.pool_proportions`, logit scale), with its interval.
    """
    n = len(predicted)
    k = int(min(10, max(2, n // 30)))
    order = np.argsort(predicted, kind="stable")
    rows = []
    for i, idx in enumerate(np.array_split(order, k)):
        pooled = pool_proportions(outcomes[:, idx].sum(axis=1), len(idx), alpha=alpha)
        rows.append({"group": i + 1, "n": len(idx), "mean_predicted": float(predicted[idx].mean()),
                     "observed": float(pooled.estimate[0]), "observed_low": float(pooled.ci_low[0]),
                     "observed_high": float(pooled.ci_high[0])})
    return pd.DataFrame(rows)


def reason_text(row: Mapping[str, Any], name: str, timepoint: str) -> str:
    """Plain English for a performance row's ``reason_code`` ("" when estimates are shown)."""
    code = row.get("reason_code", "")
    if code == "no_patients":
        return f"no patients treated with {name} were due at {timepoint}"
    if code == "no_variation":
        return f"every patient treated with {name} due at {timepoint} had the same outcome"
    if code == "too_few":
        return (f"too few patients for a model that does not overfit: {row['parameters']} model parameters need "
                f"{row['n_required']} patients due at {timepoint} (about {row['events_required']} who did well); "
                f"the registry has {row['n']}")
    if code == "weak_discrimination":
        return (f"the model could not tell these patients apart (cross-validated c-statistic "
                f"{row['c_statistic']:.2f}; at least {row['min_c_statistic']:.2f} needed)")
    if code == "miscalibrated":
        return (f"the model's predictions were not reliable in cross-validation (calibration slope "
                f"{row['calibration_slope']:.2f}; {row['slope_low']:.1f} to {row['slope_high']:.1f} needed)")
    return ""


@dataclass
class CandidacyResult:
    """Fitted candidacy models; ``performance`` has one row per treatment."""

    definitions: Definitions
    performance: pd.DataFrame
    calibration: dict[str, pd.DataFrame]
    settings: dict[str, Any]
    models: dict[str, _Model] = field(repr=False)
    propensity: Any = field(repr=False)
    propensity_encoder: CovariateEncoder = field(repr=False)
    reference: dict[str, dict[str, Any]] = field(repr=False)
    frames: tuple[pd.DataFrame, pd.DataFrame] = field(repr=False)
    fold_models: dict[int, dict[str, _Model | None]] = field(default_factory=dict, repr=False)

    def summary(self) -> pd.DataFrame:
        return self.performance

    def to_dict(self) -> dict[str, Any]:
        return jsonable({"definitions": self.definitions.stamp(), "timepoint": self.definitions.primary_timepoint,
                         "settings": self.settings, "performance": self.performance,
                         "calibration": self.calibration})

    def shown(self, treatment: str) -> bool:
        row = self.performance.set_index("treatment")
        return treatment in row.index and bool(row.loc[treatment, "shown"])

    def predict(self, new_patient: dict[str, Any], names: Mapping[str, str] | None = None, *,
                patient_id: str | None = None) -> dict[str, dict[str, Any]]:
        """Per treatment: probability, interval, n_similar, withheld_reason, text, average.

        ``names`` gives the treatments' names for the reasons (default: codes). When
        ``patient_id`` is a registry patient, the prediction comes from the cross-fitted
        model that never saw that patient's outcome.
        """
        frame = _patient_frame(new_patient)
        e = pd.DataFrame(self.propensity.predict_proba(self.propensity_encoder.transform(frame).to_numpy(float)),
                         columns=self.propensity.classes_)
        known = patient_id is not None and str(patient_id).split("/")[0] in self.reference["_ids"]
        models = self._fold(str(patient_id)) if known else self.models
        perf = self.performance.set_index("treatment")
        return {t: self._predict_one(t, (names or {}).get(t, t), frame, float(e[t].iloc[0]) if t in e else 0.0,
                                     perf.loc[t].to_dict(), models.get(t))
                for t in TREATMENTS}

    def _predict_one(self, t: str, name: str, frame: pd.DataFrame, e_new: float, row: dict[str, Any],
                     model: _Model | None) -> dict[str, Any]:
        tp = self.definitions.primary_timepoint
        average = {k: row[f"average{s}"] for k, s in (("estimate", ""), ("ci_low", "_low"), ("ci_high", "_high"))}
        out = {"probability": None, "interval": None, "n_similar": 0, "text": "", "average": average,
               "c_statistic": row["c_statistic"], "calibration_slope": row["calibration_slope"],
               "model_shown": bool(row["shown"]), "reason_code": row["reason_code"]}
        if not row["shown"] or t not in self.reference:
            return {**out, "withheld_reason": f"{CANNOT_SAY_MORE}: {reason_text(row, name, tp)}"}
        if model is None:
            return {**out, "withheld_reason": f"{CANNOT_SAY_MORE}: too few patients once this patient's "
                                              "own outcome is left out"}
        ref = self.reference[t]
        outside = [f"{c} {frame[c].iloc[0]:.3g} outside {lo:.3g}-{hi:.3g}" for c, (lo, hi) in ref["support"].items()
                   if pd.notna(frame[c].iloc[0]) and not lo <= float(frame[c].iloc[0]) <= hi]
        x = model.design(frame)
        # Like with like: the model that predicts counts its own training patients as similar.
        out["n_similar"] = model.similar(e_new, float(model.pipeline.decision_function(x)[0]), self.settings)
        if outside:
            return {**out, "withheld_reason": f"outside the range of patients treated with {name}: "
                                              + "; ".join(outside)}
        if out["n_similar"] < self.settings["min_similar"]:
            return {**out, "withheld_reason": f"only {out['n_similar']} similar patients treated with {name} "
                                              f"(at least {self.settings['min_similar']} needed)"}
        p = float(model.pipeline.predict_proba(x)[0, 1])
        boot = np.array([m.predict_proba(x)[0, 1] for m in
                         model.bootstrap(int(self.settings["n_bootstrap"]), self.settings["seed"])])
        interval = [float(v) for v in np.quantile(boot, [0.025, 0.975])] if len(boot) > 1 else None
        text = (f"Of patients like you, about {round(p * 10)} in 10 did well with this treatment "
                f"(improved by at least {self.definitions.success_percent:g}% on the ODI without further surgery "
                f"at {tp}).")
        return {**out, "probability": p, "interval": interval, "withheld_reason": "", "text": text}

    def _fold(self, patient_id: str) -> dict[str, _Model | None]:
        """Models fitted without the patient's fold: imputation, penalty and fit (cached)."""
        k = fold_of(patient_id, int(self.settings["cv_folds"]))
        if k not in self.fold_models:
            patients, followups = self.frames
            keep = patients["patient_id"].map(lambda i: fold_of(i, int(self.settings["cv_folds"])) != k)
            kept = patients[keep.to_numpy()]
            fu = followups[followups["patient_id"].isin(kept["patient_id"])]
            cohort = Cohort.from_frames(kept, fu)
            imputations = impute_scores(cohort, [self.definitions.endpoint_instrument], self.settings["m"],
                                        self.settings["seed"])
            y = _outcomes(cohort, imputations, self.definitions)
            due = cohort.due(self.definitions.primary_timepoint)
            fitted: dict[str, _Model | None] = {}
            for t in TREATMENTS:
                if not self.shown(t):
                    continue
                rows = due & (cohort.patients["treatment"] == t).to_numpy()
                model, _, _ = _fit_treatment(cohort.patients[rows], y[:, rows], self.settings, self.settings["seed"])
                if model is not None:
                    encoded = self.propensity_encoder.transform(cohort.patients[rows]).to_numpy(float)
                    column = list(self.propensity.classes_).index(t)
                    model.propensity = self.propensity.predict_proba(encoded)[:, column]
                fitted[t] = model
            self.fold_models[k] = fitted
        return self.fold_models[k]


def _patient_frame(new_patient: dict[str, Any]) -> pd.DataFrame:
    unknown = sorted(set(new_patient) - set(CASE_MIX))
    if unknown:
        raise ValueError(f"unknown case-mix keys: {', '.join(unknown)}; expected some of {', '.join(CASE_MIX)}")
    for key, value in new_patient.items():
        col = _SPEC[key]
        if value is None or col.kind in ("str", "bool"):
            continue
        if not (col.low or 0) <= float(value) <= (col.high if col.high is not None else np.inf):
            raise ValueError(f"{key}={value} outside [{col.low}, {col.high}]")
    return pd.DataFrame([{c: new_patient.get(c, np.nan) for c in CASE_MIX}])


class CandidacyModel:
    """Fit per-treatment success models that do not overfit, with honest validation.

    Parameters
    ----------
    definitions : Definitions, optional
        The ``candidacy`` block supplies the Riley criteria, the c-statistic and
        calibration-slope thresholds, min_similar, calipers, support quantiles,
        n_bootstrap, cv_folds and cv_repeats.
    seed : int
    n_bootstrap : int, optional
        Overrides the definitions' bootstrap refits.
    n_imputations : int, optional
        Imputations when ``fit`` is not given the report's outcomes (default: definitions).
    """

    def __init__(self, definitions: Definitions | None = None, *, seed: int = 0,
                 n_bootstrap: int | None = None, n_imputations: int | None = None) -> None:
        self.definitions = definitions or load_definitions()
        self.settings = dict(self.definitions.section("candidacy"))
        if n_bootstrap is not None:
            self.settings["n_bootstrap"] = n_bootstrap
        self.n_imputations = n_imputations or self.definitions.n_imputations
        self.seed = seed

    def fit(self, patients: pd.DataFrame, followups: pd.DataFrame, *, outcomes: Any = None) -> CandidacyResult:
        """``outcomes``: the report's :class:`.timepoints.TimepointOutcomesResult` (its
        imputations and all-treated averages are reused); computed here when omitted."""
        from .timepoints import TimepointOutcomes

        check_frames(patients, followups)
        defs, s, tp = self.definitions, self.settings, self.definitions.primary_timepoint
        cohort = Cohort.from_frames(patients, followups)
        if tp not in cohort.labels:
            raise ValueError(f"primary time point {tp} not in the follow-ups")
        pts = cohort.patients
        if pts["treatment"].nunique() < 2:
            raise ValueError("candidacy models need patients given at least two different treatments "
                             "(the chance of each treatment's patients being given it is part of the model)")
        if outcomes is None:
            outcomes = TimepointOutcomes(defs, n_imputations=self.n_imputations, seed=self.seed,
                                         levels=("treatment",)).fit(patients, followups)
        y = _outcomes(cohort, outcomes.imputations, defs)
        averages = _averages(outcomes.estimates, tp)
        encoder = CovariateEncoder().fit(pts)
        encoded = encoder.transform(pts).to_numpy(float)
        propensity = ps_mod.propensity_model().fit(encoded, pts["treatment"].to_numpy())
        e = pd.DataFrame(propensity.predict_proba(encoded),
                         columns=propensity.classes_, index=pts.index)
        due = cohort.due(tp)
        settings = {**s, "timepoint": tp, "seed": self.seed, "m": int(outcomes.imputations.m),
                    "model": "ridge logistic regression per treatment, penalty by cross-validation",
                    "anticipated_r2": f"{R2_SHARE_OF_MAX:.0%} of the maximum Cox-Snell R2 (Riley et al. 2020)"}
        rows: list[dict[str, Any]] = []
        calib: dict[str, Any] = {}
        models: dict[str, Any] = {}
        reference: dict[str, Any] = {"_ids": {str(i).split("/")[0] for i in pts.index}}
        for t in TREATMENTS:
            in_t = due & (pts["treatment"] == t).to_numpy()
            model, riley, code = _fit_treatment(pts[in_t], y[:, in_t], s, self.seed)
            row = _row(t, y[:, in_t], riley, model, averages.get(t, {}), s)
            if model is not None:
                c, slope, brier, pred = _validate(model, s, self.seed)
                low, high = s["calibration_slope"]
                code = ("weak_discrimination" if not c >= s["min_c_statistic"]
                        else "" if low <= slope <= high else "miscalibrated")
                row.update(c_statistic=c, auc=c, calibration_slope=slope, brier=brier)
                calib[t] = calibration_groups(y[:, in_t], pred, 1 - defs.confidence_level)
                models[t] = model
                lo, hi = s["support_quantiles"]
                numeric = pts.loc[in_t, [c for c in CASE_MIX if c != "sex"]].astype(float)
                model.propensity = e.loc[in_t, t].to_numpy() if t in e else np.zeros(in_t.sum())
                reference[t] = {"support": {c: (numeric[c].quantile(lo), numeric[c].quantile(hi)) for c in numeric}}
            row.update(shown=code == "", reason_code=code)
            row["reason"] = reason_text(row, t, tp)
            rows.append(row)
        return CandidacyResult(defs, pd.DataFrame(rows), calib, settings, models, propensity, encoder, reference,
                               (patients, followups))


def _averages(estimates: pd.DataFrame, tp: str) -> dict[str, dict[str, float]]:
    """The all-treated (MI) success rate per treatment from the time-point outcomes."""
    est = estimates[(estimates["level"] == "treatment") & (estimates["timepoint"] == tp)
                    & (estimates["measure"] == "success") & (estimates["method"] == "mi")]
    return {r["group"]: {"average": r["estimate"], "average_low": r["ci_low"], "average_high": r["ci_high"]}
            for _, r in est.iterrows()}


def _row(t: str, outcomes: np.ndarray, riley: RileySampleSize | None, model: _Model | None,
         average: dict[str, float], s: dict[str, Any]) -> dict[str, Any]:
    low, high = s["calibration_slope"]
    n = outcomes.shape[1]
    return {"treatment": t, "n": n, "n_events": int(round(outcomes.mean(axis=0).sum())) if n else 0,
            "predictors": model.predictors if model else None,
            "parameters": riley.parameters if riley else None,
            "n_required": riley.n_required if riley else None,
            "events_required": riley.events_required if riley else None,
            "riley": riley.to_dict() if riley else None,
            "penalty_c": model.penalty if model else np.nan,
            "c_statistic": np.nan, "auc": np.nan, "calibration_slope": np.nan, "brier": np.nan,
            "min_c_statistic": s["min_c_statistic"], "slope_low": low, "slope_high": high,
            "average": average.get("average", np.nan), "average_low": average.get("average_low", np.nan),
            "average_high": average.get("average_high", np.nan)}
