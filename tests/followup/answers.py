"""Synthetic answers for whole time points, entered the way staff or patients would."""

from __future__ import annotations

from copy import deepcopy

from tests.surveys.helpers import BASELINE

CHECK_ALL_NO = {"fever": "no", "new_back_pain": "no", "leg_symptoms": "no", "hospital_visit": "no",
                "new_treatment": "no"}
# An uneventful month: ODI 20 (10 of 50 points), mild pain, much improved, no complication.
MONTH_1 = {
    "odi": {f"odi_{i}": 1 for i in range(1, 11)},
    "nrs_pain": {"back": 3, "leg": 1},
    "pgic": {"pgic": 2},
    "complication_check": CHECK_ALL_NO,
}


def month_1(**changes: dict) -> dict:
    """MONTH_1 with some instruments' items changed: month_1(nrs_pain={"leg": 7})."""
    answers = deepcopy(MONTH_1)
    for instrument, items in changes.items():
        answers[instrument].update(items)
    return answers


def enter(actor, timepoint, answers: dict, channel: str = "phone"):
    from disctrack.surveys.actions import do_enter_response

    return do_enter_response(actor, timepoint, answers, channel=channel)


def enter_baseline(actor, patient, **changes: dict):
    answers = deepcopy(BASELINE)
    for instrument, items in changes.items():
        answers[instrument].update(items)
    return enter(actor, patient.timepoints.get(code="baseline"), answers, channel="clinic")
