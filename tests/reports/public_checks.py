"""Checks that published figures reveal no count between 1 and 10, directly or by subtraction."""

from __future__ import annotations

import re
from typing import Any

from disctrack.outcomes.frames import TREATMENTS

MIN_CELL = 11
NOT_COUNTS = {"n_imputations", "n_bootstrap"}
NESTED = [("n_treated", "n_due"), ("n_due", "n_answered"), ("n_treated", "n_answered"),
          ("n", "n_events"), ("n", "n_at_risk"), ("n_treated", "n_patients"), ("n", "successes"),
          ("n_due", "n_used"), ("n_patients", "n_surgery"), ("n_patients", "n_dead")]


def _is_count(key: str, value: Any) -> bool:
    return ((key == "n" or key.startswith("n_") or key == "successes") and key not in NOT_COUNTS
            and isinstance(value, int | float) and not isinstance(value, bool))


def _is_rate(key: str) -> bool:
    return key in ("rate", "estimate", "km_surgery_free", "cif_surgery", "completeness") or key.endswith(
        ("_estimate", "ci_low", "ci_high"))


def _small(value: float) -> bool:
    return 0 < round(value) < MIN_CELL


def _records(node: Any, path: str = ""):
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from _records(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _records(value, f"{path}[{i}]")


def assert_no_small_counts(public: dict) -> None:
    """No count 1-10 anywhere; none by nested subtraction or completeness; none from a
    treatment class minus its shown treatments."""
    for path, record in _records(public):
        for key, value in record.items():
            assert not (_is_count(key, value) and _small(value)), f"{path}.{key} = {value}"
        for total, part in NESTED:
            a, b = record.get(total), record.get(part)
            if _is_count(total, a) and _is_count(part, b):
                assert not _small(a - b), f"{path}: {total} - {part} = {a - b}"
        if any(k in record and record[k] is None for k in ("n", "n_used", "n_treated", "n_due")):
            shown = [k for k, v in record.items() if v is not None and _is_rate(k)]
            assert not shown, f"{path}: rates {shown} shown beside a withheld denominator"
        if record.get("completeness") is not None and record.get("n_due") is not None:
            answered = record["completeness"] * record["n_due"]
            assert not _small(answered) or record.get("n_answered") == round(answered), path
            assert not _small(record["n_due"] - answered), f"{path}: due minus answered is small"
    _assert_classes_not_split(public)


def _assert_classes_not_split(public: dict) -> None:
    for _, record in _records(public):
        for table in (v for v in record.values() if isinstance(v, list)):
            rows = [r for r in table if isinstance(r, dict) and "level" in r]
            for whole in (r for r in rows if r["level"] == "treatment_class"):
                same = [r for r in rows if r["level"] == "treatment" and TREATMENTS.get(r["group"]) == whole["group"]
                        and all(r.get(k) == whole.get(k) for k in ("timepoint", "measure", "method"))]
                for key, value in whole.items():
                    if _is_count(key, value) and same:
                        shown = [r[key] for r in same if _is_count(key, r.get(key))]
                        assert not _small(value - sum(shown)), f"{whole['group']} {key} minus its treatments"


COUNT_IN_HTML = re.compile(r'<data class="count" value="(\d+)"')


def counts_in_html(html: str) -> list[int]:
    return [int(v) for v in COUNT_IN_HTML.findall(html)]


def assert_tables_agree(public: dict) -> None:
    """A rate is not shown where the counts table withheld its group's number due."""
    outcomes = public.get("outcomes") or {}
    counts = {(r["level"], r["group"], r["timepoint"]): r for r in outcomes.get("counts") or []}
    tipping = (public.get("tipping_point") or {}).get("table") or []
    for row in (outcomes.get("estimates") or []) + tipping:
        c = counts[(row["level"], row["group"], row["timepoint"])]
        if c["n_due"] is None:
            assert row["estimate"] is None and row["n_due"] is None, row
