"""Public release of a report: small-cell suppression plus the derivations it does not see.

``disctrack.outcomes.suppress_small_cells`` hides counts of 1 to ``min_cell - 1`` in every
table and their rates, and protects a record's and siblings' sums. Published beside each
other, some other cells still let a reader work out a small count; this module closes
those paths:

* nested counts in one record (treated, due, answered; patients, events): a shown total
  minus a shown part between 1 and ``min_cell - 1`` hides the part;
* completeness is the answered share of the due: shown only when both counts are;
* the same group's denominators in several tables (counts, estimates, headline,
  sensitivity, comparison): what one hides, all hide;
* treatment classes and their treatments in one table (biologic = MSC + BMC + PRP +
  other): if the hidden treatments of a class add up to a small count, another is hidden;
* counts outside tables (the cohort summary) are suppressed the same way, and per-patient
  details that tables do not need (first and last treatment dates, notes, calibration
  bins of a few patients each, physicians' names) are left out.
"""

from __future__ import annotations

from typing import Any

from disctrack.outcomes import suppress_small_cells
from disctrack.outcomes.frames import TREATMENTS

NESTED = (("n_treated", "n_due"), ("n_due", "n_answered"), ("n_treated", "n_answered"),
          ("n_due", "n_used"), ("n", "n_events"), ("n", "n_answered"), ("n", "successes"),
          ("n_treated", "n_patients"), ("n_due", "n_imputed"), ("n_patients", "n_events"),
          ("n_followups_due", "n_followups_answered"), ("n_patients", "n_surgery"),
          ("n_patients", "n_dead"), ("n_patients", "n_withdrawn"), ("n_due", "n_responded"),
          ("n", "n_at_risk"))
COMPLETENESS_PARTS = (("n_due", "n_answered"), ("n_followups_due", "n_followups_answered"))
RATE_KEYS = ("rate", "estimate", "ci_low", "ci_high", "km_surgery_free", "km_ci_low", "km_ci_high",
             "cif_surgery", "cif_ci_low", "cif_ci_high", "se_bootstrap", "crude", "completeness")
WIDE_RATE_SUFFIXES = ("_estimate", "_ci_low", "_ci_high")  # the headline's mi_estimate, ...
DENOMINATORS = ("n_used", "n", "n_treated", "n_due")
NOT_COUNTS = ("n_imputations", "n_bootstrap")


def is_count(key: str, value: Any) -> bool:
    return ((key == "n" or key.startswith("n_") or key == "successes") and key not in NOT_COUNTS
            and isinstance(value, int | float) and not isinstance(value, bool))


def small(value: Any, min_cell: int) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and 0 < value < min_cell


def is_rate(key: str) -> bool:
    return key in RATE_KEYS or key.endswith(WIDE_RATE_SUFFIXES)


def withhold(record: dict, key: str | None, reason: str) -> None:
    if key is not None:
        record[key] = None
    for rate in [k for k, v in record.items() if is_rate(k) and v is not None]:
        record[rate] = None
        record.setdefault("withheld_reason", reason)


def guard_record(record: dict, min_cell: int) -> None:
    if any(key in record and record[key] is None for key in DENOMINATORS):
        withhold(record, None, f"denominator below {min_cell}")
    changed = True
    while changed:
        changed = False
        for total, part in NESTED:
            a, b = record.get(total), record.get(part)
            if is_count(total, a) and is_count(part, b) and small(a - b, min_cell):
                withhold(record, part, f"{total} minus {part} would be below {min_cell}")
                changed = True
    for parts in COMPLETENESS_PARTS:
        if any(k in record and record[k] is None for k in parts):
            record["completeness"] = None


def _label_key(record: dict) -> tuple:
    return tuple(sorted((k, str(v)) for k, v in record.items()
                        if isinstance(v, str) and k not in ("group", "level", "withheld_reason")))


def guard_levels(rows: list[dict], min_cell: int) -> None:
    """A class's shown count minus its treatments' shown counts must not be small."""
    by_label: dict[tuple, dict[tuple[str, str], dict]] = {}
    for r in rows:
        by_label.setdefault(_label_key(r), {})[(r.get("level"), r.get("group"))] = r
    for same in by_label.values():
        for (level, group), whole in same.items():
            if level != "treatment_class":
                continue
            members = [same[key] for key in (("treatment", k) for k, c in TREATMENTS.items() if c == group)
                       if key in same]
            for field in [k for k, v in whole.items() if is_count(k, v)]:
                _guard_sum(whole[field], members, field, min_cell)


