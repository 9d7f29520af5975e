"""Build synthetic patients through the registry actions, with answers giving chosen scores."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from tests.conftest import enrollment_data, msc_treatment_data

from disctrack.registry.actions import do_enroll_patient, do_record_treatment
from disctrack.surveys.actions import do_enter_response

FIXED_ANSWERS = {
    "eq5d5l": {"mo": 2, "sc": 1, "ua": 2, "pd": 3, "ad": 1, "vas": 60},
    "promis10": {**{f"global{i:02d}": 3 for i in range(1, 11)}, "global07": 5},
    "work_status": {"work_status": "full_time"},
    "analgesic_use": {"analgesic": "none"},
    "pgic": {"pgic": 2},
    "complication_check": {name: "no" for name in
                           ("fever", "new_back_pain", "leg_symptoms", "hospital_visit", "new_treatment")},
}


def odi_answers(odi: int) -> dict[str, int]:
    """Ten ODI sections summing to odi / 2 points (ODI = points x 2 with all ten answered)."""
    points = odi // 2
    if odi % 2 or not 0 <= points <= 50:
        raise ValueError("choose an even ODI between 0 and 100")
    per_item = [points // 10 + (1 if i < points % 10 else 0) for i in range(10)]
    return {f"odi_{i + 1}": value for i, value in enumerate(per_item)}


def answers_for(timepoint, *, odi: int, back: int = 5, leg: int = 3) -> dict[str, dict]:
    answers = {"odi": odi_answers(odi), "nrs_pain": {"back": back, "leg": leg}}
    return {name: answers.get(name) or FIXED_ANSWERS[name] for name in timepoint.instruments}


def answer(actor, patient, code: str, *, odi: int, on: date | None = None, channel: str = "paper",
           treatment=None, **pain) -> None:
    """Staff enter the questionnaire of time point ``code``, completed on ``on`` (default: its
    target date)."""
    timepoints = patient.timepoints.filter(code=code)
    timepoint = timepoints.get(treatment=treatment) if treatment else timepoints.get()
    on = on or timepoint.target_on
    completed = datetime(on.year, on.month, on.day, 12, tzinfo=UTC)
    do_enter_response(actor, timepoint, answers_for(timepoint, odi=odi, **pain),
                      channel=channel, completed_at=completed)


def enroll_treated(actor, site, physician, *, performed_on: date, kind: str = "msc",
                   **identity) -> object:
    """A patient enrolled and given an index treatment of ``kind`` on ``performed_on``."""
    data = enrollment_data(diagnosed_on=performed_on - timedelta(days=30))
    data["identity"].update(identity)
    patient = do_enroll_patient(actor, site, **data)
    do_record_treatment(actor, patient.episodes.get(), treatment_data(kind, physician, performed_on))
    return patient


def treatment_data(kind: str, physician, performed_on: date) -> dict:
    if kind == "msc":
        return msc_treatment_data(physician, performed_on)
    data = {"kind": kind, "performed_on": performed_on, "levels": ["L4-L5"], "physician": physician}
    if kind == "bmc":
        data.update(total_nucleated_cells_million=800.0, volume_per_level_ml=2.0, image_guidance="fluoroscopy",
                    cell_source="autologous")
    if kind == "fusion":
        data.update(fusion_approach="TLIF", instrumented=True)
    if kind == "conservative":
        data.update(components=["physiotherapy", "cbt"], sessions=12, duration_weeks=8)
    return data
