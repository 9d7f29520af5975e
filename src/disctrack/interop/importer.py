"""`import_directory`: load a directory of CSV files through the registry actions, all or nothing.

Every row goes through the action a page would call, inside one transaction. Every
problem in every file is collected; if there is any, the transaction is rolled back and
ImportFailed lists them, so a registry never holds half an import.
"""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from disctrack.interop.context import ImportContext
from disctrack.interop.csv_format import TABLES
from disctrack.interop.errors import ErrorLog, ImportFailed, RowError
from disctrack.interop.load_followup import (
    check_closures_by_events,
    load_complications,
    load_events,
    restore_missed,
    restore_stopped,
)
from disctrack.interop.load_patients import load_patients
from disctrack.interop.load_responses import load_responses
from disctrack.interop.load_sites import load_physicians, load_sites
from disctrack.interop.load_staff import load_memberships, load_staff
from disctrack.interop.load_treatments import (
    load_index_treatments,
    load_later_treatments,
    load_status_known,
)
from disctrack.interop.reading import read_directory

# The order in which the registry recorded things in the first place: answers and missed
# windows before a later surgery (whose protocol rule may stop follow-up), events last.
STEPS = (
    load_sites,
    load_staff,
    load_memberships,
    load_physicians,
    load_patients,
    load_index_treatments,
    load_responses,
    restore_missed,
    load_later_treatments,
    restore_stopped,
    load_status_known,
    load_complications,
    load_events,
    check_closures_by_events,
)


def import_directory(directory: Path) -> dict[str, int]:
    """Import every file of the format in `directory`; the number of rows read per file.

    Raises ImportFailed, having changed nothing, when any row is wrong.
    """
    log = ErrorLog()
    tables = read_directory(directory, log)
    with transaction.atomic():
        context = ImportContext(tables, log)
        # A missing file or a bad header would make every row that refers to it look wrong.
        if not log.unreadable_files:
            for step in STEPS:
                step(context)
        if log:
            raise ImportFailed(_in_file_order(log.errors), context.skipped)
    return {table.file: len(tables[table.file]) for table in TABLES}


def _in_file_order(errors: list[RowError]) -> list[RowError]:
    position = {table.file: index for index, table in enumerate(TABLES)}
    return sorted(errors, key=lambda error: (position[error.file], error.row or 0))
