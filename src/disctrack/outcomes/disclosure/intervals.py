"""The interval audit: how narrowly the published figures pin each hidden small count.

For every hidden cell of 1 to ``min_cell - 1`` people, the smallest and largest values
consistent with everything published (the identities as equalities, published exact rates
as equalities, published cells fixed, every cell >= 0; integrality relaxed) are found by
linear programming (``scipy.optimize.linprog``, HiGHS). Protection rule: ``max - min >=
min_cell - 1``, so at least ``min_cell`` consecutive values stay possible.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse
from scipy.optimize import linprog

from .model import Coefs, Key, Model, Rate, describe

PROTECTION = ("For every count of 1 to {top} people that is not shown, the figures that are shown leave "
              "at least {n} consecutive values possible (largest minus smallest value consistent with "
              "them, by linear programming, at least {width}).")

Signature = tuple[Any, ...]
Bounds = tuple[float, float]


@dataclass
class Interval:
    """The values a hidden cell can take given everything published."""

    cell: Key
    value: float
    low: float
    high: float

    @property
    def width(self) -> float:
        return self.high - self.low


@dataclass
class AuditResult:
    """Outcome of :func:`audit`: ``failures`` are the sensitive cells pinned too narrowly."""

    min_cell: int
    n_cells: int
    n_published: int
    n_sensitive: int
    intervals: list[Interval]
    failures: list[Interval]
    rate_failures: list[str]
    identities_used: list[str]
    identities_not_holding: list[str]
    n_unaudited: int

    @property
    def passed(self) -> bool:
        return not self.failures and not self.rate_failures

    def summary(self) -> dict[str, Any]:
        narrowest = min((i.width for i in self.intervals), default=None)
        return {
            "passed": self.passed, "min_cell": self.min_cell,
            "protection": PROTECTION.format(top=self.min_cell - 1, n=self.min_cell, width=self.min_cell - 1),
            "method": "interval audit by linear programming (scipy.optimize.linprog, HiGHS)",
            "cells": self.n_cells, "cells_published": self.n_published,
            "small_counts_hidden": self.n_sensitive,
            "narrowest_range": None if narrowest is None or math.isinf(narrowest) else round(narrowest, 6),
            "failures": len(self.failures) + len(self.rate_failures),
            "identities": self.identities_used, "identities_not_holding": self.identities_not_holding,
            "figures_withheld_unaudited": self.n_unaudited,
        }


class Solver:
    """Bounds of cells under the identities with the published cells fixed.

    ``cache`` maps an LP (the cell and its connected block of equalities) to its bounds, so
    that suppression rounds that leave a block unchanged do not solve it again.
    """

    def __init__(self, model: Model, shown: set[Key], rate_rows: list[tuple[Coefs, str]],
                 cache: dict[tuple[Key, Signature], Bounds] | None = None) -> None:
        self.model = model
        self.cache: dict[tuple[Key, Signature], Bounds] = {} if cache is None else cache
        self.shown = shown
        self.rows: list[tuple[Coefs, float]] = []
        for coefs, _ in [*model.equalities, *rate_rows]:
            free = {k: c for k, c in coefs.items() if k not in shown and abs(c) > 1e-12}
            constant = -sum(c * model.values[k] for k, c in coefs.items() if k in shown)
            if free:
                self.rows.append((free, constant))
        self.by_cell: dict[Key, list[int]] = defaultdict(list)
        for i, (free, _) in enumerate(self.rows):
            for k in free:
                self.by_cell[k].append(i)
        self.pinned: dict[Key, float] = {}
        self._propagate()
        self._component: dict[Key, int] = {}
        self._members: list[tuple[list[Key], list[int]]] = []
        self._bounds: dict[Key, Bounds] = {}
        self._signatures: dict[int, Signature] = {}

    def _propagate(self) -> None:
        """Cells fixed by an identity whose other cells are all known, repeatedly."""
        todo = [i for i, (free, _) in enumerate(self.rows) if len(free) == 1]
        while todo:
            i = todo.pop()
            free, constant = self.rows[i]
            if len(free) != 1:
                continue
            (key, coef), = free.items()
            value = constant / coef
            self.pinned[key] = value
            for j in self.by_cell.pop(key, []):
                other, c = self.rows[j]
                if key in other:
                    self.rows[j] = ({k: v for k, v in other.items() if k != key}, c - other[key] * value)
                    if len(self.rows[j][0]) == 1:
                        todo.append(j)

    def component(self, key: Key) -> tuple[list[Key], list[int]]:
        """The cells and equality rows connected to ``key``."""
        if key not in self._component:
            cells: list[Key] = []
            rows: set[int] = set()
            todo = [key]
            self._component[key] = len(self._members)
            while todo:
                k = todo.pop()
                cells.append(k)
                for i in self.by_cell.get(k, ()):
                    if i in rows or k not in self.rows[i][0]:
                        continue
                    rows.add(i)
                    for other in self.rows[i][0]:
                        if other not in self._component:
                            self._component[other] = len(self._members)
                            todo.append(other)
            self._members.append((cells, sorted(rows)))
        return self._members[self._component[key]]

    def _signature(self, key: Key) -> Signature:
        _, rows = self.component(key)
        i = self._component[key]
        if i not in self._signatures:
            self._signatures[i] = tuple(sorted((tuple(sorted((describe(k), c) for k, c in self.rows[r][0].items())),
                                                round(self.rows[r][1], 9)) for r in rows))
        return self._signatures[i]

    def bounds(self, key: Key) -> Bounds:
        if key in self.pinned:
            return self.pinned[key], self.pinned[key]
        if key not in self._bounds:
            signature = (key, self._signature(key))
            if signature not in self.cache:
                self.cache[signature] = self._solve(key)
            self._bounds[key] = self.cache[signature]
        return self._bounds[key]

    def determined(self, key: Key) -> bool:
        """The value of ``key`` follows exactly from what is published."""
        if key in self.shown:
            return True
        if key not in self.model.values:
            return False
        low, high = self.bounds(key)
        return high - low < 1e-6

    def _solve(self, key: Key) -> Bounds:
        cells, rows = self.component(key)
        if not rows:
            return 0.0, math.inf
        index = {k: j for j, k in enumerate(cells)}
        entries = [(r, index[k], c) for r, i in enumerate(rows) for k, c in self.rows[i][0].items()]
        a = sparse.csr_array(([e[2] for e in entries], ([e[0] for e in entries], [e[1] for e in entries])),
                             shape=(len(rows), len(cells)))
        b = np.array([self.rows[i][1] for i in rows])
        out = []
        for sign in (1.0, -1.0):
            c = np.zeros(len(cells))
            c[index[key]] = sign
            res = linprog(c, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
            if res.status == 3:
                out.append(math.inf)
            elif res.status != 0:
                raise RuntimeError(f"disclosure audit: the published figures are inconsistent ({res.message})")
            else:
                out.append(sign * res.fun)
        return max(out[0], 0.0), out[1]


def implies_small(model: Model, rate: Rate, min_cell: int) -> bool:
    """A published proportion whose implied number of people (rate times denominator, or
    its complement) is from 1 to ``min_cell - 1``."""
    value = rate.value
    if not rate.proportion or rate.den is None or rate.den not in model.values or value is None:
        return False
    n = model.values[rate.den]
    return any(1 <= round(x) <= min_cell - 1 for x in (value * n, (1 - value) * n))


def _rate_rows(model: Model) -> list[tuple[Coefs, str]]:
    """Published exact proportions as equalities ``num - p den = 0``."""
    rows = []
    for r in model.rates:
        value = r.value
        if r.num is not None and r.den is not None and r.proportion and value is not None:
            rows.append(({r.num: 1.0, r.den: -value}, "rates"))
    return rows


def run_audit(model: Model, min_cell: int, *, with_rates: bool = True,
              cache: dict[tuple[Key, Signature], Bounds] | None = None) -> tuple[AuditResult, Solver]:
    """Audit what ``model`` shows now: the count audit, and with ``with_rates`` the exact
    proportions as equalities and every shown figure checked against its counts."""
    shown = model.shown()
    rate_rows = _rate_rows(model) if with_rates else []
    solver = Solver(model, shown, rate_rows, cache)
    intervals, failures = [], []
    for key in model.values:
        if key in shown or not model.sensitive(key, min_cell):
            continue
        low, high = solver.bounds(key)
        interval = Interval(key, model.values[key], low, high)
        intervals.append(interval)
        if interval.width < min_cell - 1 - 1e-6:
            failures.append(interval)
    rate_failures = []
    if with_rates:
        for r in model.rates:
            if not r.shown:
                continue
            hidden = [d for d in r.deps if not solver.determined(d)]
            if hidden:
                rate_failures.append(f"{r.field} is shown while {describe(hidden[0])} is withheld")
            elif implies_small(model, r, min_cell):
                rate_failures.append(f"{r.field} shows a number of people below {min_cell}")
    used = sorted({rule for _, rule in model.equalities} | ({"rates"} if rate_rows else set()))
    result = AuditResult(min_cell, len(model.values), len(shown), len(intervals), intervals, failures,
                         rate_failures, used, sorted(model.dropped - set(used)), len(model.unaudited))
    return result, solver
