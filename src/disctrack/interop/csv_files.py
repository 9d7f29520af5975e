"""The one place DiscTrack writes a CSV file, and the spreadsheet-formula rule it keeps.

A spreadsheet may run a cell that starts with `=`, `+`, `-` or `@` (or a tab or carriage
return before one) as a formula (OWASP, "CSV Injection"). Such a text cell is written with a
leading `'`, which spreadsheets show as "this is text" and do not display; a cell that starts
with `'` gets one more, so reading strips exactly one and an export, then an import, keeps
every value as it was. Plain numbers (`-3.5`, `+34600123456`, `1e-05`) are left alone: a
spreadsheet reads them as numbers, not formulas.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from pathlib import Path

TEXT_MARK = "'"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", TEXT_MARK)
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def neutralize(text: str) -> str:
    """The cell's text as written: a leading `'` when a spreadsheet could take it for a formula."""
    if text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text):
        return TEXT_MARK + text
    return text


def restore(text: str) -> str:
    """The value a written cell stands for: one leading `'` removed (see `neutralize`)."""
    return text.removeprefix(TEXT_MARK)


def write_csv(path: Path, header: Iterable[str], rows: Iterable[Iterable[str]]) -> int:
    """Write UTF-8 CSV (`\\n` line ends), every cell neutralized; the number of data rows."""
    count = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow([neutralize(name) for name in header])
        for row in rows:
            writer.writerow([neutralize(cell) for cell in row])
            count += 1
    return count
