"""Inverse-probability-of-response weights for follow-up questionnaires.

At each time point a logistic regression (scikit-learn, L2 with C=1 on standardized
inputs) models whether a due patient answered, given the baseline case-mix, the
treatment, surgery so far and the last score observed before that time point (baseline if
none; carried forward with a missing indicator). Respondents are weighted by 1 / p.

Assumes responding is independent of the unseen score given these variables (missing at
random). Misleads when predicted response probabilities approach 0 (a few patients carry
huge weights: see ``max_stabilized_weight``); probabilities are bounded below at
``FLOOR`` so no weight exceeds 1 / FLOOR.
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
    """Per time point: response probabilities (NaN where not due) and diagnostics."""

    probability: pd.DataFrame
    responded: pd.DataFrame
    diagnostics: pd.DataFrame

    def weights(self, tp: str) -> np.ndarray:
        """1 / p for respondents at ``tp``, 0 for everyone else."""
        p = self.probability[tp].to_numpy()
        return np.where(self.responded[tp].to_numpy(), 1 / np.fmax(p, FLOOR), 0.0)


def _last_observed(cohort: Cohort, instrument: str, tp: str) -> pd.Series:
    scores = cohort.scores[instrument]
    earlier = ["baseline", *cohort.labels[: cohort.labels.index(tp)]]
    return scores[earlier].ffill(axis=1).iloc[:, -1]


def fit_response_weights(cohort: Cohort, instrument: str) -> ResponseWeights:
    """Fit one response model per time point over all due patients."""
    pts = cohort.patients
    base = CovariateEncoder().fit_transform(pts)
    treat = pd.get_dummies(pts["treatment"]).reindex(columns=list(TREATMENTS), fill_value=False)
    prob = pd.DataFrame(np.nan, index=pts.index, columns=cohort.labels)
    responded = pd.DataFrame(False, index=pts.index, columns=cohort.labels)
    rows = []
    for tp in cohort.labels:
        due = cohort.due(tp)
        answered = cohort.observed(tp, instrument)
        responded[tp] = answered
        last = _last_observed(cohort, instrument, tp)
        x = base.assign(last=last.fillna(last.median()), last_missing=last.isna().astype(float),
                        surgery=cohort.event_by("surgery", tp).astype(float))
        x = pd.concat([x, treat.astype(float)], axis=1).to_numpy()[due]
        y = answered[due]
        p = np.full(len(y), y.mean() if len(y) else np.nan)
        if 0 < y.sum() < len(y):
            model = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=1000))
            p = model.fit(x, y).predict_proba(x)[:, 1]
        prob.loc[due, tp] = p
        w = 1 / np.fmax(p[y], FLOOR)
        stabilized = w * y.mean() if len(y) else w
        rows.append({"timepoint": tp, "n_due": int(due.sum()), "n_responded": int(y.sum()),
                     "min_probability": float(p.min()) if len(p) else np.nan,
                     "max_stabilized_weight": float(stabilized.max()) if len(w) else np.nan,
                     "share_weight_over_10": float((stabilized > 10).mean()) if len(w) else np.nan,
                     "effective_n": float(w.sum() ** 2 / (w**2).sum()) if len(w) else 0.0})
    return ResponseWeights(prob, responded, pd.DataFrame(rows))
