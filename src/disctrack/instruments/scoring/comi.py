"""COMI-back: domain scores (max or mean of items) and their mean."""

from __future__ import annotations

from fractions import Fraction

from .._schema import SchemaError, any_mapping, child, code, integer, mapping, number
from .base import (
    Answers,
    Items,
    Params,
    Score,
    Scorer,
    exact,
    int_answer,
    item_refs,
    require_int_values,
    round_half_up,
)

COMBINE = ("max", "mean")


def _check(params: Params, items: Items) -> None:
    mapping(params, "", required=("key", "decimals", "points", "domains"))
    code(params["key"], "key")
    integer(params["decimals"], "decimals", 0, 6)
    _check_points(params["points"], items)
    for name, domain in any_mapping(params["domains"], "domains").items():
        _check_domain(domain, child("domains", code(name, "domains")), items)


def _check_points(points: object, items: Items) -> None:
    """``points.table`` turns the answers of the ``points.items`` into scores."""
    data = mapping(points, "points", required=("items", "table"))
    table = any_mapping(data["table"], "points.table")
    for value, score in table.items():
        number(score, child("points.table", value))
    for i, item in enumerate(item_refs(items, data["items"], "points.items")):
        if any(value not in table for value in item.values):
            raise SchemaError(f"points.items[{i}]", f"points.table misses answers of {item.code}")


def _check_domain(domain: object, field: str, items: Items) -> None:
    data = mapping(domain, field, required=("items", "combine"))
    if data["combine"] not in COMBINE:
        raise SchemaError(child(field, "combine"), f"must be one of {', '.join(COMBINE)}")
    for i, item in enumerate(item_refs(items, data["items"], child(field, "items"))):
        require_int_values(item, child(field, f"items[{i}]"))


def _keys(params: Params) -> tuple[str, ...]:
    key = params["key"]
    return (key, *(f"{key}_{name}" for name in params["domains"]))


def _score(params: Params, answers: Answers) -> dict[str, Score]:
    key = params["key"]
    domains = {
        name: _domain(domain, params["points"], answers)
        for name, domain in params["domains"].items()
    }
    known = [value for value in domains.values() if value is not None]
    total = None
    if len(known) == len(domains):
        total = round_half_up(sum(known, start=Fraction(0)) / len(known), params["decimals"])
    scores: dict[str, Score] = {key: total}
    for name, value in domains.items():
        scores[f"{key}_{name}"] = None if value is None else float(value)
    return scores


def _domain(domain: Params, points: Params, answers: Answers) -> Fraction | None:
    """Max or mean of the domain's item scores; None unless every item is answered."""
    values = [_points(item, points, answers) for item in domain["items"]]
    given = [value for value in values if value is not None]
    if len(given) < len(values):
        return None
    if domain["combine"] == "max":
        return max(given)
    return sum(given, start=Fraction(0)) / len(given)


def _points(item_code: str, points: Params, answers: Answers) -> Fraction | None:
    """Items listed under ``points`` score through its table; others count as answered."""
    value = int_answer(answers, item_code)
    if value is None:
        return None
    return exact(points["table"][value]) if item_code in points["items"] else exact(value)


SCORER = Scorer(check=_check, keys=_keys, score=_score)
