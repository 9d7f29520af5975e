"""`export_registry`: write the registry (or one site) in the import format.

The files hold patient identity unless `deidentified`: then they are the de-identified file
set of `deidentify.py` (HIPAA Safe Harbor), which cannot be imported again.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from django.db import connection, transaction

from disctrack.interop import export_rows
from disctrack.interop.columns import write_cell
from disctrack.interop.csv_files import write_csv
from disctrack.interop.csv_format import TABLES, Table
from disctrack.interop.deidentify import check_allowed, deidentified_files, study_ids
from disctrack.interop.errors import ExportRefused
from disctrack.registry.models import Patient, Site

ROWS = {
    "sites.csv": export_rows.site_rows,
    "staff.csv": export_rows.staff_rows,
    "memberships.csv": export_rows.membership_rows,
    "physicians.csv": export_rows.physician_rows,
    "patients.csv": export_rows.patient_rows,
    "episodes.csv": export_rows.episode_rows,
    "imaging.csv": export_rows.imaging_rows,
    "treatments.csv": export_rows.treatment_rows,
    "responses.csv": export_rows.response_rows,
    "timepoints.csv": export_rows.timepoint_rows,
    "complications.csv": export_rows.complication_rows,
    "events.csv": export_rows.event_rows,
}


def export_registry(directory: Path, *, site: str | None = None, deidentified: bool = False,
                    force: bool = False, user=None,
                    include_free_text: bool = False) -> dict[str, int]:
    """Write every file of the format into `directory`; the number of rows per file.

    `user` and `include_free_text` concern the de-identified export only (see
    `deidentify.deidentified_files`).
    """
    if include_free_text and not deidentified:
        raise ExportRefused("--include-free-text applies to a de-identified export only (a full "
                            "export holds every free-text column already)")
    _check_directory(directory, force)
    if deidentified:
        check_allowed(user, _sites(site), include_free_text)
        # Study ids for the patients there now, in a transaction of their own, so that the
        # consistent read below makes none unless a patient was enrolled in between.
        with transaction.atomic():
            study_ids(Patient.objects.filter(site__in=_sites(site)))
    with _consistent_read():
        sites = _sites(site)
        if deidentified:
            files = deidentified_files(sites, user=user, include_free_text=include_free_text)
            directory.mkdir(parents=True, exist_ok=True)
            _remove_identified_files(directory, {file.name for file in files})
            return {file.name: write_csv(directory / file.name, file.columns, file.rows)
                    for file in files}
        scope = export_rows.Scope(sites)
        directory.mkdir(parents=True, exist_ok=True)
        return {
            table.file: _write(directory / table.file, table, ROWS[table.file](scope))
            for table in TABLES
        }


def _sites(code: str | None):
    sites = Site.objects.all()
    if code is None:
        return sites
    sites = sites.filter(code=code)
    if not sites.exists():
        known = ", ".join(Site.objects.order_by("code").values_list("code", flat=True))
        raise ExportRefused(f"unknown site {code!r} (known: {known or 'none'})")
    return sites


def _remove_identified_files(directory: Path, written: set[str]) -> None:
    """A forced de-identified export must not leave an earlier full export's files beside it."""
    for table in TABLES:
        if table.file not in written:
            (directory / table.file).unlink(missing_ok=True)


def _check_directory(directory: Path, force: bool) -> None:
    if directory.exists() and not directory.is_dir():
        raise ExportRefused(f"{directory} is a file, not a directory")
    if directory.is_dir() and any(directory.iterdir()) and not force:
        raise ExportRefused(f"{directory} is not empty; choose an empty directory, or use --force "
                            "to overwrite the export files there")


@contextmanager
def _consistent_read():
    """One snapshot of the database for every file, even while clinics keep entering data."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


def _write(path: Path, table: Table, rows) -> int:
    return write_csv(path, table.names, ([write_cell(row.get(name)) for name in table.names]
                                         for row in rows))
