"""Candidacy: a new patient's chance of composite success under each treatment.

One logistic regression per treatment (scikit-learn, L2 with C=1 on standardized case-mix)
is fitted on that treatment's patients whose outcome at the primary time point is known
(answered, or surgery as a failure). Discrimination (AUC) and calibration (Brier score,
calibration curve by deciles of predicted risk) are measured on cross-validated
predictions (``cross_val_predict``), never on the fitting data. The interval around a
prediction is the 2.5-97.5 percentile of the predictions of models refitted on bootstrap
resamples (uncertainty of the model, not of the individual's outcome).

A prediction is withheld, with the reason, when the patient lies outside the range of
patients given that treatment (any case-mix value outside the 1st-99th percentile), or
when fewer than ``min_similar`` patients given that treatment are similar: within
``propensity_caliper`` of the new patient's probability of receiving the treatment and
within ``prognosis_caliper`` standard deviations of the model's linear predictor.

Misleads when: outcomes are missing not at random given baseline (trained on known
outcomes only); treatment choice depended on things the registry does not record (a
prediction describes patients *like this who were given* the treatment); the registry's
patients differ from the person asking.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.calibration import calibration_curve
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from . import propensity as ps_mod
from .cohort import Cohort
from .covariates import CovariateEncoder
from .definitions import Definitions, load_definitions
from .endpoints import binary_endpoints
from .frames import CASE_MIX, PATIENT_COLUMNS, TREATMENTS, check_frames
from .results import jsonable

_SPEC = {c.name: c for c in PATIENT_COLUMNS}
# Hosmer, Lemeshow & Sturdivant, Applied Logistic Regression, 3rd ed. (2013), 5.2.4: an
# AUC of 0.5 is no discrimination and 0.7-0.8 acceptable. Below 0.6 a prediction says
# little more than the treatment's average, and the reader is told so.
WEAK_AUC = 0.6


def _model():
    return make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=1000))


@dataclass
class CandidacyResult:
    """Fitted candidacy models; ``performance`` has one row per treatment."""

    definitions: Definitions
    performance: pd.DataFrame
    calibration: dict[str, pd.DataFrame]
    settings: dict[str, Any]
    encoder: CovariateEncoder = field(repr=False)
    models: dict[str, Any] = field(repr=False)
    boot_models: dict[str, list[Any]] = field(repr=False)
    propensity: Any = field(repr=False)
    reference: dict[str, dict[str, Any]] = field(repr=False)

    def summary(self) -> pd.DataFrame:
        return self.performance

    def to_dict(self) -> dict[str, Any]:
        return jsonable({"definitions": self.definitions.stamp(), "timepoint": self.definitions.primary_timepoint,
                         "settings": self.settings, "performance": self.performance,
                         "calibration": self.calibration})

    def predict(self, new_patient: dict[str, Any],
                names: Mapping[str, str] | None = None) -> dict[str, dict[str, Any]]:
        """Per treatment: probability, interval, n_similar, withheld_reason, text, auc, caution.

        ``names`` gives the treatments' names for the reasons and cautions (default: codes).
        """
        frame = _patient_frame(new_patient)
        x = self.encoder.transform(frame).to_numpy(dtype=float)
        e = pd.DataFrame(self.propensity.predict_proba(x), columns=self.propensity.classes_)
        out = {}
        for t in TREATMENTS:
            name = (names or {}).get(t, t)
            out[t] = self._predict_one(t, name, frame, x, float(e[t].iloc[0]) if t in e else 0.0)
        return out

    def _predict_one(self, t: str, name: str, frame: pd.DataFrame, x: np.ndarray,
                     e_new: float) -> dict[str, Any]:
        empty = {"probability": None, "interval": None, "n_similar": 0, "text": "", "auc": None, "caution": ""}
        if t not in self.models:
            return {**empty, "withheld_reason": f"too few registry patients treated with {name} and followed up"}
        ref = self.reference[t]
        outside = [f"{c} {frame[c].iloc[0]:.3g} outside {lo:.3g}-{hi:.3g}" for c, (lo, hi) in ref["support"].items()
                   if pd.notna(frame[c].iloc[0]) and not lo <= float(frame[c].iloc[0]) <= hi]
        lp = float(self.models[t].decision_function(x)[0])
        similar = ((np.abs(ref["propensity"] - e_new) <= self.settings["propensity_caliper"])
                   & (np.abs(ref["lp"] - lp) <= self.settings["prognosis_caliper"] * ref["lp"].std()))
        n_similar = int(similar.sum())
        if outside:
            reason = f"outside the range of patients treated with {name}: " + "; ".join(outside)
            return {**empty, "n_similar": n_similar, "withheld_reason": reason}
        if n_similar < self.settings["min_similar"]:
            return {**empty, "n_similar": n_similar,
                    "withheld_reason": f"only {n_similar} similar patients treated with {name} "
                                       f"(at least {self.settings['min_similar']} needed)"}
        p = float(self.models[t].predict_proba(x)[0, 1])
        boot = np.array([m.predict_proba(x)[0, 1] for m in self.boot_models[t]])
        interval = [float(v) for v in np.quantile(boot, [0.025, 0.975])] if len(boot) > 1 else None
        text = (f"Of patients like you, about {round(p * 10)} in 10 did well with this treatment "
                f"(improved by at least {self.definitions.success_percent:g}% on the ODI without further surgery "
                f"at {self.definitions.primary_timepoint}).")
        auc = self.performance.set_index("treatment")["auc"].get(t)
        weak = auc is None or not auc >= WEAK_AUC
        caution = (f"the registry cannot yet tell which of these patients do better (cross-validated AUC "
                   f"{auc:.2f}), so this is close to the average for {name}") if weak else ""
        return {"probability": p, "interval": interval, "n_similar": n_similar, "withheld_reason": "",
                "text": text, "auc": None if auc is None or np.isnan(auc) else float(auc), "caution": caution}


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
    """Fit per-treatment success models with cross-validated performance.

    Parameters
    ----------
    definitions : Definitions, optional
        ``candidacy`` block supplies min_similar, calipers, support quantiles,
        n_bootstrap and cv_folds.
    seed : int
    """

    def __init__(self, definitions: Definitions | None = None, *, seed: int = 0,
                 n_bootstrap: int | None = None) -> None:
        self.definitions = definitions or load_definitions()
        self.settings = self.definitions.section("candidacy")
        if n_bootstrap is not None:
            self.settings["n_bootstrap"] = n_bootstrap
        self.seed = seed

    def fit(self, patients: pd.DataFrame, followups: pd.DataFrame) -> CandidacyResult:
        check_frames(patients, followups)
        defs, s = self.definitions, self.settings
        cohort = Cohort.from_frames(patients, followups)
        tp = defs.primary_timepoint
        if tp not in cohort.labels:
            raise ValueError(f"primary time point {tp} not in the follow-ups")
        scores = cohort.scores[defs.endpoint_instrument]
        y = binary_endpoints(scores[tp].to_numpy(), scores["baseline"].to_numpy(),
                             cohort.event_by("surgery", tp), defs)["success"]
        known = cohort.due(tp) & ~np.isnan(y)
        pts = cohort.patients
        if pts["treatment"].nunique() < 2:
            raise ValueError("candidacy models need patients given at least two different treatments "
                             "(the chance of each treatment's patients being given it is part of the model)")
        encoder = CovariateEncoder().fit(pts)
        x = encoder.transform(pts).to_numpy(dtype=float)
        propensity = ps_mod.propensity_model().fit(x, pts["treatment"].to_numpy())
        e = pd.DataFrame(propensity.predict_proba(x), columns=propensity.classes_, index=pts.index)
        rng = np.random.default_rng(self.seed)
        rows, calib, models, boots, reference = [], {}, {}, {}, {}
        for t in TREATMENTS:
            rows_t = known & (pts["treatment"] == t).to_numpy()
            xt, yt = x[rows_t], y[rows_t].astype(int)
            n_events = int(yt.sum())
            row = {"treatment": t, "n": int(rows_t.sum()), "n_events": n_events}
            if min(n_events, len(yt) - n_events) < s["cv_folds"] or len(yt) < s["min_similar"]:
                rows.append({**row, "auc": np.nan, "brier": np.nan, "note": "too few patients or events"})
                continue
            cv = StratifiedKFold(s["cv_folds"], shuffle=True, random_state=self.seed)
            pred = cross_val_predict(_model(), xt, yt, cv=cv, method="predict_proba")[:, 1]
            frac, mean_pred = calibration_curve(yt, pred, n_bins=10, strategy="quantile")
            calib[t] = pd.DataFrame({"mean_predicted": mean_pred, "observed": frac})
            rows.append({**row, "auc": roc_auc_score(yt, pred), "brier": brier_score_loss(yt, pred), "note": ""})
            models[t] = _model().fit(xt, yt)
            boots[t] = [_model().fit(xt[i], yt[i]) for i in
                        (rng.integers(0, len(yt), len(yt)) for _ in range(int(s["n_bootstrap"])))
                        if 0 < yt[i].sum() < len(i)]
            lo, hi = s["support_quantiles"]
            numeric = pts.loc[rows_t, [c for c in CASE_MIX if c != "sex"]].astype(float)
            reference[t] = {"propensity": e.loc[rows_t, t].to_numpy(), "lp": models[t].decision_function(xt),
                            "support": {c: (numeric[c].quantile(lo), numeric[c].quantile(hi)) for c in numeric}}
        settings = {**s, "timepoint": tp, "model": "logistic regression per treatment, L2 C=1"}
        return CandidacyResult(defs, pd.DataFrame(rows), calib, settings, encoder, models, boots,
                               propensity, reference)
