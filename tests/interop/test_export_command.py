"""`disctrack export`: refuses to mix with other files, one site, de-identified files."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from tests.interop.editing import import_errors, read, records

from disctrack.interop.csv_format import IDENTITY_COLUMNS, TABLES

pytestmark = pytest.mark.usefixtures("db", "import_day")


@pytest.fixture
def imported(exported_registry):
    call_command("import", str(exported_registry), stdout=StringIO())


def test_a_directory_that_is_not_empty_is_refused_unless_forced(imported, tmp_path):
    (tmp_path / "notes.txt").write_text("keep me")
    with pytest.raises(CommandError, match="is not empty; choose an empty directory, or use "
                       "--force") as refusal:
        call_command("export", str(tmp_path), stdout=StringIO())
    assert refusal.value.returncode == 2
    assert not (tmp_path / "sites.csv").exists()

    call_command("export", str(tmp_path), force=True, stdout=StringIO())
    assert len(records(tmp_path, "patients.csv")) == 6
    assert (tmp_path / "notes.txt").read_text() == "keep me"


def test_the_export_warns_that_it_holds_identity(imported, tmp_path):
    output = StringIO()
    call_command("export", str(tmp_path / "out"), stdout=output)
    assert "These files contain patient identity" in output.getvalue()


def test_one_site_only(imported, tmp_path):
    call_command("export", str(tmp_path), site="south", stdout=StringIO())
    assert [r["code"] for r in records(tmp_path, "sites.csv")] == ["south"]
    assert {r["site"] for r in records(tmp_path, "physicians.csv")} == {"south"}
    for table in (table for table in TABLES if "registry_id" in table.names):
        ids = {r["registry_id"] for r in records(tmp_path, table.file)}
        assert ids <= {"DT-CCCC-3333", "DT-EEEE-5555"}, table.file
    assert {r["registry_id"] for r in records(tmp_path, "patients.csv")} == {
        "DT-CCCC-3333", "DT-EEEE-5555"}


def test_an_unknown_site_is_refused(imported, tmp_path):
    with pytest.raises(CommandError, match="unknown site 'west' \\(known: east, north, south\\)"):
        call_command("export", str(tmp_path / "out"), site="west", stdout=StringIO())


def test_a_site_exported_then_imported_again_is_refused_row_by_row(imported, tmp_path):
    call_command("export", str(tmp_path / "south"), site="south", stdout=StringIO())
    errors = import_errors(tmp_path / "south")
    assert errors[:-1] == ["sites.csv row 2, column code: site 'south' already exists in the registry",
                           "staff.csv row 2, column username: staff user 'southdoc' already "
                           "exists in the registry",
                      "patients.csv row 2, column registry_id: patient DT-CCCC-3333 already "
                      "exists in the registry",
                      "patients.csv row 3, column registry_id: patient DT-EEEE-5555 already "
                      "exists in the registry"]
    assert errors[-1].startswith("Rows that refer to a rejected row were not checked further")


def test_deidentified_files_leave_out_identity_and_cannot_be_imported(imported, tmp_path):
    output = StringIO()
    call_command("export", str(tmp_path), deidentified=True, stdout=output)

    header = read(tmp_path, "patients.csv")[0]
    assert header == ["study_id", "site", "language", "enrolled_days_from_index", "enrolled_year",
                      "email_opt_out", "sms_opt_out", "sex", "birth_year",
                      "age_at_index_treatment", "index_treatment_year", "zip3"]
    assert not (tmp_path / "staff.csv").exists()
    assert not (tmp_path / "memberships.csv").exists()
    everything = "".join(path.read_text() for path in tmp_path.iterdir())
    for secret in ("MRN-N-1", "Synthetic", "1980-03-14", "+34600123456", "28001", "DT-AAAA-1111",
                   "nurse", "Dr. Ana Norte", "2026-01-20"):
        assert secret not in everything
    assert not {column.name for column in IDENTITY_COLUMNS} - {"sex"} & set(header)
    assert "cannot be imported again" in output.getvalue()
    assert import_errors(tmp_path) == [
        "patients.csv row 1: has no identity columns: a de-identified export cannot be imported"
    ]
