"""Cells, the equalities between them, and the figures computed from them.

A :class:`Model` holds every cell's true value, the places in the report where it is
published, the identities (as linear equalities) that hold between cells, and the rates
that rest on them. :mod:`.cells` fills it from a report, :mod:`.identities` adds the
identities, :mod:`.intervals` audits it and :mod:`.suppress` hides cells in it.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

Key = tuple[Any, ...]
Coefs = dict[Key, float]
Place = tuple[dict[str, Any], str]

CLASS, TREATMENT, REGISTRY, SITE = "treatment_class", "treatment", "registry", "site"
BINARY_MEASURES = ("success", "failure", "responder")
NOT_COUNTS = ("n_imputations", "n_bootstrap", "n_sites", "n_physicians")
RATE_FIELDS = ("rate", "estimate", "ci_low", "ci_high", "completeness", "crude", "se_bootstrap")
RATE_SUFFIXES = ("_estimate", "_ci_low", "_ci_high", "_rate", "_ratio")


@dataclass
class Rate:
    """A published figure computed from cells: ``exact`` proportions add ``num = p den``."""

    record: dict[str, Any]
    field: str
    deps: tuple[Key, ...]
    num: Key | None = None
    den: Key | None = None
    proportion: bool = True

    @property
    def value(self) -> float | None:
        """The figure as published now (None once withheld, or if it is not a number)."""
        return number(self.record.get(self.field))

    @property
    def shown(self) -> bool:
        return self.record.get(self.field) is not None


@dataclass
class Model:
    """Cells (true values), where each appears, identities, and published rates."""

    values: dict[Key, float] = field(default_factory=dict)
    people: dict[Key, bool] = field(default_factory=dict)
    places: dict[Key, list[Place]] = field(default_factory=lambda: defaultdict(list))
    equalities: list[tuple[Coefs, str]] = field(default_factory=list)
    rates: list[Rate] = field(default_factory=list)
    dropped: set[str] = field(default_factory=set)
    unaudited: list[Place] = field(default_factory=list)
    links: list[tuple[Key, Key]] = field(default_factory=list)

    # -- building -----------------------------------------------------------------
    def cell(self, key: Key, record: dict[str, Any], name: str, people: bool = True) -> Key | None:
        """The cell ``key`` published at ``record[name]``; None when the report has no number there."""
        value = number(record.get(name))
        if value is None:
            return None
        self.derived(key, value, people)
        self.places[key].append((record, name))
        return key

    def through_rate(self, key: Key, record: dict[str, Any], name: str, den: Key | None) -> None:
        """A count published only as a proportion of ``den`` (successes as a completers' rate)."""
        value = number(record.get(name))
        if den is None or den not in self.values or value is None:
            return
        self.derived(key, round(value * self.values[den]))
        self.places[key].append((record, name))
        self.links.append((key, den))

    def derived(self, key: Key, value: float, people: bool = True) -> Key:
        """An unpublished cell (kept as first given when it already exists)."""
        self.values.setdefault(key, float(value))
        self.people.setdefault(key, people)
        return key

    def equal(self, rule: str, total: Key, parts: Iterable[Key]) -> None:
        """``total = sum(parts)`` over the parts the report has."""
        present = [p for p in parts if p in self.values]
        if total not in self.values or not present:
            return
        self._add(rule, _coefs([total], present))

    def at_most(self, rule: str, small: Iterable[Key], big: Key, people: bool = True) -> None:
        """``sum(small) <= big``: adds the unpublished remainder ``big - sum(small)`` as a cell."""
        present = [s for s in small if s in self.values]
        if big not in self.values or not present:
            return
        rest = self.values[big] - sum(self.values[s] for s in present)
        if rest < -1e-9:
            self.dropped.add(rule)
            return
        r = self.derived(("rest", rule, big, *present), rest, people)
        self._add(rule, _coefs([big], [r, *present]))

    def _add(self, rule: str, coefs: Coefs) -> None:
        """Keep an equality only when the report's own numbers satisfy it."""
        residual = sum(c * self.values[k] for k, c in coefs.items())
        if abs(residual) > 1e-6 * max(1.0, max(abs(self.values[k]) for k in coefs)):
            self.dropped.add(rule)
            return
        self.equalities.append((coefs, rule))

    def rate(self, record: dict[str, Any], name: str, deps: Iterable[Key | None], *, num: Key | None = None,
             den: Key | None = None, proportion: bool = True) -> None:
        """The figure ``record[name]`` rests on ``deps`` (and ``num``, ``den``); a figure whose
        counts are not all in the report cannot be audited and is noted as such."""
        if record.get(name) is None:
            return
        keys = tuple(dict.fromkeys(d for d in (*deps, num, den) if d is not None))
        if not keys or any(d not in self.values for d in keys):
            self.unaudited.append((record, name))
            return
        self.rates.append(Rate(record, name, keys, num, den, proportion))

    # -- reading ------------------------------------------------------------------
    def published(self, key: Key) -> bool:
        return any(r.get(n) is not None for r, n in self.places.get(key, ()))

    def sensitive(self, key: Key, min_cell: int) -> bool:
        """A count of people from 1 to ``min_cell - 1``."""
        return self.people.get(key, False) and 1 <= round(self.values[key]) <= min_cell - 1

    def shown(self) -> set[Key]:
        """Published cells; a count shown only as a rate is known only with its denominator."""
        shown = {k for k in self.values if self.published(k)}
        return shown - {k for k, den in self.links if den not in shown}

    def cost(self, key: Key) -> int:
        """What hiding a cell costs readers: a treatment class's number treated (the page's
        main count, in every time point's identity) most, then other numbers treated, then
        the rest."""
        if key[0] != "treated":
            return 0
        return 2 if key[1] == CLASS else 1

    def cheapest(self, pool: Collection[Key], need: float) -> Key:
        """The cell of ``pool`` to hide: the cheapest, smallest count of at least ``need``,
        else the largest count of the cheapest kind."""
        big = [k for k in pool if self.values[k] >= need]
        if big:
            return min(big, key=lambda k: (self.cost(k), self.values[k], describe(k)))
        return max(pool, key=lambda k: (-self.cost(k), self.values[k], describe(k)))


def _coefs(plus: Iterable[Key], minus: Iterable[Key]) -> Coefs:
    """``sum(plus) - sum(minus)`` as coefficients (a key on both sides cancels)."""
    coefs: dict[Key, float] = defaultdict(float)
    for k in plus:
        coefs[k] += 1.0
    for k in minus:
        coefs[k] -= 1.0
    return dict(coefs)


def number(value: Any) -> float | None:
    """``value`` as a float when it is a finite number (not a bool), else None."""
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(float(value)):
        return float(value)
    return None


def is_count(key: Any, value: Any) -> bool:
    """A field of a report record that holds a number of people (or events)."""
    return (isinstance(key, str) and (key == "n" or key.startswith("n_") or key == "successes")
            and key not in NOT_COUNTS and number(value) is not None)


def rate_like(key: Any) -> bool:
    """A field of a report record that holds a figure computed from counts."""
    return isinstance(key, str) and (key in RATE_FIELDS or key.endswith(RATE_SUFFIXES)
                                     or key.startswith("adjusted_"))


def describe(key: Key) -> str:
    return " ".join(str(k) for k in key)
