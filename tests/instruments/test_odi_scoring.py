"""ODI v2.1a scores, missing-section rule, rounding and bands."""

from __future__ import annotations

from fractions import Fraction

import pytest

from disctrack.instruments import InstrumentLibrary, InvalidAnswers, odi_band
from disctrack.instruments.scoring import round_half_up

# Sixteen points spread over the sections; section 8 (sex life) carries none.
SIXTEEN = {"odi_1": 3, "odi_2": 1, "odi_3": 2, "odi_4": 2, "odi_5": 2,
           "odi_6": 2, "odi_7": 1, "odi_8": 0, "odi_9": 2, "odi_10": 1}  # fmt: skip


def test_all_sections_16_of_50_is_32(library: InstrumentLibrary) -> None:
    """Official ODI scoring sheet example: 16 / 50 x 100 = 32%.

    Source: ODI v2.1a scoring-sheet text (th4.ilovetranslation.com/uHAFf0Ohymw=d;
    idcafe.net, 2°), clinical_facts.md section A.
    """
    scores = library.get("odi").score(SIXTEEN)
    assert scores == {"odi": 32.0, "odi_sections_answered": 10}


def test_sex_life_not_applicable_16_of_45_is_35_6(library: InstrumentLibrary) -> None:
    """Scoring sheet: with one section unanswered, 16 / 45 x 100.

    The sheet prints 35.5 because it truncates 35.555...; we round to one decimal
    half-up, giving 35.6. Source as above.
    """
    answers = {code: value for code, value in SIXTEEN.items() if code != "odi_8"}
    scores = library.get("odi").score(answers)
    assert scores == {"odi": 35.6, "odi_sections_answered": 9}


def test_one_other_missing_section_scores_when_partial(library: InstrumentLibrary) -> None:
    """AO CID Stata `odi` and awell-score: one missing section of any kind is allowed."""
    answers = {**SIXTEEN, "odi_8": 1}
    del answers["odi_1"]  # 14 points left over 9 sections
    scores = library.get("odi").score(answers, partial=True)
    assert scores == {"odi": round_half_up(Fraction(1400, 45), 1), "odi_sections_answered": 9}
    assert scores["odi"] == 31.1


def test_two_missing_sections_give_no_score(library: InstrumentLibrary) -> None:
    answers = {code: value for code, value in SIXTEEN.items() if code not in ("odi_1", "odi_8")}
    assert library.get("odi").score(answers, partial=True) == {
        "odi": None,
        "odi_sections_answered": 8,
    }


def test_missing_required_section_is_refused_unless_partial(library: InstrumentLibrary) -> None:
    answers = {code: value for code, value in SIXTEEN.items() if code != "odi_3"}
    with pytest.raises(InvalidAnswers) as caught:
        library.get("odi").score(answers)
    assert [str(error) for error in caught.value.errors] == ["odi_3: an answer is required"]


@pytest.mark.parametrize(("points", "expected"), [(0, 0.0), (5, 100.0)])
def test_range_ends(library: InstrumentLibrary, points: int, expected: float) -> None:
    answers = {f"odi_{n}": points for n in range(1, 11)}
    assert library.get("odi").score(answers)["odi"] == expected


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (Fraction(3555, 100), 1, 35.6),
        (Fraction(1600, 45), 1, 35.6),
        (Fraction(2675, 1000), 2, 2.68),  # round(2.675, 2) gives 2.67 on binary floats
        (Fraction(-5725, 10000), 3, -0.573),  # halves go away from zero
        (Fraction(5, 10), 0, 1.0),  # round(0.5) gives 0 (halves to even)
        (7, 1, 7.0),
    ],
)
def test_round_half_up(value: Fraction | int, decimals: int, expected: float) -> None:
    assert round_half_up(value, decimals) == expected


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (0, "minimal"),
        (20, "minimal"),
        (20.1, "moderate"),
        (40, "moderate"),
        (41, "severe"),
        (60, "severe"),
        (61, "crippled"),
        (80, "crippled"),
        (81, "bed-bound"),
        (100, "bed-bound"),
    ],
)
def test_bands(score: float, band: str) -> None:
    """Bands 0-20, 21-40, 41-60, 61-80, 81-100 (idcafe 2°; awell-score README)."""
    assert odi_band(score) == band


@pytest.mark.parametrize("score", [-0.1, 100.1])
def test_band_refuses_impossible_scores(score: float) -> None:
    with pytest.raises(ValueError, match="between 0 and 100"):
        odi_band(score)
