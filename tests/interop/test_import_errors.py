"""A bad file set is refused with every row-level error, and nothing of it is loaded."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from tests.interop.editing import drop_column, import_errors, read, row_number, set_cell, write

from disctrack.registry.models import AuditEntry, Patient, Site, Treatment

pytestmark = pytest.mark.usefixtures("db", "import_day")


def _nothing_loaded(audit_before: int) -> None:
    assert Site.objects.count() == 0
    assert Patient.objects.count() == 0
    assert AuditEntry.objects.count() == audit_before


def test_an_error_in_the_last_file_loads_nothing(files):
    last = row_number(files, "events.csv", kind="lost_to_follow_up")
    set_cell(files, "events.csv", last, "kind", "holiday")
    audit_before = AuditEntry.objects.count()

    errors = import_errors(files)

    assert errors == [f"events.csv row {last}, column kind: 'holiday' is not an event; use "
                      "withdrawal, death, lost_to_follow_up"]
    _nothing_loaded(audit_before)


def test_errors_in_several_files_are_all_reported_in_file_order(files):
    bad_date = row_number(files, "treatments.csv", kind="prp")
    set_cell(files, "treatments.csv", bad_date, "performed_on", "2026-13-01")
    set_cell(files, "patients.csv", 6, "site", "nowhere")
    back = row_number(files, "responses.csv", registry_id="DT-CCCC-3333", item="back")
    set_cell(files, "responses.csv", back, "answer", "11")

    errors = import_errors(files)

    assert errors[:3] == [
        "patients.csv row 6, column site: unknown site 'nowhere': not in sites.csv nor in the "
        "registry",
        f"treatments.csv row {bad_date}, column performed_on: '2026-13-01' is not a date "
        "(YYYY-MM-DD)",
        f"responses.csv row {back}, column answer: nrs_pain item back: 11 is not a whole number "
        "from 0 to 10",
    ]
    assert errors[-1].startswith("Rows that refer to a rejected row were not checked further")


def test_a_missing_required_file_is_named(files):
    (files / "patients.csv").unlink()
    assert import_errors(files) == [
        "patients.csv: required file is missing (it may hold only the header row)"
    ]


def test_optional_files_may_be_absent(files):
    for name in ("events.csv", "complications.csv", "timepoints.csv", "responses.csv"):
        (files / name).unlink()
    call_command("import", str(files), stdout=StringIO())
    assert Patient.objects.filter(status="active").count() == 6


def test_closed_time_points_must_agree_with_the_events(files):
    (files / "events.csv").unlink()
    errors = import_errors(files)
    withdrawn = row_number(files, "timepoints.csv", registry_id="DT-BBBB-2222", timepoint="m3")
    assert errors[0] == (
        f"timepoints.csv row {withdrawn}, column status: after the events of events.csv the time "
        "point is pending (''), not withdrawn ('Withdrawal on 2026-05-10')"
    )


def test_an_unknown_column_is_refused(files):
    rows = read(files, "treatments.csv")
    write(files, "treatments.csv", [rows[0] + ["shoe_size"]] + [row + ["42"] for row in rows[1:]])
    errors = import_errors(files)
    assert len(errors) == 1
    assert errors[0].startswith("treatments.csv row 1, column shoe_size: unknown column; "
                                "treatments.csv has registry_id, episode_no, treatment_no, kind")


def test_a_missing_required_column_is_named(files):
    drop_column(files, "treatments.csv", "performed_on")
    assert import_errors(files) == [
        "treatments.csv row 1, column performed_on: required column is missing"
    ]


def test_an_optional_column_may_be_left_out(files):
    drop_column(files, "treatments.csv", "notes")
    call_command("import", str(files), stdout=StringIO())
    assert not Treatment.objects.exclude(notes="").exists()


def test_an_unknown_registry_id_is_named(files):
    set_cell(files, "events.csv", 2, "registry_id", "DT-ZZZZ-9999")
    assert import_errors(files) == [
        "events.csv row 2, column registry_id: unknown registry id DT-ZZZZ-9999: not in "
        "patients.csv"
    ]


def test_importing_the_same_files_twice_names_each_existing_row(files):
    call_command("import", str(files), stdout=StringIO())
    audit_before = AuditEntry.objects.count()

    errors = import_errors(files)

    assert errors[:3] == [f"sites.csv row {number}, column code: site {code!r} already exists in "
                          "the registry" for number, code in ((2, "east"), (3, "north"), (4, "south"))]
    assert "patients.csv row 2, column registry_id: patient DT-AAAA-1111 already exists in the " \
           "registry" in errors
    assert Patient.objects.count() == 6
    assert AuditEntry.objects.count() == audit_before


def test_a_patient_listed_twice_is_refused(files):
    rows = read(files, "patients.csv")
    write(files, "patients.csv", rows + [rows[1]])
    assert import_errors(files) == [
        f"patients.csv row {len(rows) + 1}, column registry_id: patient DT-AAAA-1111 is repeated "
        "(first on row 2)"
    ]


def test_a_correction_needs_a_known_staff_user(files):
    corrected = row_number(files, "responses.csv", version="2")
    rows = read(files, "responses.csv")
    for row in rows[1:]:
        if row[rows[0].index("version")] == "2":
            row[rows[0].index("entered_by")] = "ghost"
    write(files, "responses.csv", rows)
    assert import_errors(files) == [
        f"responses.csv row {corrected}, column entered_by: no staff user named 'ghost' in "
        "staff.csv nor in the registry"
    ]


def test_the_answers_of_one_time_point_share_their_channel(files):
    second = row_number(files, "responses.csv", registry_id="DT-BBBB-2222", item="leg")
    first = row_number(files, "responses.csv", registry_id="DT-BBBB-2222")
    set_cell(files, "responses.csv", second, "channel", "paper")
    assert import_errors(files) == [
        f"responses.csv row {second}, column channel: 'paper' differs from row {first} "
        "('clinic'); the rows of one time point share one channel"
    ]


def test_a_required_answer_left_out_is_named(files):
    rows = read(files, "responses.csv")
    gone = row_number(files, "responses.csv", registry_id="DT-CCCC-3333", item="back")
    write(files, "responses.csv", [row for number, row in enumerate(rows, start=1)
                                   if number != gone])
    first_nrs = row_number(files, "responses.csv", registry_id="DT-CCCC-3333",
                           instrument="nrs_pain")
    assert import_errors(files) == [
        f"responses.csv row {first_nrs}, column item: nrs_pain item back: an answer is required"
    ]


def test_an_answered_time_point_cannot_also_be_closed(files):
    missed = row_number(files, "timepoints.csv", registry_id="DT-AAAA-1111", status="missed")
    set_cell(files, "timepoints.csv", missed, "timepoint", "m1")
    assert import_errors(files) == [
        f"timepoints.csv row {missed}, column status: 1 month is already answered"
    ]


def test_an_adjudication_names_the_clinician(files):
    confirmed = row_number(files, "complications.csv", status="confirmed")
    set_cell(files, "complications.csv", confirmed, "adjudicated_by", "")
    assert import_errors(files) == [
        f"complications.csv row {confirmed}, column adjudicated_by: name the staff user who "
        "adjudicated the complication"
    ]


def test_a_surgery_status_date_before_the_index_treatment_is_named(files):
    row = row_number(files, "episodes.csv", registry_id="DT-DDDD-4444")
    set_cell(files, "episodes.csv", row, "surgery_status_known_on", "2026-03-30")

    assert import_errors(files) == [
        f"episodes.csv row {row}, column surgery_status_known_on: The surgery status cannot be "
        "known before the index treatment (Intradiscal platelet-rich plasma on 2026-04-01)"]
