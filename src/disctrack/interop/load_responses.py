"""Import step for questionnaire answers: one row per answered item (long format).

A time point's version-1 answers are entered together, as staff enter a paper form; each
later version of an instrument is a correction by the staff user named in entered_by.
"""

from __future__ import annotations

from collections import defaultdict

from disctrack.instruments import UnknownInstrument, load_library
from disctrack.interop.context import ImportContext, Target
from disctrack.interop.csv_format import RESPONSES
from disctrack.interop.reading import Row
from disctrack.interop.references import timepoint_for
from disctrack.registry.choices import Language
from disctrack.surveys.actions import do_correct_response, do_enter_response
from disctrack.surveys.models import Response

# Columns that hold one value for a whole time point, and for one instrument's version.
PER_TIMEPOINT = ("channel", "language", "completed_at")
PER_VERSION = ("instrument_revision", "entered_by", "correction_reason")

AnswerSets = dict[tuple[str, int], list[Row]]  # (instrument, version) -> item rows


def load_responses(ctx: ImportContext) -> None:
    by_timepoint: dict[tuple, list[Row]] = defaultdict(list)
    for row in ctx.rows(RESPONSES):
        if None not in (row.get("registry_id"), row.get("treatment_no"), row.get("timepoint")):
            by_timepoint[(row["registry_id"], row["treatment_no"], row["timepoint"])].append(row)
    for rows in by_timepoint.values():
        _load_timepoint(ctx, rows)


def _load_timepoint(ctx: ImportContext, rows: list[Row]) -> None:
    timepoint = timepoint_for(ctx, rows[0])
    if timepoint is None:
        return
    sets: AnswerSets = defaultdict(list)
    for row in rows:
        if row.get("instrument") is not None and row.get("version") is not None:
            sets[(row["instrument"], row["version"])].append(row)
    if not (_consistent(ctx, rows, sets) and all(row.readable for row in rows)):
        return
    first = {name: set_rows for (name, version), set_rows in sets.items() if version == 1}
    if not first:
        ctx.error(rows[0], "version", "a time point's answers start with version 1")
        return
    entered = _enter(ctx, timepoint, first)
    if entered is None:
        return
    latest = {response.instrument: response for response in entered}
    broken: set[str] = set()  # a failed correction: its later versions wait for the fix
    for (name, version), set_rows in sorted(sets.items(), key=lambda item: item[0][1]):
        if version == 1 or name in broken:
            continue
        previous = latest.get(name)
        corrected = None
        if previous is None or previous.version != version - 1:
            ctx.error(set_rows[0], "version", f"{name} version {version} follows no version "
                      f"{version - 1}")
        else:
            corrected = _correct(ctx, previous, set_rows)
        if corrected is None:
            broken.add(name)
        else:
            latest[name] = corrected


def _consistent(ctx: ImportContext, rows: list[Row], sets: AnswerSets) -> bool:
    """Values that the registry keeps once per time point or per version must agree."""
    before = len(ctx.log.errors)
    _same(ctx, rows, PER_TIMEPOINT, "the rows of one time point")
    # The survey actions store the language as given; a typo would go unnoticed.
    if rows[0].get("language") not in (None, *Language.values):
        ctx.error(rows[0], "language", f"{rows[0]['language']!r} is not a language; use "
                  f"{', '.join(Language.values)}")
    _same(ctx, [r for (_, version), set_rows in sets.items() if version == 1 for r in set_rows],
          ("entered_by",), "the version-1 answers of one time point")
    for (name, version), set_rows in sets.items():
        _same(ctx, set_rows, PER_VERSION, f"the rows of {name} version {version}")
        _check_set(ctx, name, version, set_rows)
    return len(ctx.log.errors) == before


def _same(ctx: ImportContext, rows: list[Row], columns: tuple[str, ...], scope: str) -> None:
    for column in columns:
        for row in rows[1:]:
            if row.get(column) != rows[0].get(column):
                ctx.error(row, column, f"{row.get(column)!r} differs from row {rows[0].number} "
                          f"({rows[0].get(column)!r}); {scope} share one {column}")


def _check_set(ctx: ImportContext, name: str, version: int, rows: list[Row]) -> None:
    first = rows[0]
    try:
        current = load_library().get(name).revision
    except UnknownInstrument as exc:
        ctx.error(first, "instrument", str(exc))
        return
    if first.get("instrument_revision") not in (None, current):
        ctx.error(first, "instrument_revision", f"this registry scores {name} with revision "
                  f"{current}; answers to revision {first['instrument_revision']} cannot be imported")
    if version < 1:
        ctx.error(first, "version", "versions are numbered from 1")
    if version == 1 and first.get("correction_reason"):
        ctx.error(first, "correction_reason", "only a correction (version 2 or later) has a reason")
    seen: dict[str, int] = {}
    for row in rows:
        item = row.get("item")
        if seen.setdefault(item, row.number) != row.number:
            ctx.error(row, "item", f"{name} item {item} is answered twice in version {version} "
                      f"(first on row {seen[item]})")


def _enter(ctx: ImportContext, timepoint, first: dict[str, list[Row]]) -> list[Response] | None:
    sample = next(iter(first.values()))[0]
    actor = ctx.actor(sample, "entered_by")
    if actor is None:
        return None
    answers = {name: {row["item"]: row["answer"] for row in rows} for name, rows in first.items()}
    return ctx.attempt(
        sample,
        lambda: do_enter_response(actor, timepoint, answers, channel=sample["channel"],
                                  language=sample["language"],
                                  completed_at=sample["completed_at"]),
        where=lambda key: _answer_target(key, sample, first),
    )


def _correct(ctx: ImportContext, previous: Response, rows: list[Row]) -> Response | None:
    """A correction keeps the channel, language and completion time (checked per time point)."""
    first = rows[0]
    actor = ctx.actor(first, "entered_by", required_for="made the correction")
    if actor is None:
        return None
    answers = {row["item"]: row["answer"] for row in rows}
    return ctx.attempt(
        first,
        lambda: do_correct_response(actor, previous, answers, first.get("correction_reason", "")),
        where=lambda key: _answer_target(key, first, {previous.instrument: rows}),
    )


def _answer_target(key: str, sample: Row, sets: dict[str, list[Row]]) -> Target:
    """Map an error of the survey actions (odi.odi_3, nrs_pain, completed_at) to a cell."""
    if key in ("channel", "language", "completed_at", "timepoint", "entered_by"):
        return Target(sample, key)
    if key == "reason":
        return Target(sample, "correction_reason")
    name, _, item = key.partition(".")
    rows = sets.get(name, [sample])
    if not item:
        return Target(rows[0], "instrument")
    prefix = f"{name} item {item}: "
    answer = next((row for row in rows if row["item"] == item), None)
    if answer is None:
        return Target(rows[0], "item", prefix)
    known = item in load_library().get(name).codes
    return Target(answer, "answer" if known else "item", prefix)