def _guard_sum(total: float, members: list[dict], field: str, min_cell: int) -> None:
    while True:
        shown = [m for m in members if is_count(field, m.get(field))]
        if len(shown) == len(members) or not small(total - sum(m[field] for m in shown), min_cell):
            return
        nonzero = [m for m in shown if m[field] > 0]
        if not nonzero:
            return
        withhold(min(nonzero, key=lambda m: m[field]), field,
                 f"suppressed so that a count below {min_cell} cannot be derived")


def _walk(node: Any, min_cell: int) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if is_count(key, value) and small(value, min_cell):
                node[key] = None
            _walk(value, min_cell)
    elif isinstance(node, list):
        records = [r for r in node if isinstance(r, dict)]
        for record in records:
            guard_record(record, min_cell)
        if records and any("level" in r for r in records):
            guard_levels(records, min_cell)
        for value in node:
            _walk(value, min_cell)


def _cohort(cohort: dict) -> dict:
    kept = {k: v for k, v in cohort.items() if k not in ("treatment_dates", "notes", "n_by_treatment")}
    kept["by_treatment"] = [{"group": k, "n": v} for k, v in cohort.get("n_by_treatment", {}).items()]
    return kept


def _align(rows: list[dict], counts: dict[tuple, dict], key, min_cell: int, due: str = "n_due") -> None:
    """Hide in ``rows`` what the counts table hid for the same group and time point.

    The same denominators appear in several tables; a count hidden in one and shown in
    another would be published after all.
    """
    for row in rows:
        c = counts.get(key(row))
        if c is None:
            continue
        for mine, theirs in ((due, "n_due"), ("n_answered", "n_answered"), ("completeness", "completeness")):
            if mine in row and c.get(theirs) is None:
                row[mine] = None
        if c.get("n_due") is None:
            withhold(row, "n_used" if row.get("method") in ("mi", "ipw") else None,
                     f"the number due is below {min_cell} or could reveal one")


def _row_key(row: dict) -> tuple:
    return row.get("level"), row.get("group"), row.get("timepoint")


def align_tables(public: dict[str, Any], min_cell: int) -> None:
    outcomes = public.get("outcomes") or {}
    counts = {(r["level"], r["group"], r["timepoint"]): r for r in outcomes.get("counts") or []}
    _align(outcomes.get("estimates") or [], counts, _row_key, min_cell)
    _align((public.get("tipping_point") or {}).get("table") or [], counts, _row_key, min_cell)
    primary = outcomes.get("primary_timepoint")
    _align(public.get("headline") or [], counts, lambda r: ("treatment_class", r["group"], primary), min_cell)
    for by, level in (("by_class", "treatment_class"), ("by_biologic", "treatment")):
        result = (public.get("comparison") or {}).get(by) or {}
        _align(result.get("groups") or [], counts, lambda r, level=level: (level, r["group"], primary),
               min_cell, due="n")


def public_report(report: dict[str, Any], min_cell: int) -> dict[str, Any]:
    """A copy of the report JSON safe to publish: aggregates only, no count below min_cell."""
    trimmed = {**report, "cohort": _cohort(report.get("cohort") or {})}
    trimmed["funnel"] = {"site": (report.get("funnel") or {}).get("site")}
    if trimmed.get("candidacy"):
        trimmed["candidacy"] = {k: v for k, v in trimmed["candidacy"].items() if k != "calibration"}
    trimmed.get("filters", {}).pop("physician", None)
    public = suppress_small_cells(trimmed, min_cell=min_cell)
    _walk(public, min_cell)
    align_tables(public, min_cell)
    cohort = public["cohort"]
    guard_record(cohort, min_cell)
    shown = [r["n"] for r in cohort["by_treatment"] if r["n"] is not None]
    if cohort.get("n_patients") is not None and small(cohort["n_patients"] - sum(shown), min_cell):
        cohort["n_patients"] = None
    return public
