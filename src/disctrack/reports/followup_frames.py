"""The ``followups`` frame: one row per expected time point, scores from current responses.

The current response of an instrument at a time point is its highest submitted version (a
correction is a new version; drafts never count).

Each time point's state as of ``as_of`` is the one the completeness page shows
(``followup.completeness.timepoint_state``: answered, missed, stopped, withdrawn, dead,
open, upcoming), mapped to the outcome package's statuses:

* ``answered``, ``missed``, ``withdrawn`` and ``dead`` are kept (a time point closed by a
  death or withdrawal recorded after its window closed is already ``missed``: it was due
  and never answered).
* ``open`` is ``pending``; ``upcoming`` is ``not_due``.
* ``stopped`` (the protocol stopped follow-up, e.g. after a subsequent surgery) is
  ``stopped`` once its window has closed: the patient is due, a surgery by then is a known
  failure, and the time point is outside completeness (the patient was not asked). Before
  its window closes it is ``pending`` or ``not_due`` by its window, like any other.

Channels: ``clinic`` (staff entered it on a tablet in clinic) becomes ``staff``.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
from django.db.models import QuerySet

from disctrack.followup.completeness import timepoint_state
from disctrack.outcomes.frames import FOLLOWUP_COLUMNS
from disctrack.registry.models import Channel, TimePoint, Treatment
from disctrack.surveys.models import Response, ResponseStatus

SCORE_KEYS = {"odi": ("odi",), "nrs_pain": ("nrs_back", "nrs_leg"),
              "eq5d5l": ("eq5d_index_us",), "pgic": ("pgic",)}
SCORES = tuple(key for keys in SCORE_KEYS.values() for key in keys)
BASELINE_SCORES = ("odi", "nrs_back", "nrs_leg")
CHANNELS = {Channel.WEB: "web", Channel.PAPER: "paper", Channel.PHONE: "phone", Channel.CLINIC: "staff"}
STATUS_OF_STATE = {"open": "pending", "upcoming": "not_due"}
TIMEPOINT_FIELDS = ("id", "treatment_id", "code", "months", "status", "channel", "opens_on", "closes_on")


def followup_frame(index: QuerySet[Treatment], base: pd.DataFrame,
                   as_of: date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The followups frame of the index treatments in ``base``, and their baseline scores
    (``baseline_odi``, ...) keyed by treatment id."""
    rows = (TimePoint.objects.filter(treatment__in=index).annotate(state=timepoint_state(as_of))
            .values_list(*TIMEPOINT_FIELDS, "state"))
    tps = pd.DataFrame.from_records(list(rows), columns=[*TIMEPOINT_FIELDS, "state"])
    tps = tps.merge(base[["treatment_id", "patient_id"]], on="treatment_id", how="inner")
    tps["status"] = _status(tps, as_of)
    answered = tps["status"] == "answered"
    tps["channel"] = tps["channel"].map(CHANNELS).where(answered, None)
    tps = tps.merge(_current_scores(index), left_on="id", right_index=True, how="left")
    for name in SCORES:
        tps[name] = tps[name].astype(float).where(answered)
    tps = tps.rename(columns={"code": "timepoint"}).assign(months=tps["months"].astype(float))
    baseline = tps.loc[tps["timepoint"] == "baseline", ["treatment_id", *BASELINE_SCORES]]
    baseline = baseline.rename(columns={name: f"baseline_{name}" for name in BASELINE_SCORES})
    followups = tps[[c.name for c in FOLLOWUP_COLUMNS]].reset_index(drop=True)
    return followups, baseline


def _status(tps: pd.DataFrame, as_of: date) -> pd.Series:
    states = tps["state"]
    status = states.replace(STATUS_OF_STATE)
    stopped = states == "stopped"
    closes = pd.to_datetime(tps["closes_on"])
    opens = pd.to_datetime(tps["opens_on"])
    today = pd.Timestamp(as_of)
    waiting = np.where(opens <= today, "pending", "not_due")
    return status.where(~stopped | (closes < today), pd.Series(waiting, index=tps.index))


def _current_scores(index: QuerySet[Treatment]) -> pd.DataFrame:
    """Scores per time point id from the highest submitted version of each instrument.

    One query per instrument, each reading only its own score keys: a large registry has
    millions of responses, and most columns of a combined query would be empty.
    """
    parts = []
    for instrument, keys in SCORE_KEYS.items():
        rows = (Response.objects.filter(timepoint__treatment__in=index, status=ResponseStatus.SUBMITTED,
                                        instrument=instrument)
                .values_list("timepoint_id", "version", *(f"scores__{key}" for key in keys)))
        frame = pd.DataFrame.from_records(list(rows), columns=["id", "version", *keys])
        current = frame.sort_values("version").drop_duplicates("id", keep="last").set_index("id")
        parts.append(current[list(keys)].apply(pd.to_numeric, errors="coerce"))
    return pd.concat(parts, axis=1)
