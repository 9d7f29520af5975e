"""Time to subsequent surgery: Kaplan-Meier, log-rank test, cumulative incidence.

Time zero is the index treatment. A surgery within follow-up is the event, counted at its
date; otherwise
follow-up is censored at the earliest of the death date, the withdrawal date and the date
up to which the registry knew the patient's surgery status (``status_known_date``: an
answered questionnaire, a call that reached the patient, a clinic visit or treatment, a
recorded death or withdrawal, or a date staff recorded; not a recorded loss). Censoring at the last
answered questionnaire instead would take event-free non-responders out of the risk set
too early while their later surgeries still count, and bias surgery-free survival low.

Kaplan-Meier treats death as censoring, so 1 - KM overstates the chance of surgery when
deaths are common (it estimates surgery in a world without death). The Aalen-Johansen
cumulative incidence treats death as a competing risk and is the figure to quote as "the
proportion who had surgery". Both assume censoring unrelated to the risk of surgery;
patients lost to contact because they were doing badly (or well) bias them. Estimates far
out where few remain at risk are unstable: see ``n_at_risk``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from lifelines import AalenJohansenFitter, KaplanMeierFitter
from lifelines.statistics import multivariate_logrank_test

from .cohort import months_between
from .definitions import Definitions, load_definitions
from .frames import FOLLOWUP_COLUMNS, check_frames
from .results import jsonable


def surgery_times(patients: pd.DataFrame) -> pd.DataFrame:
    """Per patient: ``months`` of follow-up and ``event`` (0 censored, 1 surgery, 2 death)."""
    start = patients["treatment_date"]
    surgery = months_between(start, patients["surgery_date"])
    death = months_between(start, patients["death_date"])
    end = months_between(start, patients[["death_date", "withdrawal_date", "status_known_date"]].min(axis=1))
    # A surgery is an event only within the follow-up: one learnt of after a withdrawal
    # would count an event where a surgery-free patient would already be censored.
    event = np.where(surgery <= end, 1, np.where(~np.isnan(death) & (death <= end), 2, 0))
    months = np.where(event == 1, surgery, end)
    return pd.DataFrame({"months": np.fmax(months, 0.0), "event": event}, index=patients.index)


@dataclass
class SurgerySurvivalResult:
    """Surgery-free survival and cumulative incidence per group at fixed horizons.

    ``table`` columns: group, horizon_months, n, n_events, n_at_risk, km_surgery_free,
    km_ci_low, km_ci_high, cif_surgery, cif_ci_low, cif_ci_high, note.
    """

    definitions: Definitions
    level: str
    table: pd.DataFrame
    logrank: dict[str, Any]
    curves: dict[str, pd.DataFrame] = field(repr=False)

    def summary(self) -> pd.DataFrame:
        return self.table

    def to_dict(self) -> dict[str, Any]:
        return jsonable({"definitions": self.definitions.stamp(), "level": self.level,
                         "time_unit": "months", "table": self.table, "logrank": self.logrank})


def _no_surgery_yet(n_at_risk: int, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """Surgery-free survival 1 when nobody had surgery by the horizon, with an interval.

    The log(-log) interval collapses to [1, 1] without events, claiming certainty. Instead
    the lower bound is the exact (Clopper-Pearson) bound for no event among the patients
    followed to the horizon, (alpha/2)^(1/n): conservative, since patients censored earlier
    are left out. The cumulative incidence is 0 with the mirrored upper bound.
    """
    low = (alpha / 2) ** (1 / n_at_risk) if n_at_risk > 0 else 0.0
    return np.array([1.0, low, 1.0]), np.array([0.0, 0.0, 1 - low])


def _at(frame: pd.DataFrame, t: float) -> np.ndarray:
    """Step-function value of every column at time t."""
    idx = frame.index.searchsorted(t, side="right") - 1
    return frame.iloc[max(idx, 0)].to_numpy()


class SurgerySurvival:
    """Kaplan-Meier and Aalen-Johansen estimates of subsequent surgery per group.

    Parameters
    ----------
    definitions : Definitions, optional
        Supplies the horizons (``survival_horizons_months``) and confidence level.
    level : str
        Grouping column (``treatment_class`` or ``treatment``).
    """

    def __init__(self, definitions: Definitions | None = None, *, level: str = "treatment_class",
                 seed: int = 0) -> None:
        self.definitions = definitions or load_definitions()
        if level not in ("treatment_class", "treatment"):
            raise ValueError("level must be 'treatment_class' or 'treatment'")
        self.level = level
        self.seed = seed

    def fit(self, patients: pd.DataFrame, followups: pd.DataFrame | None = None) -> SurgerySurvivalResult:
        empty = pd.DataFrame({c.name: pd.Series(dtype=float if c.kind == "float" else object)
                              for c in FOLLOWUP_COLUMNS})
        check_frames(patients, followups if followups is not None else empty)
        times = surgery_times(patients)
        groups = patients[self.level].to_numpy()
        alpha = self.definitions.alpha
        horizons = [float(h) for h in self.definitions.raw["survival_horizons_months"]]
        rows, curves = [], {}
        for group in sorted(set(groups)):
            t = times[groups == group]
            km = KaplanMeierFitter(alpha=alpha).fit(t["months"], t["event"] == 1, label="km")
            ci = km.confidence_interval_survival_function_
            ajf = self._cumulative_incidence(t, alpha)
            curves[group] = km.survival_function_.join(ci)
            for h in horizons:
                beyond = h > t["months"].max()
                n_events = int(((t["event"] == 1) & (t["months"] <= h)).sum())
                n_at_risk = int((t["months"] >= h).sum())
                km_row = np.r_[float(km.predict(h)), _at(ci, h)[:2]]
                cif = _at(ajf, h) if ajf is not None else np.full(3, np.nan)
                if n_events == 0:
                    km_row, cif = _no_surgery_yet(n_at_risk, alpha)
                rows.append({"group": group, "horizon_months": h, "n": len(t), "n_events": n_events,
                             "n_at_risk": n_at_risk,
                             **{k: np.nan if beyond else v for k, v in zip(
                                 ("km_surgery_free", "km_ci_low", "km_ci_high"), km_row, strict=True)},
                             **{k: np.nan if beyond else v for k, v in zip(
                                 ("cif_surgery", "cif_ci_low", "cif_ci_high"), cif, strict=True)},
                             "note": "beyond longest follow-up" if beyond else ""})
        test = multivariate_logrank_test(times["months"], groups, times["event"] == 1)
        logrank = {"statistic": test.test_statistic, "df": test.degrees_of_freedom, "p_value": test.p_value,
                   "test": "log-rank (surgery; death and loss censored)"}
        return SurgerySurvivalResult(self.definitions, self.level, pd.DataFrame(rows), logrank, curves)

    def _cumulative_incidence(self, t: pd.DataFrame, alpha: float) -> pd.DataFrame | None:
        if not (t["event"] == 1).any():
            return None
        ajf = AalenJohansenFitter(alpha=alpha, seed=self.seed, calculate_variance=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ajf.fit(t["months"], t["event"], event_of_interest=1)
        return ajf.cumulative_density_.join(ajf.confidence_interval_)
