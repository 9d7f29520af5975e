"""The set of instrument definitions, loaded from a folder of YAML files."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from .errors import InstrumentDefinitionError, UnknownInstrument
from .loader import load_definition
from .model import Instrument

DEFINITIONS_DIR = Path(__file__).parent / "definitions"

# "odi.yaml" holds the current revision; "odi.r1.yaml" keeps an older one so that
# answers stored under it can still be shown and re-scored exactly.
_ARCHIVED = re.compile(r"(?P<name>.+)\.r(?P<revision>\d+)")


class InstrumentLibrary:
    """Every instrument by name; ``get`` returns the current revision unless asked."""

    def __init__(self, directory: Path, revisions: dict[str, dict[int, Instrument]]) -> None:
        self.directory = directory
        self._revisions = {name: dict(sorted(by.items())) for name, by in sorted(revisions.items())}

    def names(self) -> tuple[str, ...]:
        return tuple(self._revisions)

    def get(self, name: str, revision: int | None = None) -> Instrument:
        """The instrument called ``name``; raises UnknownInstrument (a KeyError)."""
        if name not in self._revisions:
            raise UnknownInstrument(name, self.names())
        by_revision = self._revisions[name]
        if revision is None:
            return by_revision[max(by_revision)]
        if revision not in by_revision:
            raise UnknownInstrument(name, [str(r) for r in by_revision], revision)
        return by_revision[revision]

    def revisions(self, name: str) -> tuple[int, ...]:
        return tuple(self._revisions[name]) if name in self._revisions else ()

    def __iter__(self) -> Iterator[Instrument]:
        return (self.get(name) for name in self._revisions)

    def __len__(self) -> int:
        return len(self._revisions)

    def __contains__(self, name: object) -> bool:
        return name in self._revisions


def load_library(directory: Path | str | None = None) -> InstrumentLibrary:
    """Load and check every ``*.yaml`` in ``directory`` (default: the packaged definitions).

    Cached per folder. Raises InstrumentDefinitionError naming the file and field.
    """
    return _load(Path(directory or DEFINITIONS_DIR).resolve())


def validate_library(directory: Path | str | None = None) -> InstrumentLibrary:
    """Check every definition (run at start-up) and return the library."""
    return load_library(directory)


@lru_cache(maxsize=8)
def _load(directory: Path) -> InstrumentLibrary:
    paths = sorted(directory.glob("*.yaml"))
    if not paths:
        raise InstrumentDefinitionError(directory, "", "holds no instrument definitions (*.yaml)")
    revisions: dict[str, dict[int, Instrument]] = {}
    current: dict[str, int] = {}
    for path in paths:
        instrument = load_definition(path)
        archived = _check_file_name(path, instrument)
        by_revision = revisions.setdefault(instrument.name, {})
        if instrument.revision in by_revision:
            raise InstrumentDefinitionError(path, "revision", "another file has this revision")
        by_revision[instrument.revision] = instrument
        if not archived:
            current[instrument.name] = instrument.revision
    for name, by_revision in revisions.items():
        _check_current(directory, name, by_revision, current.get(name))
    return InstrumentLibrary(directory, revisions)


def _check_file_name(path: Path, instrument: Instrument) -> bool:
    """True for an archived revision; the file name must match name (and revision)."""
    if path.stem == instrument.name:
        return False
    match = _ARCHIVED.fullmatch(path.stem)
    if match and match["name"] == instrument.name and int(match["revision"]) == instrument.revision:
        return True
    expected = f"{instrument.name}.yaml or {instrument.name}.r{instrument.revision}.yaml"
    raise InstrumentDefinitionError(path, "name", f"file name does not match; expected {expected}")


def _check_current(
    directory: Path, name: str, by_revision: dict[int, Instrument], current: int | None
) -> None:
    if current is None:
        raise InstrumentDefinitionError(
            directory, name, f"only archived revisions; the current one belongs in {name}.yaml"
        )
    if current != max(by_revision):
        raise InstrumentDefinitionError(
            directory / f"{name}.yaml", "revision", "must be higher than every archived revision"
        )
