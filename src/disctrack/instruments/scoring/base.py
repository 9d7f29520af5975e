"""What every scorer kind provides, and helpers they share."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from math import floor
from typing import Any

from .._schema import SchemaError, code, sequence
from ..items import Answer, Item, is_int

Score = float | int | bool | str | list[str] | None
Params = Mapping[str, Any]
Answers = Mapping[str, Answer]
Items = Mapping[str, Item]


@dataclass(frozen=True)
class Scorer:
    """A scorer kind: ``check`` vets the parameters of a definition at load time,
    ``keys`` names the scores it returns and ``score`` computes them.

    ``score`` receives answers that already passed validation, with unanswered
    items left out, and must be a pure function of its arguments.
    """

    check: Callable[[Params, Items], None]
    keys: Callable[[Params], tuple[str, ...]]
    score: Callable[[Params, Answers], dict[str, Score]]


def round_half_up(value: Fraction | int, decimals: int) -> float:
    """Round exactly, halves away from zero (35.55 -> 35.6, -0.5725 -> -0.573).

    Python's round() rounds halves to even and works on binary floats, so it
    would turn some exact halves the wrong way.
    """
    scale = 10**decimals
    magnitude = floor(abs(Fraction(value)) * scale + Fraction(1, 2))
    sign = -1 if value < 0 else 1
    return float(Fraction(sign * magnitude, scale))


def exact(value: float | int) -> Fraction:
    """The decimal number written in the definition file (0.096 means 96/1000)."""
    return Fraction(Decimal(str(value)))


def int_answer(answers: Answers, item_code: str) -> int | None:
    """The answer to an integer-valued item, or None when unanswered."""
    value = answers.get(item_code)
    if value is None or is_int(value):
        return value  # type: ignore[return-value]
    raise TypeError(f"{item_code}: expected a whole-number answer, got {value!r}")


def item_ref(items: Items, value: object, field: str) -> Item:
    """The item named by ``value``; the definition is wrong if there is none."""
    name = code(value, field)
    if name not in items:
        raise SchemaError(field, f"{name!r} is not an item of this instrument")
    return items[name]


def item_refs(items: Items, value: object, field: str) -> list[Item]:
    found = [
        item_ref(items, entry, f"{field}[{i}]") for i, entry in enumerate(sequence(value, field))
    ]
    if len({item.code for item in found}) != len(found):
        raise SchemaError(field, "lists an item more than once")
    return found


def require_int_values(item: Item, field: str, values: Sequence[int] | None = None) -> None:
    """The item must take whole numbers, exactly ``values`` when those are given."""
    if not item.takes_integers:
        raise SchemaError(field, f"{item.code} must take whole-number answers")
    if values is not None and tuple(item.values) != tuple(values):
        wanted = ", ".join(str(v) for v in values)
        raise SchemaError(field, f"{item.code} must take exactly the answers {wanted}")
