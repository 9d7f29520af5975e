"""Outcome definitions fixed in advance and versioned (``v1.yaml``, ...).

A definitions file says what counts as a responder, a success and a failure, the minimal
important change per instrument, the primary time point and the analysis settings. Every
result carries :meth:`Definitions.stamp` so a published number can be traced to the exact
text it was computed under.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).parent
_TOP_KEYS = {
    "version", "title", "instruments", "responder", "success", "failure", "summary_instruments",
    "primary_timepoint", "confidence_level", "n_imputations", "n_bootstrap", "min_cell_size",
    "tipping_deltas", "survival_horizons_months", "candidacy", "comparison", "funnel",
}
CURRENT = "v2"
"""The version used unless another is asked for; earlier versions stay loadable."""


class DefinitionsError(ValueError):
    """A definitions file is incomplete or inconsistent."""


@dataclass(frozen=True)
class Instrument:
    """Minimal important change of one instrument (lower score = better)."""

    name: str
    label: str
    mic_points: float
    mic_percent: float
    source: str


@dataclass(frozen=True)
class Definitions:
    """Validated outcome definitions; build with :func:`load_definitions`.

    Attributes mirror the YAML keys. ``raw`` keeps the parsed mapping and ``text`` the file
    exactly as read, so that what was used can be shown verbatim.
    """

    version: str
    text: str
    raw: dict[str, Any] = field(repr=False)
    instruments: dict[str, Instrument] = field(repr=False)

    @property
    def primary_timepoint(self) -> str:
        return str(self.raw["primary_timepoint"])

    @property
    def confidence_level(self) -> float:
        return float(self.raw["confidence_level"])

    @property
    def alpha(self) -> float:
        return 1.0 - self.confidence_level

    @property
    def n_imputations(self) -> int:
        return int(self.raw["n_imputations"])

    @property
    def n_bootstrap(self) -> int:
        return int(self.raw["n_bootstrap"])

    @property
    def min_cell_size(self) -> int:
        return int(self.raw["min_cell_size"])

    @property
    def success_percent(self) -> float:
        return float(self.raw["success"]["min_percent_improvement"])

    @property
    def endpoint_instrument(self) -> str:
        return str(self.raw["success"]["instrument"])

    @property
    def summary_instruments(self) -> list[str]:
        return [str(s) for s in self.raw["summary_instruments"]]

    def section(self, name: str) -> dict[str, Any]:
        """A nested settings block such as ``candidacy`` or ``comparison``."""
        return dict(self.raw[name])

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode()).hexdigest()

    def stamp(self) -> dict[str, Any]:
        """Version, checksum and the plain-language definitions, for every ``to_dict()``."""
        return {
            "version": self.version,
            "sha256": self.sha256,
            "responder": self.raw["responder"]["text"],
            "success": self.raw["success"]["text"],
            "failure": self.raw["failure"]["text"],
            "scores_after_surgery": (self.raw.get("scores_after_surgery") or {}).get(
                "text", "Mean scores include scores observed or imputed after a subsequent surgery."),
            "mic": {k: {"points": i.mic_points, "percent": i.mic_percent, "source": i.source}
                    for k, i in self.instruments.items()},
        }


def _require(cond: bool, message: str) -> None:
    if not cond:
        raise DefinitionsError(message)


def parse_definitions(text: str) -> Definitions:
    """Validate YAML text and return :class:`Definitions`.

    Raises
    ------
    DefinitionsError
        Naming the missing key or the value out of range.
    """
    raw = yaml.safe_load(text)
    _require(isinstance(raw, dict), "definitions must be a YAML mapping")
    missing = sorted(_TOP_KEYS - set(raw))
    _require(not missing, f"definitions lack keys: {', '.join(missing)}")
    instruments = {}
    for name, spec in raw["instruments"].items():
        for key in ("label", "mic_points", "mic_percent", "source"):
            _require(key in spec, f"instrument {name} lacks {key}")
        _require(spec.get("better") == "lower", f"instrument {name}: only 'better: lower' is supported")
        instruments[name] = Instrument(name, spec["label"], float(spec["mic_points"]),
                                       float(spec["mic_percent"]), spec["source"])
    for block in ("responder", "success", "failure"):
        _require("text" in raw[block], f"{block} needs a plain-language text")
    for block in ("responder", "success"):
        _require(raw[block].get("instrument") in instruments,
                 f"{block}.instrument must be one of {', '.join(instruments)}")
    for name in raw["summary_instruments"]:
        _require(name in instruments, f"summary instrument {name} is not defined")
    _require(0.5 < float(raw["confidence_level"]) < 1, "confidence_level must be between 0.5 and 1")
    _require(0 < float(raw["success"]["min_percent_improvement"]) <= 100,
             "success.min_percent_improvement must be in (0, 100]")
    for key in ("n_imputations", "n_bootstrap", "min_cell_size"):
        _require(int(raw[key]) >= 2, f"{key} must be at least 2")
    return Definitions(version=str(raw["version"]), text=text, raw=raw, instruments=instruments)


def load_definitions(version: str = CURRENT, path: str | Path | None = None) -> Definitions:
    """Load a shipped version (``"v2"``, ``"v1"``) or a file at ``path``.

    A shipped version is parsed once per process (pages read it on every request); a file
    at ``path`` is read each time, so that edits to it are seen."""
    if path is None:
        return _shipped(version)
    return _load(version, path)


@cache
def _shipped(version: str) -> Definitions:
    return _load(version, None)


def _load(version: str, path: str | Path | None) -> Definitions:
    source = Path(path) if path is not None else HERE / f"{version}.yaml"
    _require(source.exists(), f"no definitions file {source}")
    definitions = parse_definitions(source.read_text())
    _require(path is not None or definitions.version == version,
             f"{source.name} declares version {definitions.version}, expected {version}")
    return definitions
