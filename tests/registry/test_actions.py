"""Registry actions validate their input, store nothing on an error, and audit every write."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from tests.conftest import enrollment_data, msc_treatment_data

from disctrack.registry.actions import (
    do_adjudicate_complication,
    do_enroll_patient,
    do_record_complication,
    do_record_event,
    do_record_treatment,
    do_set_imaging,
    do_update_episode,
    do_update_identity,
    do_update_treatment,
)
from disctrack.registry.models import AuditEntry, LevelImaging, Patient, TimePointStatus

NOW = "2026-03-10 12:00:00+00:00"


def _entries(patient, model: str, action: str):
    return AuditEntry.objects.filter(registry_id=patient.registry_id, model=model, action=action)


def test_enrolling_stores_identity_episode_and_imaging_and_audits_each(personas):
    patient = do_enroll_patient(personas.coordinator, personas.site_a, **enrollment_data())
    assert patient.identity.family_name == "Synthetic"
    episode = patient.episodes.get()
    assert episode.levels == ["L4-L5", "L5-S1"]
    assert [(row.level, row.pfirrmann_grade) for row in episode.imaging.order_by("level")] == [
        ("L4-L5", 4), ("L5-S1", 3)]
    created = set(AuditEntry.objects.filter(registry_id=patient.registry_id, action="create")
                  .values_list("model", flat=True))
    assert created == {"registry.Patient", "registry.PatientIdentity", "registry.Episode",
                       "registry.LevelImaging"}
    assert _entries(patient, "registry.LevelImaging", "create").count() == 2


def test_enrolling_names_each_bad_field_and_stores_nothing(personas):
    data = enrollment_data(levels=["L9-L9"])
    data["identity"]["email"] = "not-an-address"
    with pytest.raises(ValidationError) as caught:
        do_enroll_patient(personas.coordinator, personas.site_a, **data)
    assert set(caught.value.message_dict) == {"identity.email", "episode.levels"}
    assert Patient.objects.count() == 0
    assert not AuditEntry.objects.exclude(registry_id="").exists()


def test_bad_imaging_is_keyed_by_row_and_rolls_back_the_patient(personas):
    data = enrollment_data()
    data["imaging"][1]["pfirrmann_grade"] = 9
    with pytest.raises(ValidationError) as caught:
        do_enroll_patient(personas.coordinator, personas.site_a, **data)
    assert "imaging[1].pfirrmann_grade" in caught.value.message_dict
    assert Patient.objects.count() == 0


def test_date_of_birth_in_the_future_is_refused(personas):
    data = enrollment_data()
    data["identity"]["date_of_birth"] = date.today() + timedelta(days=30)
    with pytest.raises(ValidationError) as caught:
        do_enroll_patient(personas.coordinator, personas.site_a, **data)
    assert caught.value.message_dict["identity.date_of_birth"] == ["The date of birth cannot be in the future"]


@time_machine.travel(NOW, tick=False)
def test_an_earlier_enrolment_keeps_its_time_and_a_future_or_naive_one_is_refused(personas):
    earlier = datetime(2025, 6, 2, 9, 30, tzinfo=UTC)
    patient = do_enroll_patient(personas.coordinator, personas.site_a, **enrollment_data(), enrolled_at=earlier)
    assert Patient.objects.get(pk=patient.pk).enrolled_at == earlier
    for moment, message in ((datetime(2026, 3, 11, tzinfo=UTC), "The enrolment time cannot be in the future."),
                            (datetime(2025, 6, 2, 9, 30), "Give the enrolment time with its time zone.")):
        with pytest.raises(ValidationError) as caught:
            do_enroll_patient(personas.coordinator, personas.site_a, **enrollment_data(), enrolled_at=moment)
        assert caught.value.message_dict["enrolled_at"] == [message]
    assert Patient.objects.count() == 1


def test_index_treatment_lays_out_time_points_and_audits_them(personas):
    patient = do_enroll_patient(personas.coordinator, personas.site_a, **enrollment_data())
    treatment = do_record_treatment(personas.coordinator, patient.episodes.get(),
                                    msc_treatment_data(personas.physician_a))
    assert treatment.role == "index"
    codes = list(patient.timepoints.values_list("code", flat=True))
    assert codes[:3] == ["baseline", "m1", "m3"]
    assert _entries(patient, "registry.TimePoint", "create").count() == len(codes)


def test_msc_without_a_dose_is_refused_with_the_field_named(personas):
    patient = do_enroll_patient(personas.coordinator, personas.site_a, **enrollment_data())
    data = msc_treatment_data(personas.physician_a)
    del data["msc_count_million"]
    with pytest.raises(ValidationError) as caught:
        do_record_treatment(personas.coordinator, patient.episodes.get(), data)
    assert "msc_count_million" in caught.value.message_dict
    assert not patient.timepoints.exists()


def test_a_physician_of_another_site_is_refused(personas):
    patient = do_enroll_patient(personas.coordinator, personas.site_a, **enrollment_data())
    with pytest.raises(ValidationError) as caught:
        do_record_treatment(personas.coordinator, patient.episodes.get(),
                            msc_treatment_data(personas.physician_b))
    assert "physician" in caught.value.message_dict


def test_moving_the_treatment_date_moves_pending_time_points_and_audits_old_and_new(patient, personas):
    treatment = patient.episodes.get().treatments.get()
    old_target = patient.timepoints.get(code="m3").target_on
    do_update_treatment(personas.coordinator, treatment, {"performed_on": date(2026, 2, 15)},
                        reason="date was mistyped")
    m3 = patient.timepoints.get(code="m3")
    assert m3.target_on == date(2026, 5, 15)
    moved = _entries(patient, "registry.TimePoint", "update").get(object_id=str(m3.pk))
    assert moved.changes["target_on"] == [old_target.isoformat(), "2026-05-15"]
    assert moved.reason == "rescheduled: date was mistyped"


def test_a_correction_needs_a_reason(patient, personas):
    treatment = patient.episodes.get().treatments.get()
    with pytest.raises(ValidationError) as caught:
        do_update_treatment(personas.coordinator, treatment, {"msc_count_million": 30.0}, reason=" ")
    assert "reason" in caught.value.message_dict
    treatment.refresh_from_db()
    assert treatment.msc_count_million == 23.0


def test_identity_correction_records_old_and_new_value_with_the_reason(patient, personas):
    do_update_identity(personas.coordinator, patient, {"family_name": "Synthetica"}, "spelling")
    entry = _entries(patient, "registry.PatientIdentity", "update").get()
    assert entry.changes == {"family_name": ["Synthetic", "Synthetica"]}
    assert entry.reason == "spelling"
    assert entry.actor == "coordinator"


def test_imaging_of_an_imaged_level_can_be_corrected(patient, personas):
    episode = patient.episodes.get()
    do_set_imaging(personas.coordinator, episode,
                   [{"level": "L4-L5", "pfirrmann_grade": 5, "modic": 2}], "MRI re-read")
    assert list(episode.imaging.values_list("level", "pfirrmann_grade", "modic")) == [("L4-L5", 5, 2)]
    assert _entries(patient, "registry.LevelImaging", "update").get().changes["pfirrmann_grade"] == [4, 5]
    assert _entries(patient, "registry.LevelImaging", "delete").count() == 1


def test_imaging_refuses_a_level_twice(patient, personas):
    episode = patient.episodes.get()
    rows = [{"level": "L4-L5", "pfirrmann_grade": 5}, {"level": "L4-L5", "pfirrmann_grade": 3}]
    with pytest.raises(ValidationError) as caught:
        do_set_imaging(personas.coordinator, episode, rows, "MRI re-read")
    assert caught.value.message_dict["imaging"] == ["A level has two imaging rows"]
    assert LevelImaging.objects.filter(episode=episode).count() == 2


def test_the_diagnosis_cannot_move_after_the_first_treatment(patient, personas):
    episode = patient.episodes.get()
    with pytest.raises(ValidationError) as caught:
        do_update_episode(personas.coordinator, episode, {"diagnosed_on": date(2026, 3, 1)}, "typo")
    assert "diagnosed_on" in caught.value.message_dict
    episode.refresh_from_db()
    assert episode.diagnosed_on == date(2026, 1, 5)


@time_machine.travel(NOW, tick=False)
def test_death_closes_pending_time_points_and_marks_the_patient(patient, personas):
    do_record_event(personas.clinician, patient.episodes.get(), kind="death", occurred_on=date(2026, 3, 1))
    patient.refresh_from_db()
    assert patient.status == "dead"
    assert not patient.timepoints.filter(status=TimePointStatus.PENDING).exists()
    assert _entries(patient, "registry.Event", "create").count() == 1


@time_machine.travel(NOW, tick=False)
def test_events_and_complications_cannot_be_dated_in_the_future(patient, personas):
    episode = patient.episodes.get()
    with pytest.raises(ValidationError) as caught:
        do_record_event(personas.clinician, episode, kind="lost_to_follow_up", occurred_on=date(2026, 4, 1))
    assert "occurred_on" in caught.value.message_dict
    data = {"category": "discitis", "occurred_on": date(2026, 4, 1), "severity": "severe",
            "relatedness": "probable"}
    with pytest.raises(ValidationError) as caught:
        do_record_complication(personas.clinician, episode, data)
    assert "occurred_on" in caught.value.message_dict
    assert not episode.events.exists() and not episode.complications.exists()


@time_machine.travel(NOW, tick=False)
def test_adjudication_needs_a_note_and_is_audited(patient, personas):
    episode = patient.episodes.get()
    complication = do_record_complication(personas.coordinator, episode, {
        "category": "discitis", "occurred_on": date(2026, 2, 20), "severity": "severe",
        "relatedness": "probable", "treatment": episode.treatments.get()})
    with pytest.raises(ValidationError) as caught:
        do_adjudicate_complication(personas.clinician, complication, status="confirmed", note="")
    assert "adjudication_note" in caught.value.message_dict
    do_adjudicate_complication(personas.clinician, complication, status="confirmed",
                               note="MRI shows endplate oedema", severity="moderate")
    complication.refresh_from_db()
    assert (complication.status, complication.severity) == ("confirmed", "moderate")
    entry = _entries(patient, "registry.Complication", "update").get()
    assert entry.changes["status"] == ["pending", "confirmed"]
    assert entry.reason == "MRI shows endplate oedema"
