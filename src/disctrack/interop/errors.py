"""Row-level import errors: which file, which row, which column, and what is wrong."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RowError:
    file: str
    row: int | None  # as a spreadsheet counts: the header is row 1; None for the whole file
    column: str
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f" row {self.row}"
        if self.column:
            where += f", column {self.column}" if self.row is not None else f": column {self.column}"
        return f"{where}: {self.message}"


class ImportFailed(Exception):
    """The import was rolled back; `errors` lists every problem found, in file order.

    `skipped` says that rows referring to a rejected row were not checked further.
    """

    def __init__(self, errors: list[RowError], skipped: bool = False):
        self.errors = errors
        self.skipped = skipped
        super().__init__(f"{len(errors)} error(s); nothing was imported")


class ExportRefused(Exception):
    """The export was not written; the message says why."""


class ErrorLog:
    """Every problem found so far; the import goes on collecting after the first one."""

    def __init__(self) -> None:
        self.errors: list[RowError] = []
        self.unreadable_files: list[str] = []

    def __bool__(self) -> bool:
        return bool(self.errors)

    def add(self, file: str, row: int | None, column: str, message: str) -> None:
        self.errors.append(RowError(file, row, column, message))

    def unreadable(self, file: str, message: str, column: str = "", row: int | None = None) -> None:
        """A problem that makes a whole file unreadable (missing, bad header, not UTF-8)."""
        self.add(file, row, column, message)
        if file not in self.unreadable_files:
            self.unreadable_files.append(file)
