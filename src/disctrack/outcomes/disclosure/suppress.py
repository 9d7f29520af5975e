"""Primary and complementary suppression, then the figures computed from counts.

1. Primary: no published cell from 1 to ``min_cell - 1``.
2. Complementary, first pass: in an identity whose hidden cells all lie on one side, a
   hidden cell can move by at most their sum; while that is below ``min_cell - 1`` another
   cell of the identity is hidden.
3. While the interval audit (:mod:`.intervals`) fails, hide one more published cell next
   to each cell that fails (in an identity with it; the smallest count large enough to give
   the protection range, else the largest), and audit again. After :data:`MAX_ROUNDS`
   rounds every published cell linked to a failing one is hidden (the table is withheld),
   and the audit is run again: with nothing published the system has no bound.
4. Figures computed from counts are withheld when a count they rest on is, when they would
   show a number of people below ``min_cell``, or when they cannot be audited.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from .intervals import Bounds, Interval, Signature, Solver, implies_small, run_audit
from .model import Coefs, Key, Model

MAX_ROUNDS = 30
LAST_RESORT_ROUNDS = 3
"""Rounds of hiding whole linked tables after MAX_ROUNDS, each audited again."""

WITHHELD_SMALL = "fewer than {min_cell} people, or a count of fewer than {min_cell} could be worked out from it"
WITHHELD_COMPLEMENT = "withheld so that a count below {min_cell} cannot be worked out"
WITHHELD_RATE = "rests on a count that is withheld"
WITHHELD_IMPLIED = "would show a number of people below {min_cell}"
WITHHELD_UNAUDITED = "its counts are not in the report, so it cannot be checked for disclosure"


def suppress(model: Model, min_cell: int) -> Solver:
    """Hide cells in place until the count audit passes, then withhold the figures that
    rest on hidden counts; the solver of the last count audit."""
    solver = _suppress_counts(model, min_cell)
    _withhold_rates(model, solver, min_cell)
    return solver


def _withhold(record: dict[str, Any], name: str, reason: str) -> None:
    """Hide ``record[name]``; the record says why (its first reason is kept)."""
    record[name] = None
    record["withheld_reason"] = record.get("withheld_reason") or reason


def _hide(model: Model, key: Key, reason: str) -> None:
    for record, name in model.places.get(key, ()):
        if record.get(name) is not None:
            _withhold(record, name, reason)


def _linked(model: Model, shown: set[Key], key: Key) -> tuple[set[Key], set[Key]]:
    """Published cells in an identity with ``key`` (near), and in any identity reached from
    it through hidden cells (far)."""
    index: dict[Key, list[Coefs]] = defaultdict(list)
    for coefs, _ in model.equalities:
        for k in coefs:
            index[k].append(coefs)
    near = {k for coefs in index[key] for k in coefs if k in shown and model.places.get(k)}
    far: set[Key] = set()
    seen, todo = {key}, [key]
    while todo:
        for coefs in index[todo.pop()]:
            for k in coefs:
                if k in shown:
                    if model.places.get(k):
                        far.add(k)
                elif k not in seen:
                    seen.add(k)
                    todo.append(k)
    return near, far - near


def _candidate(model: Model, solver: Solver, failure: Interval, min_cell: int) -> Key | None:
    """A published cell linked to the failing one that gives it room.

    Cells in an identity with the failing cell come first, then those reached through the
    hidden cells it is linked to; among them the smallest count that could give the
    protection range, else the largest.
    """
    need = (min_cell - 1) - failure.width
    for pool in _linked(model, solver.shown, failure.cell):
        if pool:
            return model.cheapest(pool, need)
    return None


def _row_rule(model: Model, min_cell: int, reason: str) -> None:
    """Cheap first pass: in an identity whose hidden cells all lie on one side, a hidden
    cell can move by at most their sum; while that is below ``min_cell - 1`` hide another."""
    changed = True
    while changed:
        changed = False
        shown = model.shown()
        for coefs, _ in model.equalities:
            hidden = [k for k in coefs if k not in shown]
            if not any(model.sensitive(k, min_cell) for k in hidden):
                continue
            if len({coefs[k] > 0 for k in hidden}) > 1:
                continue
            room = sum(model.values[k] for k in hidden)
            if room >= min_cell - 1:
                continue
            pool = [k for k in coefs if k in shown and model.places.get(k)]
            if not pool:
                continue
            _hide(model, model.cheapest(pool, min_cell - 1 - room), reason)
            _follow_links(model, reason)
            shown = model.shown()
            changed = True


def _follow_links(model: Model, reason: str) -> None:
    """A count shown only as a rate goes with its denominator."""
    for key, den in model.links:
        if not model.published(den) and model.published(key):
            _hide(model, key, reason)


def _withhold_rates(model: Model, solver: Solver, min_cell: int) -> None:
    for r in model.rates:
        if not r.shown:
            continue
        beside = [name for d in r.deps for record, name in model.places.get(d, ()) if record is r.record]
        if any(r.record.get(name) is None for name in beside) or not all(solver.determined(d) for d in r.deps):
            _withhold(r.record, r.field, WITHHELD_RATE)
        elif implies_small(model, r, min_cell):
            _withhold(r.record, r.field, WITHHELD_IMPLIED.format(min_cell=min_cell))
    for record, name in model.unaudited:
        if record.get(name) is not None:
            _withhold(record, name, WITHHELD_UNAUDITED)


def _suppress_counts(model: Model, min_cell: int) -> Solver:
    """Primary then complementary suppression until the count audit passes."""
    small = WITHHELD_SMALL.format(min_cell=min_cell)
    complement = WITHHELD_COMPLEMENT.format(min_cell=min_cell)
    for key in list(model.values):
        if model.published(key) and model.sensitive(key, min_cell):
            _hide(model, key, small)
    _follow_links(model, small)
    _row_rule(model, min_cell, complement)
    cache: dict[tuple[Key, Signature], Bounds] = {}
    for round_ in range(MAX_ROUNDS + LAST_RESORT_ROUNDS + 1):
        result, solver = run_audit(model, min_cell, with_rates=False, cache=cache)
        if not result.failures:
            return solver
        if round_ == MAX_ROUNDS + LAST_RESORT_ROUNDS:
            break
        chosen: set[Key] = set()
        for failure in result.failures:
            if round_ >= MAX_ROUNDS:
                chosen |= _whole_component(model, solver, failure.cell)
            elif failure.cell not in chosen:
                candidate = _candidate(model, solver, failure, min_cell)
                chosen |= {candidate} if candidate is not None else set()
        if not chosen:
            raise RuntimeError("disclosure audit: no cell left to suppress")
        for key in chosen:
            _hide(model, key, complement)
        _follow_links(model, complement)
    raise RuntimeError("disclosure audit: complementary suppression did not converge")


def _whole_component(model: Model, solver: Solver, key: Key) -> set[Key]:
    """Last resort: every published cell linked to the failing one (the table withheld)."""
    near, far = _linked(model, solver.shown, key)
    return near | far
