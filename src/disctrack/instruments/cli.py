"""Command line: ``disctrack instruments list|show`` and ``disctrack score NAME``.

The ``disctrack`` entry point dispatches to ``instruments_main`` and ``score_main``.
Both return 0 on success, 2 on bad input and 1 when a definition file is broken,
with the reason on stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from .errors import InstrumentDefinitionError, InvalidAnswers, UnknownInstrument
from .items import LANGUAGES, Item
from .library import InstrumentLibrary, load_library
from .model import Instrument

USAGE_ERROR = 2
BROKEN_DEFINITIONS = 1


def instruments_main(argv: list[str]) -> int:
    """``disctrack instruments list`` and ``disctrack instruments show NAME [--json]``."""
    parser = argparse.ArgumentParser(
        prog="disctrack instruments", description="List or describe questionnaires."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="list every instrument")
    show = commands.add_parser("show", help="show one instrument's items and answers")
    show.add_argument("name")
    show.add_argument("--json", action="store_true", help="print the definition as JSON")
    show.add_argument("--lang", choices=LANGUAGES, default="en", help="language of the texts")
    args = _parse(parser, argv)
    if isinstance(args, int):
        return args
    library = _library("disctrack instruments")
    if library is None:
        return BROKEN_DEFINITIONS
    if args.command == "list":
        print(_table(library))
        return 0
    instrument = _get(library, args.name, "disctrack instruments")
    if instrument is None:
        return USAGE_ERROR
    if args.json:
        print(json.dumps(instrument.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(_describe(instrument, args.lang))
    return 0


def score_main(argv: list[str]) -> int:
    """``disctrack score NAME``: answers as one JSON object on stdin, scores as JSON on stdout."""
    parser = argparse.ArgumentParser(
        prog="disctrack score",
        description="Read one JSON object of answers keyed by item code from stdin "
        'and print the scores as JSON. Text such as "3" is accepted for numbers.',
    )
    parser.add_argument("name")
    parser.add_argument(
        "--partial",
        action="store_true",
        help="allow unanswered items; scores lacking their minimum data are null",
    )
    args = _parse(parser, argv)
    if isinstance(args, int):
        return args
    library = _library("disctrack score")
    if library is None:
        return BROKEN_DEFINITIONS
    instrument = _get(library, args.name, "disctrack score")
    if instrument is None:
        return USAGE_ERROR
    try:
        answers = json.loads(sys.stdin.read())
    except json.JSONDecodeError as exc:
        return _fail("disctrack score", f"input is not valid JSON: {exc}")
    if not isinstance(answers, dict):
        return _fail("disctrack score", "expected one JSON object keyed by item code")
    try:
        scores = instrument.score(instrument.clean(answers, args.partial), args.partial)
    except InvalidAnswers as exc:
        return _fail("disctrack score", *(f"{args.name}: {error}" for error in exc.errors))
    print(json.dumps(scores, ensure_ascii=False))
    return 0


def _parse(parser: argparse.ArgumentParser, argv: Sequence[str]) -> argparse.Namespace | int:
    """Parsed arguments, or the exit status when argparse exits (errors, --help)."""
    try:
        return parser.parse_args(list(argv))
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else USAGE_ERROR


def _library(prog: str) -> InstrumentLibrary | None:
    try:
        return load_library()
    except InstrumentDefinitionError as exc:
        print(f"{prog}: broken instrument definition: {exc}", file=sys.stderr)
        return None


def _get(library: InstrumentLibrary, name: str, prog: str) -> Instrument | None:
    try:
        return library.get(name)
    except UnknownInstrument as exc:
        _fail(prog, str(exc))
        return None


def _fail(prog: str, *messages: str) -> int:
    for message in messages:
        print(f"{prog}: {message}", file=sys.stderr)
    return USAGE_ERROR


def _table(library: InstrumentLibrary) -> str:
    rows = [("NAME", "VERSION", "REVISION", "ITEMS", "TITLE")]
    rows += [(i.name, i.version, str(i.revision), str(len(i.items)), i.title()) for i in library]
    widths = [max(len(row[col]) for row in rows) for col in range(4)]
    return "\n".join(
        "  ".join([*(cell.ljust(width) for cell, width in zip(row, widths, strict=False)), row[4]])
        for row in rows
    )


def _describe(instrument: Instrument, lang: str) -> str:
    lines = [
        f"{instrument.name}: {instrument.title(lang)}",
        f"version {instrument.version}, revision {instrument.revision}; "
        f"recall: {instrument.recall(lang)}",
        f"scores: {', '.join(instrument.score_keys)}",
        f"source: {instrument.source}",
        f"licence: {instrument.licence}",
    ]
    for item in instrument.items:
        lines += ["", *_describe_item(item, lang)]
    return "\n".join(lines)


def _describe_item(item: Item, lang: str) -> list[str]:
    notes = ["required" if item.required else "optional"]
    if item.ask_if is not None:
        values = ", ".join(str(value) for value in item.ask_if.values)
        notes.append(f"asked only if {item.ask_if.item} is one of {values}")
    lines = [f"{item.code}: {item.text(lang)} ({'; '.join(notes)})"]
    if item.kind == "integer":
        lines.append(
            f"    {item.min}..{item.max}: {item.min} = {item.anchor('min', lang)}, "
            f"{item.max} = {item.anchor('max', lang)}"
        )
    else:
        lines += [f"    {option.value} = {option.label(lang)}" for option in item.options]
    return lines
