"""EQ-5D-5L: the five-digit profile, value-set indices and the EQ VAS."""

from __future__ import annotations

from .._schema import SchemaError, any_mapping, child, code, integer, mapping, number, text
from .base import (
    Answers,
    Items,
    Params,
    Score,
    Scorer,
    exact,
    int_answer,
    item_ref,
    item_refs,
    require_int_values,
    round_half_up,
)

LEVELS = (1, 2, 3, 4, 5)
# Level 1 ("no problems") carries no decrement in the additive models we support.
DECREMENT_LEVELS = (2, 3, 4, 5)


def _check(params: Params, items: Items) -> None:
    mapping(params, "", required=("dimensions", "vas", "decimals", "value_sets"))
    dimensions = item_refs(items, params["dimensions"], "dimensions")
    if len(dimensions) != 5:
        raise SchemaError("dimensions", "EQ-5D has exactly five dimensions")
    for i, item in enumerate(dimensions):
        require_int_values(item, f"dimensions[{i}]", LEVELS)
    require_int_values(item_ref(items, params["vas"], "vas"), "vas", list(range(101)))
    integer(params["decimals"], "decimals", 0, 6)
    codes = [item.code for item in dimensions]
    for name, value_set in any_mapping(params["value_sets"], "value_sets").items():
        _check_value_set(value_set, child("value_sets", code(name, "value_sets")), codes)


def _check_value_set(value_set: object, field: str, dimensions: list[str]) -> None:
    data = mapping(value_set, field, required=("citation", "decrements"))
    text(data["citation"], child(field, "citation"))
    decrements = mapping(data["decrements"], child(field, "decrements"), required=dimensions)
    for dimension in dimensions:
        where = child(child(field, "decrements"), dimension)
        by_level = mapping(decrements[dimension], where, required=DECREMENT_LEVELS)
        for level in DECREMENT_LEVELS:
            if number(by_level[level], child(where, level)) < 0:
                raise SchemaError(child(where, level), "a decrement cannot be negative")


def _keys(params: Params) -> tuple[str, ...]:
    indices = tuple(f"eq5d_index_{name}" for name in params["value_sets"])
    return ("eq5d_profile", *indices, "eq_vas")


def _score(params: Params, answers: Answers) -> dict[str, Score]:
    levels = [int_answer(answers, code) for code in params["dimensions"]]
    complete = [level for level in levels if level is not None]
    profile = "".join(str(level) for level in complete) if len(complete) == 5 else None
    scores: dict[str, Score] = {"eq5d_profile": profile}
    for name, value_set in params["value_sets"].items():
        scores[f"eq5d_index_{name}"] = (
            None if profile is None else _index(value_set, params, complete)
        )
    scores["eq_vas"] = int_answer(answers, params["vas"])
    return scores


def _index(value_set: Params, params: Params, levels: list[int]) -> float:
    """1 minus the sum of the decrements of each dimension's level."""
    decrements = value_set["decrements"]
    total = sum(
        (
            exact(decrements[dimension][level])
            for dimension, level in zip(params["dimensions"], levels, strict=True)
            if level != 1
        ),
        start=exact(0),
    )
    return round_half_up(1 - total, params["decimals"])


SCORER = Scorer(check=_check, keys=_keys, score=_score)
