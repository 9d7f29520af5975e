"""`export_registry`: write the registry (or one site) in the import format.

The files hold patient identity unless `deidentified`; a de-identified file set lacks the
columns an import needs and cannot be imported again.
"""

from __future__ import annotations

import csv
from contextlib import contextmanager
from pathlib import Path

from django.db import connection, transaction

from disctrack.interop import export_rows
from disctrack.interop.columns import write_cell
from disctrack.interop.csv_format import TABLES, Table
from disctrack.interop.errors import ExportRefused
from disctrack.registry.models import Site

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
                    force: bool = False) -> dict[str, int]:
    """Write every file of the format into `directory`; the number of rows per file."""
    _check_directory(directory, force)
    with _consistent_read():
        sites = Site.objects.all()
        if site is not None:
            sites = sites.filter(code=site)
            if not sites.exists():
                known = ", ".join(Site.objects.order_by("code").values_list("code", flat=True))
                raise ExportRefused(f"unknown site {site!r} (known: {known or 'none'})")
        scope = export_rows.Scope(sites)
        directory.mkdir(parents=True, exist_ok=True)
        return {
            table.file: _write(directory / table.file, table, deidentified, ROWS[table.file](scope))
            for table in TABLES
        }


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


def _write(path: Path, table: Table, deidentified: bool, rows) -> int:
    columns = [column.name for column in table.exported_columns(deidentified)]
    count = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([write_cell(row.get(name)) for name in columns])
            count += 1
    return count
