"""Oswestry Disability Index: percent of the maximum over the sections answered."""

from __future__ import annotations

from fractions import Fraction

from .._schema import integer, mapping
from .base import (
    Answers,
    Items,
    Params,
    Score,
    Scorer,
    int_answer,
    item_refs,
    require_int_values,
    round_half_up,
)

# Fairbank's interpretation bands (idcafe 2°, awell-score README); upper bounds inclusive,
# so a one-decimal score such as 20.5 falls in the next band.
ODI_BANDS = (
    (20.0, "minimal"),
    (40.0, "moderate"),
    (60.0, "severe"),
    (80.0, "crippled"),
    (100.0, "bed-bound"),
)


def odi_band(score: float) -> str:
    """Interpretation band of an ODI percent: minimal, moderate, severe, crippled or bed-bound."""
    if not 0 <= score <= 100:
        raise ValueError(f"an ODI score is between 0 and 100, got {score}")
    return next(band for upper, band in ODI_BANDS if score <= upper)


def _check(params: Params, items: Items) -> None:
    mapping(params, "", required=("items", "max_points", "min_answered", "decimals"))
    max_points = integer(params["max_points"], "max_points", 1, 100)
    sections = item_refs(items, params["items"], "items")
    for i, item in enumerate(sections):
        require_int_values(item, f"items[{i}]", list(range(max_points + 1)))
    integer(params["min_answered"], "min_answered", 1, len(sections))
    integer(params["decimals"], "decimals", 0, 6)


def _keys(params: Params) -> tuple[str, ...]:
    return ("odi", "odi_sections_answered")


def _score(params: Params, answers: Answers) -> dict[str, Score]:
    points = [int_answer(answers, code) for code in params["items"]]
    given = [p for p in points if p is not None]
    odi: float | None = None
    if len(given) >= params["min_answered"]:
        # Equivalent to AO's "replace a missing section by the mean of the others".
        percent = Fraction(sum(given) * 100, params["max_points"] * len(given))
        odi = round_half_up(percent, params["decimals"])
    return {"odi": odi, "odi_sections_answered": len(given)}


SCORER = Scorer(check=_check, keys=_keys, score=_score)
