"""`disctrack export --deidentified`: no Safe Harbor identifier in any byte of any file.

Canary identifiers are planted in every identity field, every date and every free-text field
of synthetic patients (one aged over 89 with a ZIP code of a restricted three-digit area, one
in another US area, one Spanish, one never treated), then every file is scanned for them.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.management import CommandError, call_command
from tests.conftest import PASSWORD, enrollment_data
from tests.interop.builder import asked
from tests.interop.editing import records

from disctrack.interop.deidentify import (
    AGE_90_OR_OLDER,
    age_elements,
    deidentified_files,
    restricted_zip3,
    zip3,
)
from disctrack.interop.errors import ExportRefused
from disctrack.interop.models import StudyKey
from disctrack.registry.actions import (
    do_add_physician,
    do_adjudicate_complication,
    do_create_site,
    do_create_staff,
    do_enroll_patient,
    do_record_complication,
    do_record_event,
    do_record_treatment,
)
from disctrack.registry.models import Patient, Site
from disctrack.surveys.actions import do_correct_response, do_enter_response

pytestmark = pytest.mark.django_db

FREE_TEXT = "seen by Dr Canaryname MRN CANARY123 on 2026-03-14"
# Every identity value, every date (as the files would write it) and every typed text.
CANARIES = [
    "Canarygiven", "Canaryfamily", "CANARY123", "canary.mail@example.test", "+15555550123",
    "15555550123", "05901", "10001", "28001", "1931", "1931-07-23", "1980-03-14", "1950-02-02",
    "94", "Canarysite", "Canaryphysician", "Canarysurgeon", "canarynurse", "canarydoc",
    "canaryanalyst", "Canarystaff", "canarystaff@example.test",
    "Canaryname", "Canarynote", "Canarycage", "SN-CANARY", "Canaryreason", "Canarytown",
    "Canarycorrection", "Canaryadjudication",
    "2026-02-27", "2026-03-14", "2026-03-15", "2026-03-16", "2026-04-02", "2026-05-21",
    "2026-06-19", "2026-07-01", "2026-10-02", "09:17", "14:45", "T0", "+00:00",
]


def at(moment: str) -> datetime:
    return datetime.fromisoformat(moment).replace(tzinfo=UTC)


def _enroll(actor, site, identity: dict, diagnosed_on: date, notes: str = ""):
    data = enrollment_data(diagnosed_on=diagnosed_on, notes=notes)
    data["identity"].update(identity)
    return do_enroll_patient(actor, site, **data)


@pytest.fixture
def canaries(db):
    """Sites `usa` (New York) and `spain` (Madrid), staff, and four patients full of canaries."""
    with time_machine.travel(at("2026-03-14T09:17:00"), tick=False) as clock:
        usa = do_create_site("system: test", code="usa", name="Canarysite Clinic",
                             timezone="America/New_York")
        spain = do_create_site("system: test", code="spain", name="Canarysite Madrid",
                               timezone="Europe/Madrid")
        nurse = do_create_staff("system: test", username="canarynurse", password=PASSWORD,
                                site=usa, role="coordinator", first_name="Canarystaff",
                                last_name="Canarystaff", email="canarystaff@example.test")
        doctor = do_create_staff("system: test", username="canarydoc", password=PASSWORD,
                                 site=usa, role="clinician")
        do_create_staff("system: test", username="canaryanalyst", password=PASSWORD,
                        site=usa, role="analyst")
        physician = do_add_physician("system: test", usa, "Dr. Canaryphysician")
        surgeon = do_add_physician("system: test", usa, "Dr. Canarysurgeon")
        madrid_md = do_add_physician("system: test", spain, "Dr. Canaryphysician")

        old = _enroll(nurse, usa, {
            "given_name": "Canarygiven", "family_name": "Canaryfamily",
            "date_of_birth": date(1931, 7, 23), "email": "canary.mail@example.test",
            "mobile_phone": "+15555550123", "medical_record_number": "CANARY123",
            "postal_code": "05901"}, date(2026, 2, 27), notes=f"Canarynote {FREE_TEXT}")
        episode = old.episodes.get()
        index = do_record_treatment(doctor, episode, {
            "kind": "msc", "performed_on": date(2026, 3, 16), "levels": ["L4-L5"],
            "physician": physician, "cell_source": "autologous", "msc_count_million": 23.0,
            "volume_per_level_ml": 2.0, "image_guidance": "fluoroscopy",
            "notes": f"Canarynote {FREE_TEXT}"})
        baseline = index.timepoints.get(code="baseline")
        clock.move_to(at("2026-03-15T14:45:00"))
        stored = do_enter_response(nurse, baseline, asked(baseline, 3, 7), channel="clinic",
                                   completed_at=at("2026-03-15T14:45:00"))
        nrs = next(r for r in stored if r.instrument == "nrs_pain")
        do_correct_response(doctor, nrs, {"back": "5", "leg": "2"},
                            f"Canarycorrection {FREE_TEXT}")
        clock.move_to(at("2026-04-03T10:00:00"))
        complication = do_record_complication(nurse, episode, {
            "category": "post_injection_flare", "occurred_on": date(2026, 4, 2),
            "severity": "mild", "relatedness": "probable", "treatment": index,
            "description": FREE_TEXT})
        do_adjudicate_complication(doctor, complication, status="confirmed",
                                   note=f"Canaryadjudication {FREE_TEXT}")
        clock.move_to(at("2026-05-22T10:00:00"))
        do_record_treatment(doctor, episode, {
            "kind": "fusion", "role": "subsequent_surgery", "performed_on": date(2026, 5, 21),
            "levels": ["L4-L5"], "physician": surgeon, "fusion_approach": "TLIF",
            "instrumented": True, "reason": f"Canaryreason {FREE_TEXT}",
            "implant": "Canarycage SN-CANARY-77"})
        clock.move_to(at("2026-06-20T10:00:00"))
        do_record_event(nurse, episode, kind="withdrawal", occurred_on=date(2026, 6, 19),
                        reason="moved to Canarytown on 2026-06-19")

        clock.move_to(at("2026-07-01T10:00:00"))
        other_us = _enroll(nurse, usa, {"given_name": "Canarygiven", "postal_code": "10001-2345",
                                        "date_of_birth": date(1950, 2, 2)}, date(2026, 6, 1))
        do_record_treatment(doctor, other_us.episodes.get(), {
            "kind": "prp", "performed_on": date(2026, 7, 1), "levels": ["L3-L4"],
            "physician": physician, "volume_per_level_ml": 2.0, "image_guidance": "fluoroscopy"})
        spanish = _enroll("system: test", spain, {"family_name": "Canaryfamily"},
                          date(2026, 6, 1))
        do_record_treatment("system: test", spanish.episodes.get(), {
            "kind": "prp", "performed_on": date(2026, 7, 1), "levels": ["L3-L4"],
            "physician": madrid_md, "volume_per_level_ml": 2.0, "image_guidance": "ct"})
        clock.move_to(at("2026-10-02T10:00:00"))
        untreated = _enroll(nurse, usa, {"medical_record_number": "CANARY123-2"},
                            date(2026, 10, 2))
    return {"old": old, "other_us": other_us, "spanish": spanish, "untreated": untreated}


@pytest.fixture
def export(tmp_path):
    def run(name: str = "deid", **options) -> Path:
        directory = tmp_path / name
        with time_machine.travel(at("2026-11-01T08:00:00"), tick=False):
            call_command("export", str(directory), deidentified=True, stdout=StringIO(),
                         **options)
        return directory
    return run


def _everything(directory: Path) -> bytes:
    """Every byte of every file, less the (random, hexadecimal) study ids a canary could match."""
    everything = b"".join(path.read_bytes() for path in sorted(directory.iterdir()))
    for study_id in StudyKey.objects.values_list("study_id", flat=True):
        everything = everything.replace(study_id.encode(), b"")
    return everything


def _by_study_id(directory: Path, canaries) -> dict[str, dict[str, str]]:
    keys = dict(StudyKey.objects.values_list("patient__registry_id", "study_id"))
    rows = {row["study_id"]: row for row in records(directory, "patients.csv")}
    return {name: rows[keys[patient.registry_id]] for name, patient in canaries.items()}


def test_no_canary_is_left_in_any_byte_of_any_file(canaries, export):
    directory = export()
    everything = _everything(directory).lower()
    registry_ids = list(Patient.objects.values_list("registry_id", flat=True))
    for canary in [*CANARIES, *registry_ids]:
        assert canary.lower().encode() not in everything, canary
    assert sorted(path.name for path in directory.iterdir()) == [
        "complications.csv", "episodes.csv", "events.csv", "imaging.csv", "patients.csv",
        "responses.csv", "sites.csv", "timepoints.csv", "treatments.csv"]


def test_dates_become_days_from_the_index_treatment_or_the_year_alone(canaries, export):
    directory = export()
    patients = _by_study_id(directory, canaries)
    old = patients["old"]
    assert (old["enrolled_days_from_index"], old["enrolled_year"]) == ("-2", "")
    assert old["index_treatment_year"] == "2026"
    episodes = {row["study_id"]: row for row in records(directory, "episodes.csv")}
    assert episodes[old["study_id"]]["diagnosed_days_from_index"] == "-17"
    treatments = [row for row in records(directory, "treatments.csv")
                  if row["study_id"] == old["study_id"]]
    assert [(t["treatment_no"], t["performed_days_from_index"], t["physician"])
            for t in treatments] == [("1", "0", treatments[0]["physician"]),
                                     ("2", "66", treatments[1]["physician"])]
    assert {t["physician"] for t in treatments} <= {"P1", "P2", "P3"}
    assert treatments[0]["physician"] != treatments[1]["physician"]
    completed = {row["completed_days_from_index"] for row in records(directory, "responses.csv")
                 if row["study_id"] == old["study_id"]}
    assert completed == {"-1"}
    [complication] = records(directory, "complications.csv")
    assert complication["occurred_days_from_index"] == "17"
    [event] = records(directory, "events.csv")
    assert (event["occurred_days_from_index"], event["occurred_year"]) == ("95", "")

    untreated = patients["untreated"]
    assert (untreated["enrolled_days_from_index"], untreated["enrolled_year"]) == ("", "2026")
    assert (untreated["age_at_index_treatment"], untreated["index_treatment_year"]) == ("", "")
    assert episodes[untreated["study_id"]]["diagnosed_year"] == "2026"
    assert episodes[untreated["study_id"]]["diagnosed_days_from_index"] == ""


def test_ages_over_89_and_postal_codes_are_aggregated(canaries, export):
    patients = _by_study_id(export(), canaries)
    assert (patients["old"]["birth_year"], patients["old"]["age_at_index_treatment"]) == (
        AGE_90_OR_OLDER, AGE_90_OR_OLDER)
    assert (patients["other_us"]["birth_year"], patients["other_us"]["age_at_index_treatment"]) == (
        "1950", "76")
    assert patients["old"]["zip3"] == "000"  # 059: 20,000 or fewer people
    assert patients["other_us"]["zip3"] == "100"
    assert patients["spanish"]["zip3"] == ""  # not a US site: left out
    assert patients["spanish"]["sex"] == "female"


def test_the_study_id_is_random_kept_in_the_registry_and_stable(canaries, export):
    first = records(export("first"), "patients.csv")
    second = records(export("second"), "patients.csv")
    assert [row["study_id"] for row in first] == [row["study_id"] for row in second]
    assert StudyKey.objects.count() == len(canaries) == len(first)
    for key in StudyKey.objects.select_related("patient"):
        assert re.fullmatch(r"S-[0-9a-f]{16}", key.study_id)
        assert key.study_id.removeprefix("S-") != str(key.patient.pk)
        assert int(key.study_id.removeprefix("S-"), 16) != key.patient.pk
    # Not derived from anything about the patient: without the key, new ids are drawn.
    StudyKey.objects.all().delete()
    third = records(export("third"), "patients.csv")
    assert not {row["study_id"] for row in first} & {row["study_id"] for row in third}


def test_a_new_patient_gets_a_study_id_and_the_others_keep_theirs(canaries, export):
    before = dict(StudyKey.objects.values_list("patient_id", "study_id"))
    export("first")
    kept = dict(StudyKey.objects.values_list("patient_id", "study_id"))
    assert not before and len(kept) == 4
    with time_machine.travel(at("2026-10-20T10:00:00"), tick=False):
        _enroll("system: test", Site.objects.get(code="usa"), {}, date(2026, 10, 1))
    export("second")
    after = dict(StudyKey.objects.values_list("patient_id", "study_id"))
    assert len(after) == 5 and all(after[pk] == study_id for pk, study_id in kept.items())


def test_free_text_is_left_out_unless_asked_for(canaries, export):
    directory = export()
    assert "description" not in records(directory, "complications.csv")[0]
    assert "notes" not in records(directory, "treatments.csv")[0]
    assert "name" not in records(directory, "sites.csv")[0]


def test_free_text_without_a_user_is_refused(canaries, export, tmp_path):
    with pytest.raises(CommandError, match=r"free text can be included only for a named staff "
                       r"user \(--as USERNAME\)") as refusal:
        export(include_free_text=True)
    assert refusal.value.returncode == 2
    assert not (tmp_path / "deid").exists()
    assert not StudyKey.objects.exists()


def test_free_text_for_a_role_that_may_not_see_identity_is_refused(canaries, export):
    with pytest.raises(CommandError, match="canaryanalyst may not include free text: the role "
                       "analyst at site 'usa' does not allow seeing identity") as refusal:
        export(include_free_text=True, username="canaryanalyst", site="usa")
    assert refusal.value.returncode == 2


def test_free_text_for_sites_the_user_does_not_work_at_is_refused(canaries, export):
    with pytest.raises(CommandError, match="canarynurse has no role at site 'spain'"):
        export(include_free_text=True, username="canarynurse")


def test_an_unknown_user_and_free_text_in_a_full_export_are_refused(canaries, tmp_path):
    with pytest.raises(CommandError, match="no staff user named 'nobody'"):
        call_command("export", str(tmp_path / "a"), deidentified=True, username="nobody",
                     include_free_text=True, stdout=StringIO())
    with pytest.raises(CommandError, match="--include-free-text applies to a de-identified "
                       "export only"):
        call_command("export", str(tmp_path / "b"), include_free_text=True, stdout=StringIO())


def test_free_text_for_a_role_that_may_see_identity_is_included(canaries, export):
    directory = export(include_free_text=True, username="canarynurse", site="usa")
    [complication] = records(directory, "complications.csv")
    assert complication["description"] == FREE_TEXT
    treatments = records(directory, "treatments.csv")
    assert f"Canaryreason {FREE_TEXT}" in {row["reason"] for row in treatments}
    # Identity, dates and staff names stay out even then.
    everything = _everything(directory).decode()
    for canary in ("Canarygiven", "canary.mail@example.test", "1931", "canarynurse", "05901"):
        assert canary not in everything


def test_a_forced_deidentified_export_removes_an_earlier_full_export(canaries, tmp_path):
    call_command("export", str(tmp_path), stdout=StringIO())
    assert (tmp_path / "staff.csv").exists()
    call_command("export", str(tmp_path), deidentified=True, force=True, stdout=StringIO())
    assert not (tmp_path / "staff.csv").exists()
    assert b"Canarygiven" not in _everything(tmp_path)


def test_the_rules_can_be_called_for_a_user_without_the_command_line(canaries):
    from django.contrib.auth import get_user_model

    analyst = get_user_model().objects.get(username="canaryanalyst")
    usa = Site.objects.filter(code="usa")
    files = {file.name: file for file in deidentified_files(usa, user=analyst)}
    assert files["patients.csv"].columns[0] == "study_id"
    assert len(files["patients.csv"].rows) == 3
    with pytest.raises(ExportRefused, match="canaryanalyst has no role at site 'spain'"):
        deidentified_files(Site.objects.all(), user=analyst)


@pytest.mark.parametrize(("born", "today", "expected"), [
    (date(1936, 12, 2), date(2026, 12, 1), (1936, 89)),  # 89 today, the day before 90
    (date(1936, 12, 1), date(2026, 12, 1), (AGE_90_OR_OLDER, AGE_90_OR_OLDER)),  # 90 today
    (date(1990, 5, 1), date(2026, 12, 1), (1990, 35)),
])
def test_age_elements(born, today, expected):
    assert age_elements(born, date(2026, 3, 1), today) == expected


def test_age_elements_without_an_index_treatment():
    assert age_elements(date(1930, 1, 1), None, date(2026, 1, 1)) == (AGE_90_OR_OLDER, None)
    assert age_elements(date(1960, 1, 1), None, date(2026, 1, 1)) == (1960, None)


@pytest.mark.parametrize(("code", "timezone", "expected"), [
    ("05901", "America/New_York", "000"),
    ("89301-1234", "America/Los_Angeles", "000"),
    ("10001", "America/New_York", "100"),
    ("100011234", "America/Chicago", "100"),
    ("28001", "Europe/Madrid", ""),  # a Spanish postal code: left out
    ("28001", "US/Eastern", ""),  # an alias, not a canonical US zone: left out, never kept
    ("SW1A 1AA", "America/New_York", ""),
    ("1000", "America/New_York", ""),
    ("", "America/New_York", ""),
])
def test_zip3(code, timezone, expected):
    assert zip3(code, timezone) == expected


def test_the_restricted_areas_are_the_hhs_list():
    assert restricted_zip3() == {"036", "059", "063", "102", "203", "556", "692", "790", "821",
                                 "823", "830", "831", "878", "879", "884", "890", "893"}
