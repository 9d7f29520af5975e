"""A small synthetic registry built through the actions, with everything the format carries:
three sites (one on a protocol that stops follow-up at a subsequent surgery), answered and
corrected questionnaires, missed, stopped, withdrawn and dead time points, adjudicated
complications, events and subsequent surgery.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import time_machine
from tests.conftest import PASSWORD, enrollment_data, msc_treatment_data

from disctrack.interop.actions import do_restore_timepoint_closure
from disctrack.registry.actions import (
    do_add_physician,
    do_adjudicate_complication,
    do_create_site,
    do_create_staff,
    do_enroll_patient,
    do_record_complication,
    do_record_event,
    do_record_surgery_status_known,
    do_record_treatment,
    do_set_contact_preferences,
)
from disctrack.surveys.actions import (
    do_correct_response,
    do_create_link,
    do_enter_response,
    do_save_draft,
    do_submit_link,
)

STAFF = {"nurse": ("north", "coordinator"), "doctor": ("north", "clinician"),
         "southdoc": ("south", "clinician"), "eastdoc": ("east", "clinician")}
NO_FLAGS = {name: "no" for name in
            ("fever", "new_back_pain", "leg_symptoms", "hospital_visit", "new_treatment")}


def answers(odi: int, back: int, *, skip_odi_8: bool = False) -> dict[str, dict]:
    """Answers to every instrument the default protocol asks, with chosen ODI and back pain."""
    odi_items = {f"odi_{i}": odi for i in range(1, 11) if not (skip_odi_8 and i == 8)}
    return {
        "odi": odi_items,
        "nrs_pain": {"back": back, "leg": 2},
        "eq5d5l": {"mo": 2, "sc": 1, "ua": 2, "pd": 3, "ad": 1, "vas": 60},
        "promis10": {f"global{i:02d}": 3 for i in range(1, 11)},
        "work_status": {"work_status": "part_time", "not_working_due_to_back": "yes"},
        "analgesic_use": {"analgesic": "opioid", "analgesic_frequency": "some_days"},
        "pgic": {"pgic": 3},
        "complication_check": NO_FLAGS,
    }


def asked(timepoint, odi: int, back: int, **options) -> dict[str, dict]:
    every = answers(odi, back, **options)
    return {name: every[name] for name in timepoint.instruments}


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def build_registry() -> None:
    with time_machine.travel(at("2026-01-05"), tick=False) as clock:
        north = do_create_site("system: test", code="north", name="Clinic North",
                               timezone="Europe/Madrid", sms_enabled=True)
        south = do_create_site("system: test", code="south", name="Clinic South",
                               timezone="America/New_York")
        east = do_create_site("system: test", code="east", name="Clinic East",
                              timezone="Europe/Madrid", protocol="ichom")
        sites = {"north": north, "south": south, "east": east}
        staff = {name: do_create_staff("system: test", username=name, password=PASSWORD,
                                       site=sites[site], role=role)
                 for name, (site, role) in STAFF.items()}
        north_md = do_add_physician("system: test", north, "Dr. Ana Norte")
        surgeon = do_add_physician("system: test", north, "Dr. Luis Vega")
        south_md = do_add_physician("system: test", south, "Dr. Sam South")
        _index_msc_with_correction(clock, staff, north, north_md, surgeon)
        _withdrawn_bmc(clock, staff, north, north_md)
        _fusion_then_death(clock, staff, south, south_md)
        _stopped_by_surgery(clock, staff["eastdoc"], east)
        _lost_prp(clock, north, north_md)
        do_enroll_patient(staff["southdoc"], south, registry_id="DT-EEEE-5555",
                          **enrollment_data(diagnosed_on=date(2026, 10, 1)))


def _enroll(actor, site, registry_id: str, diagnosed_on: date, **identity):
    data = enrollment_data(diagnosed_on=diagnosed_on)
    data["identity"].update(identity)
    return do_enroll_patient(actor, site, registry_id=registry_id, **data)


def _index_msc_with_correction(clock, staff, north, north_md, surgeon) -> None:
    patient = _enroll(staff["nurse"], north, "DT-AAAA-1111", date(2026, 1, 2),
                      medical_record_number="MRN-N-1")
    episode = patient.episodes.get()
    index = do_record_treatment(staff["doctor"], episode,
                                msc_treatment_data(north_md, performed_on=date(2026, 1, 20)))
    baseline = index.timepoints.get(code="baseline")
    clock.move_to(at("2026-01-15", 8))
    link, _ = do_create_link(staff["nurse"], baseline)
    for name, values in asked(baseline, 3, 7, skip_odi_8=True).items():
        do_save_draft(link, name, {k: str(v) for k, v in values.items()}, language="es")
    clock.move_to(at("2026-01-15", 9))
    do_submit_link(link, language="es")
    clock.move_to(at("2026-02-23"))
    do_record_complication(staff["doctor"], episode, {
        "category": "post_injection_flare", "occurred_on": date(2026, 1, 22),
        "severity": "mild", "relatedness": "probable", "treatment": index,
        "description": "Flare, two days"})
    m1 = index.timepoints.get(code="m1")
    stored = do_enter_response(staff["nurse"], m1, asked(m1, 2, 4), channel="phone",
                               completed_at=at("2026-02-22", 17))
    complication = episode.complications.get()
    do_adjudicate_complication(staff["doctor"], complication, status="confirmed",
                               note="Typical flare", severity="moderate")
    clock.move_to(at("2026-03-01"))
    nrs = next(r for r in stored if r.instrument == "nrs_pain")
    do_correct_response(staff["doctor"], nrs, {"back": "5", "leg": "2"}, "transcription error")
    clock.move_to(at("2026-06-01"))
    do_restore_timepoint_closure("system: worker", index.timepoints.get(code="m3"),
                                 status="missed", closed_reason="window closed without answers")
    clock.move_to(at("2026-09-20"))
    do_record_treatment(staff["doctor"], episode, {
        "kind": "fusion", "role": "subsequent_surgery", "performed_on": date(2026, 9, 15),
        "levels": ["L4-L5"], "physician": surgeon, "fusion_approach": "TLIF",
        "instrumented": True, "reason": "persistent pain", "implant": "PEEK cage"})


def _withdrawn_bmc(clock, staff, north, north_md) -> None:
    clock.move_to(at("2026-02-20"))
    patient = _enroll(staff["nurse"], north, "DT-BBBB-2222", date(2026, 2, 10),
                      given_name="Bea", medical_record_number="MRN-N-2")
    episode = patient.episodes.get()
    index = do_record_treatment(staff["doctor"], episode, {
        "kind": "bmc", "performed_on": date(2026, 3, 1), "levels": ["L5-S1"],
        "physician": north_md, "total_nucleated_cells_million": 410.5,
        "volume_per_level_ml": 1.5, "image_guidance": "ct", "notes": "line one\nline two, \"quoted\""})
    baseline = index.timepoints.get(code="baseline")
    do_enter_response(staff["nurse"], baseline, asked(baseline, 4, 8), channel="clinic")
    clock.move_to(at("2026-05-01"))
    do_restore_timepoint_closure("system: worker", index.timepoints.get(code="m1"), status="missed")
    clock.move_to(at("2026-05-12"))
    do_record_complication("system: test", episode, {
        "category": "harvest_site_pain", "occurred_on": date(2026, 3, 2), "severity": "mild",
        "relatedness": "definite", "treatment": index})
    do_record_event(staff["nurse"], episode, kind="withdrawal", occurred_on=date(2026, 5, 10),
                    reason="moved abroad")


def _fusion_then_death(clock, staff, south, south_md) -> None:
    clock.move_to(at("2026-01-25"))
    patient = _enroll(staff["southdoc"], south, "DT-CCCC-3333", date(2026, 1, 20),
                      given_name="Carmen", medical_record_number="MRN-S-3", email="")
    do_set_contact_preferences(staff["southdoc"], patient, sms_opt_out=True, language="es",
                               reason="patient asked")
    episode = patient.episodes.get()
    index = do_record_treatment(staff["southdoc"], episode, {
        "kind": "fusion", "performed_on": date(2026, 2, 10), "levels": ["L4-L5", "L5-S1"],
        "physician": south_md, "fusion_approach": "ALIF", "instrumented": False})
    baseline = index.timepoints.get(code="baseline")
    do_enter_response(staff["southdoc"], baseline, asked(baseline, 5, 9), channel="paper",
                      language="es", completed_at=at("2026-01-24", 15))
    clock.move_to(at("2026-06-01"))
    do_record_complication(staff["southdoc"], episode, {
        "category": "dural_tear", "occurred_on": date(2026, 2, 10), "severity": "moderate",
        "relatedness": "possible", "treatment": index})
    do_record_treatment(staff["southdoc"], episode, {
        "kind": "conservative", "role": "additional", "performed_on": date(2026, 6, 1),
        "levels": ["L4-L5"], "physician": south_md, "components": ["physiotherapy", "cbt"],
        "sessions": 12, "duration_weeks": 8})
    do_adjudicate_complication(staff["southdoc"], episode.complications.get(), status="rejected",
                               note="Incidental, repaired")
    clock.move_to(at("2026-08-03"))
    do_record_event(staff["southdoc"], episode, kind="death", occurred_on=date(2026, 8, 1))


def _lost_prp(clock, north, north_md) -> None:
    clock.move_to(at("2026-03-25"))
    patient = _enroll("system: test", north, "DT-DDDD-4444", date(2026, 3, 20),
                      given_name="Dario", sex="male", medical_record_number="MRN-N-4")
    episode = patient.episodes.get()
    index = do_record_treatment("system: test", episode, {
        "kind": "prp", "performed_on": date(2026, 4, 1), "levels": ["L3-L4"],
        "physician": north_md, "volume_per_level_ml": 2.0, "image_guidance": "fluoroscopy"})
    clock.move_to(at("2026-08-21"))
    do_record_surgery_status_known("system: test", episode, known_on=date(2026, 8, 20),
                                   reason="seen in clinic, no operation")
    clock.move_to(at("2026-10-05"))
    do_restore_timepoint_closure("system: test", index.timepoints.get(code="m3"), status="stopped",
                                 closed_reason="not in protocol default v1")
    do_record_event("system: test", episode, kind="lost_to_follow_up",
                    occurred_on=date(2026, 10, 1), reason="no answer by phone or letter")


def _stopped_by_surgery(clock, eastdoc, east) -> None:
    """The ICHOM protocol ends a biologic's follow-up at a subsequent surgery."""
    clock.move_to(at("2026-01-26"))
    physician = do_add_physician("system: test", east, "Dr. Eva Este")
    patient = _enroll(eastdoc, east, "DT-FFFF-6666", date(2026, 1, 10), given_name="Flor",
                      medical_record_number="MRN-E-6")
    episode = patient.episodes.get()
    index = do_record_treatment(eastdoc, episode, msc_treatment_data(physician, date(2026, 2, 1)))
    baseline = index.timepoints.get(code="baseline")
    do_enter_response(eastdoc, baseline, asked(baseline, 3, 6), channel="clinic")
    clock.move_to(at("2026-08-05"))
    m6 = index.timepoints.get(code="m6")
    do_enter_response(eastdoc, m6, asked(m6, 2, 3), channel="phone")
    clock.move_to(at("2026-09-12"))
    do_record_treatment(eastdoc, episode, {
        "kind": "fusion", "role": "subsequent_surgery", "performed_on": date(2026, 9, 10),
        "levels": ["L4-L5"], "physician": physician, "fusion_approach": "PLIF",
        "reason": "no improvement after injection"})
