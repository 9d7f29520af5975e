"""Scorers that pass answers through: single values, categories with flags, yes/no checks."""

from __future__ import annotations

from .._schema import SchemaError, any_mapping, child, code, mapping, sequence
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


def _check_values(params: Params, items: Items) -> None:
    mapping(params, "", required=("scores",))
    for key, item_code in any_mapping(params["scores"], "scores").items():
        where = child("scores", code(key, "scores"))
        require_int_values(item_ref(items, item_code, where), where)


def _score_values(params: Params, answers: Answers) -> dict[str, Score]:
    return {key: int_answer(answers, code) for key, code in params["scores"].items()}


ITEM_VALUES = Scorer(
    check=_check_values,
    keys=lambda params: tuple(params["scores"]),
    score=_score_values,
)


def _check_category(params: Params, items: Items) -> None:
    mapping(params, "", required=("item", "key", "flags"))
    item = item_ref(items, params["item"], "item")
    if item.kind != "choice":
        raise SchemaError("item", f"{item.code} must be a choice item")
    code(params["key"], "key")
    for flag, values in any_mapping(params["flags"], "flags", nonempty=False).items():
        where = child("flags", code(flag, "flags"))
        for i, value in enumerate(sequence(values, where)):
            if not item.allows(value):
                raise SchemaError(f"{where}[{i}]", item.refusal(value))


def _score_category(params: Params, answers: Answers) -> dict[str, Score]:
    """The answer itself under ``key``, and for each flag whether the answer is in its list."""
    value = answers.get(params["item"])
    scores: dict[str, Score] = {params["key"]: value}
    for flag, values in params["flags"].items():
        scores[flag] = None if value is None else value in values
    return scores


CATEGORY = Scorer(
    check=_check_category,
    keys=lambda params: (params["key"], *params["flags"]),
    score=_score_category,
)


def _check_yes(params: Params, items: Items) -> None:
    mapping(params, "", required=("items", "yes"))
    for i, item in enumerate(item_refs(items, params["items"], "items")):
        if not item.allows(params["yes"]):
            raise SchemaError(f"items[{i}]", f"{item.code} has no answer {params['yes']!r}")


def _score_yes(params: Params, answers: Answers) -> dict[str, Score]:
    """Which items were answered "yes"; any_concern is None if none was and some are missing."""
    concerns = [code for code in params["items"] if answers.get(code) == params["yes"]]
    complete = all(code in answers for code in params["items"])
    any_concern = True if concerns else (False if complete else None)
    return {"any_concern": any_concern, "concerns": concerns}


YES_FLAGS = Scorer(
    check=_check_yes,
    keys=lambda params: ("any_concern", "concerns"),
    score=_score_yes,
)
