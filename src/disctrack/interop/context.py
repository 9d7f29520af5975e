"""What the import steps share: the rows, the error log, and what each key resolved to."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from disctrack.interop.csv_format import Table
from disctrack.interop.errors import ErrorLog
from disctrack.interop.reading import Row
from disctrack.registry.audit import Actor
from disctrack.registry.models import Site

ACTOR = "system: import"

T = TypeVar("T")


@dataclass(frozen=True)
class Target:
    """Where an action's error about one field belongs in the files."""

    row: Row
    column: str
    prefix: str = ""


class ImportContext:
    """State of one import run.

    `created[kind][key]` holds what this run created (patients, episodes, treatments...);
    `failed[kind]` the keys whose row was rejected, so that rows depending on them are
    skipped quietly rather than reported as unknown references.
    """

    def __init__(self, tables: dict[str, list[Row]], log: ErrorLog) -> None:
        self.tables = tables
        self.log = log
        self.created: dict[str, dict[Any, Any]] = defaultdict(dict)
        self.failed: dict[str, set] = defaultdict(set)
        self.tainted: set[str] = set()  # registry ids with an error in any of their rows
        self.skipped = False  # some rows were not checked because a row they need failed
        # (timepoints.csv row, time point) to close or check in later steps
        self.stopped: list[tuple[Row, Any]] = []
        self.closed_by_events: list[tuple[Row, Any]] = []
        self._first_seen: dict[tuple[str, Any], int] = {}

    def rows(self, table: Table) -> list[Row]:
        return self.tables[table.file]

    def error(self, row: Row, column: str, message: str) -> None:
        self.log.add(row.file, row.number, column, message)
        if row.get("registry_id"):
            self.tainted.add(row["registry_id"])

    def first_time(self, row: Row, column: str, key: Any, label: str) -> bool:
        """False, with an error, when an earlier row of the same file has the same key."""
        first = self._first_seen.setdefault((row.file, key), row.number)
        if first != row.number:
            self.error(row, column, f"{label} is repeated (first on row {first})")
            return False
        return True

    def attempt(self, row: Row, call: Callable[[], T],
                where: Callable[[str], Target] | None = None) -> T | None:
        """Run an action; each ValidationError message becomes a row error, then None."""
        try:
            return call()
        except ValidationError as exc:
            for key, messages in _field_messages(exc):
                target = where(key) if where else Target(row, _column(key))
                for message in messages:
                    self.error(target.row, target.column, target.prefix + message)
            return None

    def skip(self) -> None:
        """A row depends on a rejected row: its own problems show once that one is fixed."""
        self.skipped = True

    def lookup(self, row: Row, kind: str, key: Any, column: str, unknown: str) -> Any:
        """What this run created for `key`; None (an error, or a quiet skip) otherwise."""
        if key in self.created[kind]:
            return self.created[kind][key]
        if key in self.failed[kind]:
            self.skip()
        else:
            self.error(row, column, unknown)
        return None

    def site(self, row: Row, column: str = "site") -> Site | None:
        code = row[column]
        if code in self.failed["site"]:
            self.skip()
            return None
        site = Site.objects.filter(code=code).first()
        if site is None:
            self.error(row, column, f"unknown site {code!r}: not in sites.csv nor in the registry")
        return site

    def actor(self, row: Row, column: str, required_for: str = "") -> Actor | None:
        """The staff user named in `column`, or the import itself when the cell is empty.

        `required_for` says what needs a named user; None means an error was logged.
        """
        name = row.get(column)
        if name is None:
            if required_for:
                self.error(row, column, f"name the staff user who {required_for}")
                return None
            return ACTOR
        if name in self.failed["staff"]:
            self.skip()
            return None
        user = get_user_model().objects.filter(username=name).first()
        if user is None:
            self.error(row, column, f"no staff user named {name!r} in staff.csv nor in the "
                       "registry")
        return user


def _field_messages(exc: ValidationError) -> list[tuple[str, list[str]]]:
    if hasattr(exc, "error_dict"):
        return list(exc.message_dict.items())
    return [("", exc.messages)]


def _column(key: str) -> str:
    return "" if key == "__all__" else key
