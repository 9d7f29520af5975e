"""Items and answer options: the immutable building blocks of an instrument."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

LANGUAGES = ("en", "es")

Answer = int | str
Localized = Mapping[str, str]


def pick(texts: Localized, lang: str) -> str:
    """Return the text in ``lang`` ("es", "es-ES" and "es_ES" all mean Spanish)."""
    key = lang.lower().replace("_", "-").split("-")[0]
    if key not in texts:
        raise ValueError(f"unsupported language {lang!r}; use one of {', '.join(LANGUAGES)}")
    return texts[key]


def is_int(value: object) -> bool:
    """True for whole numbers; bool is refused although Python counts it as an int."""
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True)
class Option:
    """One allowed answer of a choice item."""

    value: Answer
    labels: Localized

    def label(self, lang: str = "en") -> str:
        return pick(self.labels, lang)


@dataclass(frozen=True)
class AskIf:
    """The item is asked only when an earlier choice item has one of ``values``."""

    item: str
    values: tuple[Answer, ...]


@dataclass(frozen=True)
class Item:
    """One question. ``kind`` is "choice" (``options``) or "integer" (``min``..``max``)."""

    code: str
    texts: Localized
    kind: str
    required: bool
    options: tuple[Option, ...] = ()
    min: int | None = None
    max: int | None = None
    anchors: Mapping[str, Localized] | None = None
    ask_if: AskIf | None = None

    def text(self, lang: str = "en") -> str:
        return pick(self.texts, lang)

    def anchor(self, end: str, lang: str = "en") -> str:
        """Label of the "min" or "max" end of an integer scale."""
        if self.anchors is None:
            raise ValueError(f"{self.code} is not an integer scale and has no anchors")
        return pick(self.anchors[end], lang)

    @property
    def values(self) -> tuple[Answer, ...]:
        """Every allowed answer, in order."""
        if self.kind == "choice":
            return tuple(option.value for option in self.options)
        assert self.min is not None and self.max is not None
        return tuple(range(self.min, self.max + 1))

    @property
    def takes_integers(self) -> bool:
        return all(is_int(value) for value in self.values)

    def allows(self, value: object) -> bool:
        if self.kind == "integer":
            assert self.min is not None and self.max is not None
            if not isinstance(value, int) or isinstance(value, bool):
                return False
            return self.min <= value <= self.max
        return any(type(value) is type(allowed) and value == allowed for allowed in self.values)

    def refusal(self, value: object) -> str:
        """English reason why ``value`` is not allowed."""
        if self.kind == "integer":
            return f"{value!r} is not a whole number from {self.min} to {self.max}"
        allowed = ", ".join(str(option.value) for option in self.options)
        return f"{value!r} is not one of the allowed answers {allowed}"

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "code": self.code,
            "type": self.kind,
            "required": self.required,
            "text": dict(self.texts),
        }
        if self.kind == "choice":
            data["options"] = [
                {"value": option.value, "label": dict(option.labels)} for option in self.options
            ]
        else:
            assert self.anchors is not None
            data["min"], data["max"] = self.min, self.max
            data["anchors"] = {end: dict(labels) for end, labels in self.anchors.items()}
        if self.ask_if is not None:
            data["ask_if"] = {"item": self.ask_if.item, "in": list(self.ask_if.values)}
        return data
