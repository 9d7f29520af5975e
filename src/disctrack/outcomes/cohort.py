"""Reshape the input frames into per-patient, per-time-point matrices used by all methods.

Time points are placed at their nominal offset (the median ``months`` of their label).
Rules applied here, and so everywhere in the package:

* A patient is *due* at a time point when the follow-up row says ``answered``, ``missed``
  or ``stopped`` (follow-up stopped by the protocol after a surgery) and the patient had
  not died or withdrawn by then. ``pending`` (window still
  open) and ``not_due`` rows are not due. Deaths and withdrawals by the time point are
  removed from the due denominator and counted separately.
* A subsequent surgery dated on or before the time point makes the binary endpoints a
  known failure at that time point, answered or not.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .frames import SCORES

DAYS_PER_MONTH = 30.4375
DUE_STATUSES = ("answered", "missed", "stopped")


def months_between(start: pd.Series, end: pd.Series) -> np.ndarray:
    """Months from start to end (NaN where end is NaT)."""
    return ((end - start).dt.days / DAYS_PER_MONTH).to_numpy(dtype=float)


@dataclass
class Cohort:
    """Matrices indexed by patient (rows, sorted by id) and time point (columns).

    Attributes
    ----------
    patients : DataFrame
        The patients frame indexed by ``patient_id`` with added ``surgery_months``,
        ``death_months``, ``withdrawal_months``, ``lost_months`` and ``known_months``
        (months to ``status_known_date``).
    timepoints : Series
        Nominal months per post-baseline time point label, in time order.
    status : DataFrame
        Follow-up status per patient and time point (``not_due`` where no row exists).
    scores : dict of DataFrame
        Answered scores per instrument, including a ``baseline`` column.
    """

    patients: pd.DataFrame
    timepoints: pd.Series
    status: pd.DataFrame
    scores: dict[str, pd.DataFrame]

    @classmethod
    def from_frames(cls, patients: pd.DataFrame, followups: pd.DataFrame) -> Cohort:
        pts = patients.set_index("patient_id").sort_index()
        start = pts["treatment_date"]
        for event in ("surgery", "death", "withdrawal", "lost"):
            pts[f"{event}_months"] = months_between(start, pts[f"{event}_date"])
        pts["known_months"] = months_between(start, pts["status_known_date"])
        post = followups[followups["timepoint"] != "baseline"]
        tps = post.groupby("timepoint")["months"].median().sort_values()
        status = (post.pivot(index="patient_id", columns="timepoint", values="status")
                  .reindex(index=pts.index, columns=tps.index).fillna("not_due"))
        answered = followups[followups["status"] == "answered"]
        scores = {}
        for name in SCORES:
            wide = (answered.pivot(index="patient_id", columns="timepoint", values=name)
                    .reindex(index=pts.index, columns=["baseline", *tps.index]).astype(float))
            if f"baseline_{name}" in pts:
                wide["baseline"] = pts[f"baseline_{name}"].astype(float)
            scores[name] = wide
        return cls(pts, tps, status, scores)

    @property
    def labels(self) -> list[str]:
        return list(self.timepoints.index)

    def event_by(self, event: str, tp: str) -> np.ndarray:
        """Whether ``event`` (surgery, death, withdrawal) happened on or before ``tp``."""
        return (self.patients[f"{event}_months"] <= self.timepoints[tp]).to_numpy()

    def excluded(self, tp: str) -> tuple[np.ndarray, np.ndarray]:
        """Patients removed from the denominator at ``tp``: (dead, withdrawn)."""
        status = self.status[tp].to_numpy()
        dead = self.event_by("death", tp) | (status == "dead")
        withdrawn = ~dead & (self.event_by("withdrawal", tp) | (status == "withdrawn"))
        return dead, withdrawn

    def due(self, tp: str) -> np.ndarray:
        dead, withdrawn = self.excluded(tp)
        return self.status[tp].isin(DUE_STATUSES).to_numpy() & ~dead & ~withdrawn

    def observed(self, tp: str, instrument: str) -> np.ndarray:
        """Due, answered, and both the score and its baseline present."""
        s = self.scores[instrument]
        return self.due(tp) & s[tp].notna().to_numpy() & s["baseline"].notna().to_numpy()

    def group_codes(self, level: str) -> pd.Series:
        """Treatment group per patient at ``level`` (``treatment_class`` or ``treatment``)."""
        return self.patients[level]
