"""Export, then import into an empty registry and export again: the same files."""

from __future__ import annotations

from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command
from tests.conftest import PASSWORD
from tests.interop.editing import read, records, write

from disctrack.interop.csv_format import TABLES
from disctrack.interop.exporter import export_registry
from disctrack.registry.actions import do_create_site
from disctrack.registry.models import AuditEntry, Membership, Patient, TimePoint
from disctrack.surveys.models import Response


def test_the_export_carries_everything_the_round_trip_must_keep(exported_registry, db):
    responses = records(exported_registry, "responses.csv")
    corrections = [r for r in responses if r["version"] == "2"]
    assert {(r["item"], r["answer"], r["entered_by"], r["correction_reason"]) for r in corrections} == {
        ("back", "5", "doctor", "transcription error"), ("leg", "2", "doctor", "transcription error")}
    closed = {(r["status"], r["closed_reason"]) for r in records(exported_registry,
                                                                  "timepoints.csv")}
    assert {status for status, _ in closed} == {"missed", "stopped", "withdrawn", "dead"}
    assert ("stopped", "subsequent surgery on 2026-09-10") in closed
    adjudicated = {r["status"] for r in records(exported_registry, "complications.csv")}
    assert adjudicated == {"confirmed", "rejected", "pending"}
    roles = {r["role"] for r in records(exported_registry, "treatments.csv")}
    assert roles == {"index", "subsequent_surgery", "additional"}
    assert records(exported_registry, "patients.csv")[0]["medical_record_number"] == "MRN-N-1"
    known = {r["registry_id"]: r["surgery_status_known_on"]
             for r in records(exported_registry, "episodes.csv")}
    assert known["DT-DDDD-4444"] == "2026-08-20" and known["DT-AAAA-1111"] == ""


def test_export_then_import_into_an_empty_registry_reproduces_it(exported_registry, db,
                                                                 import_day, tmp_path):
    output = StringIO()
    call_command("import", str(exported_registry), stdout=output)
    again = tmp_path / "again"
    export_registry(again)

    for table in TABLES:
        first = (exported_registry / table.file).read_text(encoding="utf-8")
        assert (again / table.file).read_text(encoding="utf-8") == first, table.file
    assert output.getvalue().startswith("Imported from ")
    assert "6 patients" in output.getvalue()


def test_imported_rows_are_audited_and_statuses_follow_the_events(exported_registry, db,
                                                                   import_day):
    call_command("import", str(exported_registry), stdout=StringIO())

    statuses = dict(Patient.objects.values_list("registry_id", "status"))
    assert statuses == {"DT-AAAA-1111": "active", "DT-BBBB-2222": "withdrawn",
                        "DT-CCCC-3333": "dead", "DT-DDDD-4444": "lost", "DT-EEEE-5555": "active",
                        "DT-FFFF-6666": "active"}
    enrolled = AuditEntry.objects.filter(model="registry.Patient", action="create")
    assert set(enrolled.values_list("actor", flat=True)) == {"system: import"}
    correction = Response.objects.get(version=2)
    assert correction.entered_by.get_username() == "doctor"
    assert AuditEntry.objects.filter(model="surveys.Response", object_id=str(correction.pk),
                                     actor="doctor", reason="transcription error").exists()
    missed = TimePoint.objects.get(patient__registry_id="DT-AAAA-1111", code="m3")
    assert AuditEntry.objects.filter(model="registry.TimePoint", object_id=str(missed.pk),
                                     reason="closure restored by import").exists()
    stopped = TimePoint.objects.get(patient__registry_id="DT-FFFF-6666", code="m12")
    assert AuditEntry.objects.filter(model="registry.TimePoint", object_id=str(stopped.pk),
                                     reason="protocol stops follow-up after surgery").exists()


def test_imported_staff_keep_their_roles_but_must_be_given_a_password(exported_registry, db,
                                                                      import_day):
    call_command("import", str(exported_registry), stdout=StringIO())

    roles = {(m.user.get_username(), m.site.code, m.role)
             for m in Membership.objects.select_related("user", "site")}
    assert roles == {("nurse", "north", "coordinator"), ("doctor", "north", "clinician"),
                     ("southdoc", "south", "clinician"), ("eastdoc", "east", "clinician")}
    doctor = get_user_model().objects.get(username="doctor")
    assert doctor.has_usable_password() and not doctor.check_password(PASSWORD)


def test_patients_can_be_added_to_a_site_that_already_exists(files, db, import_day):
    do_create_site("system: test", code="north", name="Clinic North", timezone="Europe/Madrid")
    write(files, "sites.csv", [row for row in read(files, "sites.csv") if row[0] != "north"])

    call_command("import", str(files), stdout=StringIO())

    assert Patient.objects.filter(site__code="north").count() == 3
    assert Patient.objects.filter(site__code="south").count() == 2
