"""Small-cell suppression for the public, aggregate version of a report.

Rules, applied to every table (a list of records) anywhere in the report dictionary:

1. Primary suppression: a count (key ``n``, ``n_*`` or ``successes``) between 1 and
   ``min_cell - 1`` is replaced by None.
2. Rates whose denominator (``n_used``, ``n``, ``n_treated`` or ``n_due``; for effects the
   smaller of ``n_a`` and ``n_b``) is below ``min_cell`` are removed with a reason.
3. A proportion that would reveal a small count (rate x denominator, or its complement,
   between 1 and ``min_cell - 1``) is removed with a reason; so is every rate in a record
   whose count was suppressed.
4. Complementary suppression within a record: when exactly one count is suppressed and
   other counts that could add up to a shown total remain (e.g. n_treated = n_due +
   n_pending + n_not_due + n_dead + n_withdrawn), the smallest other non-zero count
   (never ``n_treated``) is suppressed too.
5. Complementary suppression across records: records that differ only in their label
   (``group``, ``unit`` or ``value``) are siblings whose counts may add up to a shown
   total (treatments within a class, severities within a group). When exactly one
   sibling's count is suppressed, the smallest other non-zero sibling count is too; when
   every other sibling is zero, a zero is suppressed instead (a published total minus
   the zeros would otherwise give the hidden count away).

Free-standing counts in a mapping (the cohort summary) follow rules 1 to 4, and counts
keyed by label in an ``n_by_*`` mapping follow rules 1 and 5. Candidacy
calibration curves (by deciles) are dropped for treatments with fewer than 10 x
``min_cell`` known outcomes.

The result still carries every row, so readers see that something was withheld and why.
Suppression removes disclosure risk from the figures shown; it does not make a small
registry anonymous, and it cannot stop differencing across successive reports.
"""

from __future__ import annotations

import copy
import math
from typing import Any

LABELS = ("group", "unit", "value")
DENOMINATORS = ("n_used", "n", "n_treated", "n_due")
RATE_KEYS = ("rate", "estimate", "ci_low", "ci_high", "km_surgery_free", "km_ci_low", "km_ci_high",
             "cif_surgery", "cif_ci_low", "cif_ci_high", "se_bootstrap", "crude")
RATE_SUFFIXES = ("_estimate", "_ci_low", "_ci_high", "auc", "brier")
PROPORTION_MEASURES = ("success", "responder", "failure")
SETTINGS = ("n_imputations", "n_bootstrap", "n_sites", "n_physicians")


def _is_count(key: str, value: Any) -> bool:
    return ((key == "n" or key.startswith("n_") or key == "successes") and key not in SETTINGS
            and isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value))


def _small(value: Any, min_cell: int) -> bool:
    return isinstance(value, int | float) and 1 <= value < min_cell


def _is_rate(key: str) -> bool:
    return key in RATE_KEYS or key.endswith(RATE_SUFFIXES) or key.startswith("adjusted_")


def _withhold(record: dict, reason: str) -> None:
    touched = False
    for key in [k for k in record if _is_rate(k)]:
        if record.get(key) is not None:
            record[key] = None
            touched = True
    if touched and not record.get("withheld_reason"):
        record["withheld_reason"] = reason


def _denominator(record: dict) -> float | None:
    if "n_a" in record and "n_b" in record and record["n_a"] is not None and record["n_b"] is not None:
        return min(record["n_a"], record["n_b"])
    for key in DENOMINATORS:
        if isinstance(record.get(key), int | float):
            return record[key]
    return None


def _suppress_record(record: dict, min_cell: int) -> list[str]:
    denominator = _denominator(record)
    hidden = [k for k, v in record.items() if _is_count(k, v) and _small(v, min_cell)]
    for key in hidden:
        record[key] = None
    if len(hidden) == 1:
        others = [(v, k) for k, v in record.items() if _is_count(k, v) and v > 0 and k != "n_treated"]
        if len(others) >= 2:
            key = min(others)[1]
            record[key] = None
            hidden.append(key)
    if denominator is not None and denominator < min_cell:
        _withhold(record, f"denominator below {min_cell}")
    elif hidden:
        _withhold(record, f"a count below {min_cell} was suppressed")
    elif _reveals_small_count(record, denominator, min_cell):
        _withhold(record, f"rate would reveal a count below {min_cell}")
    return hidden


