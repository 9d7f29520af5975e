"""Reading and changing cells of the exported files, as someone with a spreadsheet would."""

from __future__ import annotations

import csv
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command


def read(directory: Path, file: str) -> list[list[str]]:
    with (directory / file).open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def write(directory: Path, file: str, rows: list[list[str]]) -> None:
    with (directory / file).open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def records(directory: Path, file: str) -> list[dict[str, str]]:
    header, *rows = read(directory, file)
    return [dict(zip(header, row, strict=True)) for row in rows]


def row_number(directory: Path, file: str, **match: str) -> int:
    """The spreadsheet row number (header = 1) of the first row with these values."""
    for number, record in enumerate(records(directory, file), start=2):
        if all(record[name] == value for name, value in match.items()):
            return number
    raise AssertionError(f"no row of {file} has {match}")


def set_cell(directory: Path, file: str, number: int, column: str, value: str) -> None:
    rows = read(directory, file)
    rows[number - 1][rows[0].index(column)] = value
    write(directory, file, rows)


def drop_column(directory: Path, file: str, column: str) -> None:
    rows = read(directory, file)
    position = rows[0].index(column)
    write(directory, file, [row[:position] + row[position + 1:] for row in rows])


def import_errors(directory: Path) -> list[str]:
    """The error lines of a failed import (exit status 2, nothing imported)."""
    stderr = StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("import", str(directory), stdout=StringIO(), stderr=stderr)
    assert failure.value.returncode == 2
    assert "nothing was imported" in str(failure.value)
    return stderr.getvalue().splitlines()
