"""PROMIS Global-10: summary raw scores and their T-scores from lookup tables."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._schema import SchemaError, any_mapping, child, code, integer, mapping, number
from ..items import Item
from .base import (
    Answers,
    Items,
    Params,
    Score,
    Scorer,
    int_answer,
    item_ref,
    item_refs,
    require_int_values,
)


def _check(params: Params, items: Items) -> None:
    mapping(params, "", required=("recode", "summaries"))
    recode = any_mapping(params["recode"], "recode", nonempty=False)
    for name, table in recode.items():
        _check_recode(item_ref(items, name, "recode"), table, child("recode", name))
    for name, summary in any_mapping(params["summaries"], "summaries").items():
        where = child("summaries", code(name, "summaries"))
        _check_summary(summary, where, items, recode)


def _check_recode(item: Item, table: object, field: str) -> None:
    """A recode table maps every allowed answer of the item to a whole number."""
    require_int_values(item, field)
    data = mapping(table, field, required=item.values)
    for value in item.values:
        integer(data[value], child(field, value))


def _check_summary(summary: object, field: str, items: Items, recode: Mapping[Any, Any]) -> None:
    data = mapping(summary, field, required=("items", "t_scores"))
    low = high = 0
    for i, item in enumerate(item_refs(items, data["items"], child(field, "items"))):
        require_int_values(item, child(field, f"items[{i}]"))
        values = recode[item.code].values() if item.code in recode else item.values
        scored = [int(value) for value in values]
        low, high = low + min(scored), high + max(scored)
    t_field = child(field, "t_scores")
    table = mapping(data["t_scores"], t_field, required=range(low, high + 1))
    t_scores = [number(table[raw], child(t_field, raw)) for raw in range(low, high + 1)]
    if t_scores != sorted(t_scores):
        raise SchemaError(t_field, "T-scores must rise with the raw score")


def _keys(params: Params) -> tuple[str, ...]:
    return tuple(key for name in params["summaries"] for key in (f"{name}_raw", f"{name}_t"))


def _score(params: Params, answers: Answers) -> dict[str, Score]:
    scores: dict[str, Score] = {}
    for name, summary in params["summaries"].items():
        points = [_scored(params["recode"], answers, code) for code in summary["items"]]
        # Official handling of missing items is unconfirmed: require every item.
        raw = None if None in points else sum(p for p in points if p is not None)
        scores[f"{name}_raw"] = raw
        scores[f"{name}_t"] = None if raw is None else float(summary["t_scores"][raw])
    return scores


def _scored(recode: Params, answers: Answers, item_code: str) -> int | None:
    value = int_answer(answers, item_code)
    if value is None or item_code not in recode:
        return value
    return int(recode[item_code][value])


SCORER = Scorer(check=_check, keys=_keys, score=_score)