def _reveals_small_count(record: dict, denominator: float | None, min_cell: int) -> bool:
    rate = record.get("rate")
    if rate is None and record.get("measure") in PROPORTION_MEASURES and record.get("method") == "completers":
        rate = record.get("estimate")
    if rate is None or denominator is None:
        return False
    return _small(round(rate * denominator), min_cell) or _small(round((1 - rate) * denominator), min_cell)


def _suppress_table(rows: list[dict], min_cell: int) -> None:
    hidden = {id(r): _suppress_record(r, min_cell) for r in rows}
    siblings: dict[tuple, list[dict]] = {}
    for r in rows:
        key = tuple(sorted((k, str(v)) for k, v in r.items() if isinstance(v, str) and k not in LABELS
                           and k != "withheld_reason"))
        siblings.setdefault(key, []).append(r)
    for group in siblings.values():
        if len(group) < 2:
            continue
        fields = {k for r in group for k in hidden[id(r)]}
        for field in fields:
            if sum(1 for r in group if field in hidden[id(r)]) != 1:
                continue
            shown = [r for r in group if _is_count(field, r.get(field))]
            if shown:
                target = min(shown, key=lambda r: (r[field] == 0, r[field]))
                target[field] = None
                hidden[id(target)].append(field)
                reason = f"suppressed so that a count below {min_cell} cannot be derived"
                _withhold(target, reason)
                target["withheld_reason"] = target.get("withheld_reason") or reason


def _suppress_mapping(counts: dict, min_cell: int) -> None:
    """Sibling counts keyed by label (``n_by_treatment``): rules 1 and 5."""
    hidden = [k for k, v in counts.items() if _small(v, min_cell)]
    for key in hidden:
        counts[key] = None
    shown = [(v == 0, v, k) for k, v in counts.items() if v is not None]
    if len(hidden) == 1 and shown:
        counts[min(shown)[2]] = None


def _walk(node: Any, min_cell: int) -> None:
    if isinstance(node, dict):
        if any(_is_count(k, v) for k, v in node.items()):
            _suppress_record(node, min_cell)
        for key, value in node.items():
            if key.startswith("n_by_") and isinstance(value, dict):
                _suppress_mapping(value, min_cell)
        for value in node.values():
            _walk(value, min_cell)
    elif isinstance(node, list):
        if node and all(isinstance(r, dict) for r in node):
            _suppress_table(node, min_cell)
        for value in node:
            _walk(value, min_cell)


def _drop_sparse_calibration(public: dict[str, Any], min_cell: int) -> None:
    """Calibration curves are by deciles: keep them only when every decile can hold min_cell."""
    candidacy = public.get("candidacy")
    if not isinstance(candidacy, dict) or "calibration" not in candidacy:
        return
    sizes = {row["treatment"]: row.get("n") for row in candidacy.get("performance", [])}
    candidacy["calibration"] = {t: curve for t, curve in candidacy["calibration"].items()
                                if (sizes.get(t) or 0) >= 10 * min_cell}


def suppress_small_cells(report_dict: dict[str, Any], min_cell: int = 11) -> dict[str, Any]:
    """Return a suppressed deep copy of a report's ``to_dict()`` for public release.

    Parameters
    ----------
    report_dict : dict
        Output of ``OutcomesReport.to_dict()`` (or any result's ``to_dict()``).
    min_cell : int
        Smallest count that may be shown (default 11).
    """
    if min_cell < 1:
        raise ValueError("min_cell must be at least 1")
    public = copy.deepcopy(report_dict)
    _walk(public, min_cell)
    _drop_sparse_calibration(public, min_cell)
    public["suppression"] = {"min_cell": min_cell, "rules": "see disctrack.outcomes.suppression"}
    return public
