"""Checking and cleaning a set of answers against an instrument's items."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from .errors import AnswerError
from .items import Answer, Item

_WHOLE_NUMBER = re.compile(r"[+-]?\d+")


def is_asked(item: Item, answers: Mapping[str, object]) -> bool:
    """Whether ``item`` applies, given the answer to the item it depends on."""
    if item.ask_if is None:
        return True
    value = answers.get(item.ask_if.item)
    return any(type(value) is type(allowed) and value == allowed for allowed in item.ask_if.values)


def validate_answers(
    items: Sequence[Item], answers: Mapping[str, object], partial: bool
) -> list[AnswerError]:
    """Every problem with ``answers``, in item order; unknown codes come last."""
    errors = [error for item in items for error in _check(item, answers, partial)]
    codes = [item.code for item in items]
    for key in answers:
        if key not in codes:
            known = ", ".join(codes)
            errors.append(AnswerError(str(key), f"not an item of this instrument ({known})"))
    return errors


def _check(item: Item, answers: Mapping[str, object], partial: bool) -> list[AnswerError]:
    value = answers.get(item.code)
    asked = is_asked(item, answers)
    if value is None:
        if item.required and asked and not partial:
            return [AnswerError(item.code, "an answer is required")]
        return []
    if not asked:
        assert item.ask_if is not None
        wanted = ", ".join(str(v) for v in item.ask_if.values)
        return [
            AnswerError(
                item.code, f"is asked only when {item.ask_if.item} is one of {wanted}; leave it out"
            )
        ]
    if not item.allows(value):
        return [AnswerError(item.code, item.refusal(value))]
    return []


def coerce_answers(items: Sequence[Item], answers: Mapping[str, object]) -> dict[str, object]:
    """Convert text from web forms or CSV ("3", " yes ") to the declared type; blank is None."""
    by_code = {item.code: item for item in items}
    return {
        key: _coerce(by_code[key], value) if key in by_code else value
        for key, value in answers.items()
    }


def _coerce(item: Item, value: object) -> object:
    if isinstance(value, str):
        value = value.strip()
        if value == "":
            return None
        if item.takes_integers and _WHOLE_NUMBER.fullmatch(value):
            return int(value)
        return value
    if isinstance(value, float) and value.is_integer() and item.takes_integers:
        return int(value)
    return value


def answered(items: Sequence[Item], answers: Mapping[str, object]) -> dict[str, Answer]:
    """The given answers in item order, unanswered (None) ones left out."""
    result: dict[str, Answer] = {}
    for item in items:
        value = answers.get(item.code)
        if isinstance(value, int | str):
            result[item.code] = value
    return result
