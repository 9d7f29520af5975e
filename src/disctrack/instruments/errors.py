"""Errors raised by the instrument library."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path


class InstrumentDefinitionError(ValueError):
    """A definition file is malformed; names the file and the field at fault."""

    def __init__(self, path: Path | str, field: str, message: str) -> None:
        self.path = str(path)
        self.field = field
        self.message = message
        where = f"{self.path}: {field}" if field else self.path
        super().__init__(f"{where}: {message}")


class UnknownInstrument(KeyError):
    """No instrument (or no such revision) has the requested name."""

    def __init__(self, name: str, known: Iterable[str], revision: int | None = None) -> None:
        self.name = name
        self.revision = revision
        self.known = tuple(known)
        super().__init__(name)

    def __str__(self) -> str:
        # KeyError.__str__ would print only the repr of the key.
        if self.revision is not None:
            return (
                f"instrument {self.name!r} has no revision {self.revision}; "
                f"known revisions: {', '.join(self.known)}"
            )
        return f"unknown instrument {self.name!r}; known instruments: {', '.join(self.known)}"


@dataclass(frozen=True)
class AnswerError:
    """One problem with one answer. ``message`` is English and omits the item code."""

    item: str
    message: str

    def __str__(self) -> str:
        return f"{self.item}: {self.message}"


class InvalidAnswers(ValueError):
    """Answers failed validation; ``errors`` lists every problem found."""

    def __init__(self, instrument: str, errors: Sequence[AnswerError]) -> None:
        self.instrument = instrument
        self.errors = list(errors)
        details = "; ".join(str(error) for error in self.errors)
        super().__init__(f"invalid answers for {instrument}: {details}")
