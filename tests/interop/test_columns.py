"""Every value the export writes reads back as the same value; bad cells say what is wrong."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from disctrack.interop.columns import CellError, Column, write_cell

CODES = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789_-", min_size=1, max_size=20)
VALUES = {
    "date": st.dates(),
    "moment": st.datetimes(timezones=st.just(UTC)),
    "bool": st.booleans(),
    "int": st.integers(),
    "float": st.floats(allow_nan=False, allow_infinity=False),
    "list": st.lists(CODES, min_size=1),
    "code": CODES,
    "text": st.text(min_size=1).filter(str.strip),
}


@pytest.mark.parametrize("kind", sorted(VALUES))
def test_a_written_value_reads_back_unchanged(kind):
    @given(VALUES[kind])
    def round_trip(value):
        assert Column("x", kind).read(write_cell(value)) == value

    round_trip()


@pytest.mark.parametrize(("kind", "text", "message"), [
    ("date", "2026-13-01", "'2026-13-01' is not a date (YYYY-MM-DD)"),
    ("moment", "2026-02-22T17:00:00", "'2026-02-22T17:00:00' has no UTC offset"),
    ("bool", "yes", "'yes' is not true or false"),
    ("int", "2.5", "'2.5' is not a whole number"),
    ("float", "nan", "'nan' is not a finite number"),
    ("list", "L4-L5;;L5-S1", "'L4-L5;;L5-S1' has an empty entry"),
])
def test_a_bad_cell_says_what_is_wrong(kind, text, message):
    with pytest.raises(CellError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Column("x", kind).read(text)


def test_moments_are_written_in_utc():
    madrid = datetime(2026, 3, 29, 3, 30, tzinfo=ZoneInfo("Europe/Madrid"))
    assert write_cell(madrid) == "2026-03-29T01:30:00+00:00"
    assert Column("x", "moment").read("2026-03-29T03:30:00+02:00") == madrid
