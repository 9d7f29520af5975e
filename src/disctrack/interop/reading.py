"""Reading the files of an import directory into checked rows, collecting every error."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from disctrack.interop.columns import CellError
from disctrack.interop.csv_files import restore
from disctrack.interop.csv_format import PATIENTS, TABLES, Table
from disctrack.interop.errors import ErrorLog


@dataclass
class Row:
    """One data row: the values of its non-empty cells, read as their column's kind."""

    file: str
    number: int
    values: dict[str, Any] = field(default_factory=dict)
    readable: bool = True  # False when a cell could not be read (the error is logged)

    def get(self, name: str, default: Any = None) -> Any:
        return self.values.get(name, default)

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    def pick(self, *names: str) -> dict[str, Any]:
        """The given columns that have a value, for an action's data dict."""
        return {name: self.values[name] for name in names if name in self.values}


DEIDENTIFIED = "has no identity columns: a de-identified export cannot be imported"


def read_directory(directory: Path, log: ErrorLog) -> dict[str, list[Row]]:
    """Every file of the format found in `directory`, by file name (absent ones are empty).

    A de-identified export (its patients.csv names study ids) is refused with one error
    rather than one for every column it lacks.
    """
    if _names_study_ids(directory / PATIENTS.file):
        log.unreadable(PATIENTS.file, DEIDENTIFIED, row=1)
        return {table.file: [] for table in TABLES}
    return {table.file: read_table(directory / table.file, table, log) for table in TABLES}


def _names_study_ids(path: Path) -> bool:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            header = next(csv.reader(handle), [])
    except (OSError, UnicodeDecodeError, csv.Error):
        return False
    return "study_id" in (name.strip() for name in header)


def read_table(path: Path, table: Table, log: ErrorLog) -> list[Row]:
    if not path.is_file():
        if table.required_file:
            log.unreadable(table.file, "required file is missing (it may hold only the header row)")
        return []
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        log.unreadable(table.file, f"is not UTF-8 text (bad byte at offset {exc.start})")
        return []
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        log.unreadable(table.file, f"is not valid CSV ({exc})")
        return []
    if not records:
        log.unreadable(table.file, "is empty: the first row must name the columns")
        return []
    header = [name.strip() for name in records[0]]
    if not _header_ok(header, table, log):
        return []
    return [
        _read_row(table, header, number, cells, log)
        for number, cells in enumerate(records[1:], start=2)
        if any(cell.strip() for cell in cells)
    ]


def _header_ok(header: list[str], table: Table, log: ErrorLog) -> bool:
    before = len(log.errors)
    identity = {column.name for column in table.columns if column.identity and column.required}
    if identity and not identity & set(header):
        log.unreadable(table.file, DEIDENTIFIED, row=1)
        return False
    for position, name in enumerate(header):
        if name not in table.names:
            log.unreadable(table.file, f"unknown column; {table.file} has {', '.join(table.names)}",
                           column=name or "(blank)", row=1)
        elif name in header[:position]:
            log.unreadable(table.file, "the column is named twice", column=name, row=1)
    for column in table.columns:
        if column.required and column.name not in header:
            log.unreadable(table.file, "required column is missing", column=column.name, row=1)
    return len(log.errors) == before


def _read_row(table: Table, header: list[str], number: int, cells: list[str],
              log: ErrorLog) -> Row:
    row = Row(table.file, number)
    if len(cells) > len(header):
        log.add(table.file, number, "", f"has {len(cells)} cells but the header names {len(header)}")
        row.readable = False
    present = dict(zip(header, cells, strict=False))
    for column in table.columns:
        text = restore(present.get(column.name, ""))  # the spreadsheet's text mark, if any
        if not text.strip():
            if column.required:
                log.add(table.file, number, column.name, "a value is required")
                row.readable = False
            continue
        try:
            row.values[column.name] = column.read(text)
        except CellError as exc:
            log.add(table.file, number, column.name, str(exc))
            row.readable = False
    return row
