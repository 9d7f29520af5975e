"""Strict readers for data loaded from YAML; each failure names the field at fault."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Any

from .items import LANGUAGES, is_int

CODE = re.compile(r"[a-z][a-z0-9_]*")


class SchemaError(Exception):
    """A value in a definition is wrong; ``field`` is a dotted path such as items.odi_1.text."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def child(field: str, key: object) -> str:
    return f"{field}.{key}" if field else str(key)


def describe(value: object) -> str:
    return "nothing" if value is None else f"{type(value).__name__} {value!r}"


def mapping(
    value: object, field: str, required: Iterable[Any], optional: Iterable[Any] = ()
) -> Mapping[Any, Any]:
    """A mapping with exactly the ``required`` keys plus any of the ``optional`` ones."""
    if not isinstance(value, Mapping):
        raise SchemaError(field, f"expected a mapping, got {describe(value)}")
    required, optional = tuple(required), tuple(optional)
    for key in value:
        if key not in required and key not in optional:
            allowed = ", ".join(str(k) for k in required + optional)
            raise SchemaError(child(field, key), f"unknown key; allowed keys are {allowed}")
    for key in required:
        if key not in value:
            raise SchemaError(child(field, key), "missing")
    return value


def any_mapping(value: object, field: str, nonempty: bool = True) -> Mapping[Any, Any]:
    if not isinstance(value, Mapping):
        raise SchemaError(field, f"expected a mapping, got {describe(value)}")
    if nonempty and not value:
        raise SchemaError(field, "must not be empty")
    return value


def sequence(value: object, field: str, min_length: int = 1) -> Sequence[Any]:
    if not isinstance(value, list | tuple):
        raise SchemaError(field, f"expected a list, got {describe(value)}")
    if len(value) < min_length:
        raise SchemaError(field, f"needs at least {min_length} entries")
    return value


def text(value: object, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        hint = " (quote it in YAML)" if value is not None else ""
        raise SchemaError(field, f"expected non-empty text, got {describe(value)}{hint}")
    return value.strip()


def code(value: object, field: str) -> str:
    if not isinstance(value, str) or not CODE.fullmatch(value):
        raise SchemaError(field, f"expected a code of a-z, 0-9 and _, got {describe(value)}")
    return value


def integer(value: object, field: str, low: int | None = None, high: int | None = None) -> int:
    if not is_int(value):
        raise SchemaError(field, f"expected a whole number, got {describe(value)}")
    assert isinstance(value, int)
    if low is not None and high is not None and not low <= value <= high:
        raise SchemaError(field, f"must be between {low} and {high}, got {value}")
    if low is not None and value < low:
        raise SchemaError(field, f"must be at least {low}, got {value}")
    if high is not None and value > high:
        raise SchemaError(field, f"must be at most {high}, got {value}")
    return value


def number(value: object, field: str) -> float | int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SchemaError(field, f"expected a number, got {describe(value)}")
    return value


def boolean(value: object, field: str) -> bool:
    if not isinstance(value, bool):
        raise SchemaError(field, f"expected true or false, got {describe(value)}")
    return value


def translations(value: object, field: str) -> Mapping[str, str]:
    """A text in every supported language, e.g. {en: ..., es: ...}."""
    data = any_mapping(value, field)
    for lang in data:
        if lang not in LANGUAGES:
            raise SchemaError(child(field, lang), f"unknown language; use {', '.join(LANGUAGES)}")
    for lang in LANGUAGES:
        if lang not in data:
            raise SchemaError(child(field, lang), "missing translation")
    return MappingProxyType({lang: text(data[lang], child(field, lang)) for lang in LANGUAGES})


def freeze(value: Any) -> Any:
    """Deep read-only copy, so that a shared, cached definition cannot be changed."""
    if isinstance(value, Mapping):
        return MappingProxyType({key: freeze(item) for key, item in value.items()})
    if isinstance(value, list | tuple):
        return tuple(freeze(item) for item in value)
    return value


def thaw(value: Any) -> Any:
    """JSON-able copy of a frozen value (mapping keys become text, as JSON requires)."""
    if isinstance(value, Mapping):
        return {str(key): thaw(item) for key, item in value.items()}
    if isinstance(value, tuple | list):
        return [thaw(item) for item in value]
    return value
