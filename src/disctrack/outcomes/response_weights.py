"""Inverse-probability-of-response weights for follow-up questionnaires.

Registry drop-out is mostly monotone: a patient who stops answering rarely comes back, and
whether a patient answers at 12 months depends on how they did when they last answered
and how long ago that was. At each time point a logistic regression (scikit-learn, L2
with C=1 on standardized inputs) models whether a due patient without a subsequent
surgery answered (a surgery is a known outcome and needs no weight), given:

* the baseline case-mix and the treatment;
* the last score answered before the time point, and whether any follow-up had been
  answered at all (without it a patient who never answered after baseline looks like one
  whose score has not changed);
* the number of earlier follow-ups answered, whether the previous one was answered, and
  the months since the last answer (time since the registry last heard from them).

A recorded loss to follow-up is not a predictor: nobody recorded as lost answers, so it
would leave no respondent to stand for them. Lost patients are represented by respondents
with the same history (long since the last answer, few answers).

Respondents are weighted by 1 / p. Assumes responding is independent of the unseen score
given these variables (missing at random). Misleads when predicted response
probabilities approach 0 (a few patients carry huge weights: see the diagnostics beside
each estimate); probabilities are bounded below at ``FLOOR`` so no weight exceeds
1 / FLOOR.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from .cohort import Cohort
from .covariates import CovariateEncoder
from .frames import TREATMENTS

FLOOR = 0.02


@dataclass
class ResponseWeights:
    """Per time point: response probabilities (NaN where not modelled) and diagnostics."""

    probability: pd.DataFrame
    responded: pd.DataFrame
    diagnostics: pd.DataFrame

    def weights(self, tp: str) -> np.ndarray:
        """1 / p for modelled respondents at ``tp``, 0 for everyone else."""
        p = self.probability[tp].to_numpy()
        answered = self.responded[tp].to_numpy() & ~np.isnan(p)
        return np.where(answered, 1 / np.fmax(np.nan_to_num(p, nan=1.0), FLOOR), 0.0)


def history(cohort: Cohort, instrument: str, tp: str) -> pd.DataFrame:
    """What the registry knew of each patient's answers before ``tp``."""
    labels = cohort.labels[: cohort.labels.index(tp)]
    scores = cohort.scores[instrument]
    answered = np.column_stack([cohort.observed(t, instrument) for t in labels]) if labels \
        else np.zeros((len(scores), 0), dtype=bool)
    months = cohort.timepoints[labels].to_numpy(float)
    last_month = np.where(answered, months, -np.inf).max(axis=1, initial=-np.inf)
    last_month = np.where(np.isfinite(last_month), last_month, 0.0)
    earlier = scores[["baseline", *labels]].where(np.column_stack([np.ones(len(scores), dtype=bool), answered]))
    last = earlier.ffill(axis=1).iloc[:, -1]
    return pd.DataFrame({
        "last_score": last.fillna(last.median() if last.notna().any() else 0.0),
        "last_score_missing": last.isna().astype(float),
        "any_followup_answered": answered.any(axis=1).astype(float),
        "n_answered_before": answered.sum(axis=1).astype(float),
        "previous_answered": answered[:, -1].astype(float) if labels else 0.0,
        "months_since_last_answer": float(cohort.timepoints[tp]) - last_month,
    }, index=scores.index)


def fit_response_weights(cohort: Cohort, instrument: str) -> ResponseWeights:
    """Fit one response model per time point over the due patients without surgery."""
    pts = cohort.patients
    base = CovariateEncoder().fit_transform(pts)
    treat = pd.get_dummies(pts["treatment"]).reindex(columns=list(TREATMENTS), fill_value=False)
    prob = pd.DataFrame(np.nan, index=pts.index, columns=cohort.labels)
    responded = pd.DataFrame(False, index=pts.index, columns=cohort.labels)
    rows = []
    for tp in cohort.labels:
        modelled = cohort.due(tp) & ~cohort.event_by("surgery", tp)
        answered = cohort.observed(tp, instrument)
        responded[tp] = answered
        x = pd.concat([base, treat.astype(float), history(cohort, instrument, tp)], axis=1).to_numpy()[modelled]
        y = answered[modelled]
        p = np.full(len(y), y.mean() if len(y) else np.nan)
        if 0 < y.sum() < len(y):
            model = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=1000))
            p = model.fit(x, y).predict_proba(x)[:, 1]
        prob.loc[modelled, tp] = p
        rows.append({"timepoint": tp, "n_modelled": int(modelled.sum()), "n_responded": int(y.sum()),
                     **weight_diagnostics(p[y], y.mean() if len(y) else np.nan)})
    return ResponseWeights(prob, responded, pd.DataFrame(rows))


def weight_diagnostics(p_respondents: np.ndarray, response_rate: float) -> dict[str, float]:
    """Minimum probability, largest stabilized weight, share over 10, effective n (Kish)."""
    if len(p_respondents) == 0:
        return {"min_probability": np.nan, "max_stabilized_weight": np.nan,
                "share_weight_over_10": np.nan, "effective_n": 0.0}
    w = 1 / np.fmax(p_respondents, FLOOR)
    stabilized = w * response_rate
    return {"min_probability": float(p_respondents.min()), "max_stabilized_weight": float(stabilized.max()),
            "share_weight_over_10": float((stabilized > 10).mean()),
            "effective_n": float(w.sum() ** 2 / (w**2).sum())}
