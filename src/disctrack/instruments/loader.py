"""Reading one definition file (YAML) into an Instrument, checking every field."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from ._schema import (
    SchemaError,
    any_mapping,
    boolean,
    child,
    code,
    freeze,
    integer,
    mapping,
    sequence,
    text,
    translations,
)
from .errors import InstrumentDefinitionError
from .items import AskIf, Item, Option, is_int
from .model import Instrument, Scoring
from .scoring import SCORERS

TOP_KEYS = ("name", "version", "revision", "title", "licence", "recall", "source", "items")
ITEM_KEYS = ("code", "text", "type", "required")
CHOICE_KEYS = ("options",)
INTEGER_KEYS = ("min", "max", "anchors")


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys instead of silently keeping the last."""


def _mapping_without_duplicates(loader: _StrictLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    result: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
    return result


_StrictLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_without_duplicates
)


def load_definition(path: Path) -> Instrument:
    """Read and check one file; raises InstrumentDefinitionError naming file and field."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_StrictLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InstrumentDefinitionError(path, "", f"cannot be read: {exc}") from None
    try:
        return parse_instrument(data)
    except SchemaError as exc:
        raise InstrumentDefinitionError(path, exc.field, exc.message) from None


def parse_instrument(data: object) -> Instrument:
    top = mapping(data, "", required=(*TOP_KEYS, "scoring"), optional=("instructions",))
    items = _parse_items(top["items"])
    return Instrument(
        name=code(top["name"], "name"),
        version=text(top["version"], "version"),
        revision=integer(top["revision"], "revision", 1),
        titles=translations(top["title"], "title"),
        licence=text(top["licence"], "licence"),
        source=text(top["source"], "source"),
        recalls=translations(top["recall"], "recall"),
        items=items,
        scoring=_parse_scoring(top["scoring"], items),
        instructions_texts=_optional_translations(top.get("instructions"), "instructions"),
    )


def _optional_translations(data: object, field: str) -> Mapping[str, str] | None:
    return None if data is None else translations(data, field)


def _parse_items(data: object) -> tuple[Item, ...]:
    parsed: dict[str, Item] = {}
    for i, entry in enumerate(sequence(data, "items")):
        item = _parse_item(entry, f"items[{i}]", parsed)
        if item.code in parsed:
            raise SchemaError(f"items[{i}].code", f"duplicate item code {item.code!r}")
        parsed[item.code] = item
    return tuple(parsed.values())


def _parse_item(data: object, field: str, earlier: Mapping[str, Item]) -> Item:
    entry = any_mapping(data, field)
    item_code = code(entry.get("code"), child(field, "code"))
    field = f"items.{item_code}"
    kind = entry.get("type")
    if kind not in ("choice", "integer"):
        raise SchemaError(child(field, "type"), f"must be choice or integer, got {kind!r}")
    shape = CHOICE_KEYS if kind == "choice" else INTEGER_KEYS
    entry = mapping(entry, field, required=(*ITEM_KEYS, *shape), optional=("ask_if",))
    common: dict[str, Any] = {
        "code": item_code,
        "texts": translations(entry["text"], child(field, "text")),
        "kind": kind,
        "required": boolean(entry["required"], child(field, "required")),
        "ask_if": _parse_ask_if(entry.get("ask_if"), child(field, "ask_if"), earlier),
    }
    if kind == "choice":
        return Item(**common, options=_parse_options(entry["options"], child(field, "options")))
    low = integer(entry["min"], child(field, "min"))
    high = integer(entry["max"], child(field, "max"), low + 1)
    return Item(**common, min=low, max=high, anchors=_parse_anchors(entry["anchors"], field))


def _parse_options(data: object, field: str) -> tuple[Option, ...]:
    options: list[Option] = []
    for i, entry in enumerate(sequence(data, field, min_length=2)):
        where = f"{field}[{i}]"
        option = mapping(entry, where, required=("value", "label"))
        value = _option_value(option["value"], child(where, "value"))
        if options and type(value) is not type(options[0].value):
            raise SchemaError(child(where, "value"), "mixes numbers and text")
        if any(value == earlier.value for earlier in options):
            raise SchemaError(child(where, "value"), f"duplicate value {value!r}")
        options.append(Option(value, translations(option["label"], child(where, "label"))))
    return tuple(options)


def _option_value(value: object, field: str) -> int | str:
    if is_int(value):
        assert isinstance(value, int)
        return value
    if isinstance(value, bool):
        # YAML 1.1 reads bare yes/no/on/off as booleans.
        raise SchemaError(field, f"got boolean {value!r}; quote yes/no values in YAML")
    return code(value, field)


def _parse_anchors(data: object, field: str) -> Mapping[str, Mapping[str, str]]:
    where = child(field, "anchors")
    anchors = mapping(data, where, required=("min", "max"))
    return freeze({end: translations(anchors[end], child(where, end)) for end in ("min", "max")})


def _parse_ask_if(data: object, field: str, earlier: Mapping[str, Item]) -> AskIf | None:
    if data is None:
        return None
    condition = mapping(data, field, required=("item", "in"))
    source = code(condition["item"], child(field, "item"))
    if source not in earlier or earlier[source].kind != "choice":
        raise SchemaError(child(field, "item"), f"{source!r} is not an earlier choice item")
    values = tuple(sequence(condition["in"], child(field, "in")))
    for i, value in enumerate(values):
        if not earlier[source].allows(value):
            raise SchemaError(f"{field}.in[{i}]", earlier[source].refusal(value))
    return AskIf(source, values)


def _parse_scoring(data: object, items: tuple[Item, ...]) -> Scoring:
    scoring = mapping(data, "scoring", required=("scorer", "params"))
    name = scoring["scorer"]
    if name not in SCORERS:
        known = ", ".join(sorted(SCORERS))
        raise SchemaError("scoring.scorer", f"unknown scorer {name!r}; known scorers: {known}")
    try:
        SCORERS[name].check(scoring["params"], {item.code: item for item in items})
    except SchemaError as exc:
        field = child("scoring.params", exc.field) if exc.field else "scoring.params"
        raise SchemaError(field, exc.message) from None
    return Scoring(name, freeze(scoring["params"]))
