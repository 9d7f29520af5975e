"""COMI-back domain scores and total."""

from __future__ import annotations

import pytest

from disctrack.instruments import InstrumentLibrary

EXAMPLE = {"comi_1a": 7, "comi_1b": 4, "comi_2": 2, "comi_3": 3, "comi_4": 2,
           "comi_5": 1, "comi_6": 2}  # fmt: skip


def test_worked_example(library: InstrumentLibrary) -> None:
    """Computed by hand from the rule (Mannion, Eur Spine J 2009; awell-score comi/back):

    pain = max(7, 4) = 7; function = 5 (answer 2); well-being = 7.5 (answer 3);
    quality of life = 5 (answer 2); disability = mean(2.5, 5) = 3.75;
    COMI = (7 + 5 + 7.5 + 5 + 3.75) / 5 = 5.65 -> 5.7 (one decimal, half-up).
    """
    assert library.get("comi_back").score(EXAMPLE) == {
        "comi": 5.7,
        "comi_pain": 7.0,
        "comi_function": 5.0,
        "comi_wellbeing": 7.5,
        "comi_qol": 5.0,
        "comi_disability": 3.75,
    }


def test_pain_domain_takes_the_worse_of_back_and_leg(library: InstrumentLibrary) -> None:
    scores = library.get("comi_back").score({**EXAMPLE, "comi_1a": 2, "comi_1b": 9})
    assert scores["comi_pain"] == 9.0


@pytest.mark.parametrize(("pain", "answer", "expected"), [(0, 0, 0.0), (10, 4, 10.0)])
def test_range_ends(library: InstrumentLibrary, pain: int, answer: int, expected: float) -> None:
    given = {"comi_1a": pain, "comi_1b": pain, **{f"comi_{n}": answer for n in range(2, 7)}}
    assert library.get("comi_back").score(given)["comi"] == expected


def test_missing_item_empties_its_domain_and_the_total(library: InstrumentLibrary) -> None:
    given = {code: value for code, value in EXAMPLE.items() if code != "comi_6"}
    scores = library.get("comi_back").score(given, partial=True)
    assert scores["comi_disability"] is None
    assert scores["comi"] is None
    assert scores["comi_pain"] == 7.0
