"""Cell values of the CSV format: how each kind of column is read and written.

Empty means missing. Dates are ISO (YYYY-MM-DD), moments ISO 8601 with a UTC offset,
booleans `true`/`false`, lists `;`-separated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any


class CellError(ValueError):
    """A cell's text cannot be read as its column's kind; the message says why."""


_WHOLE_NUMBER = re.compile(r"[+-]?\d+")


def _read_text(text: str) -> str:
    return text


def _read_code(text: str) -> str:
    return text.strip()


def _read_date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise CellError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _read_moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise CellError(f"{text!r} is not a date and time (YYYY-MM-DDTHH:MM:SS+00:00)") from None
    if moment.tzinfo is None:
        raise CellError(f"{text!r} has no UTC offset; write it like 2026-03-01T09:30:00+00:00")
    return moment.astimezone(UTC)


def _read_bool(text: str) -> bool:
    value = text.strip()
    if value not in ("true", "false"):
        raise CellError(f"{text!r} is not true or false")
    return value == "true"


def _read_int(text: str) -> int:
    if not _WHOLE_NUMBER.fullmatch(text.strip()):
        raise CellError(f"{text!r} is not a whole number")
    return int(text)


def _read_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise CellError(f"{text!r} is not a number") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise CellError(f"{text!r} is not a finite number")
    return value


def _read_list(text: str) -> list[str]:
    parts = [part.strip() for part in text.split(";")]
    if any(not part for part in parts):
        raise CellError(f"{text!r} has an empty entry; separate entries with a single ;")
    return parts


READERS = {
    "text": _read_text,
    "code": _read_code,
    "date": _read_date,
    "moment": _read_moment,
    "bool": _read_bool,
    "int": _read_int,
    "float": _read_float,
    "list": _read_list,
}


@dataclass(frozen=True)
class Column:
    """One column of a file.

    `required` columns must be in the header and have a value in every row; any other
    column may be left out of the file, which is the same as leaving it empty.
    `identity` columns identify a person (a patient, or a staff member by name) and are left
    out of a de-identified export.
    """

    name: str
    kind: str = "code"
    required: bool = False
    identity: bool = False

    def read(self, text: str) -> Any:
        """The value of a non-empty cell; raises CellError."""
        return READERS[self.kind](text)


def write_cell(value: Any) -> str:
    """The text of a value as the reader of its column expects it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ";".join(str(part) for part in value)
    return str(value)
