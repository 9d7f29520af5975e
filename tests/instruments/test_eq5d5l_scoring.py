"""EQ-5D-5L profile, US and England index values, EQ VAS."""

from __future__ import annotations

import pytest

from disctrack.instruments import InstrumentLibrary, InvalidAnswers

DIMENSIONS = ("mo", "sc", "ua", "pd", "ad")


def answers_for(profile: str, vas: int = 70) -> dict[str, int]:
    return {**{dim: int(level) for dim, level in zip(DIMENSIONS, profile, strict=True)}, "vas": vas}


@pytest.mark.parametrize(
    ("profile", "us", "england"),
    [
        ("11111", 1.0, 1.0),
        ("21111", 0.904, 0.942),
        ("55555", -0.573, -0.285),
    ],
)
def test_published_index_values(
    library: InstrumentLibrary, profile: str, us: float, england: float
) -> None:
    """US (Pickard 2019) and England (Devlin 2018) values to 3 decimals.

    Source: R package eq5d (github fragla/eq5d, data-raw/VT.csv and its tests), as
    quoted in clinical_facts.md section A. 11111 = 1 by definition of the index.
    """
    scores = library.get("eq5d5l").score(answers_for(profile))
    assert scores["eq5d_index_us"] == us
    assert scores["eq5d_index_england"] == england


@pytest.mark.parametrize(
    ("profile", "us", "england"),
    [
        # US: 1 - (.096 + .318 + .123) = .463; England: 1 - (.058 + .276 + .104) = .562
        ("21143", 0.463, 0.562),
        # US: 1 - (.089 + .101 + .318 + .321) = .171; England: 1 - (.050 + .063 + .276 + .289) = .322
        ("12345", 0.171, 0.322),
    ],
)
def test_mixed_states_computed_by_hand(
    library: InstrumentLibrary, profile: str, us: float, england: float
) -> None:
    """Hand sums of the decrements in clinical_facts.md section A (shown beside each case)."""
    scores = library.get("eq5d5l").score(answers_for(profile))
    assert (scores["eq5d_index_us"], scores["eq5d_index_england"]) == (us, england)


def test_profile_and_vas(library: InstrumentLibrary) -> None:
    """21143 = slight mobility problems, severe pain, moderate anxiety (clinical_facts.md)."""
    scores = library.get("eq5d5l").score(answers_for("21143", vas=64))
    assert scores["eq5d_profile"] == "21143"
    assert scores["eq_vas"] == 64
    assert list(scores) == ["eq5d_profile", "eq5d_index_us", "eq5d_index_england", "eq_vas"]


def test_missing_dimension_leaves_index_empty_when_partial(library: InstrumentLibrary) -> None:
    answers = answers_for("21143")
    del answers["ad"]
    assert library.get("eq5d5l").score(answers, partial=True) == {
        "eq5d_profile": None,
        "eq5d_index_us": None,
        "eq5d_index_england": None,
        "eq_vas": 70,
    }


@pytest.mark.parametrize(
    ("code", "value", "message"),
    [
        ("mo", 6, "mo: 6 is not one of the allowed answers 1, 2, 3, 4, 5"),
        ("vas", 101, "vas: 101 is not a whole number from 0 to 100"),
        ("vas", 55.5, "vas: 55.5 is not a whole number from 0 to 100"),
    ],
)
def test_out_of_range_answers(
    library: InstrumentLibrary, code: str, value: object, message: str
) -> None:
    with pytest.raises(InvalidAnswers) as caught:
        library.get("eq5d5l").score({**answers_for("11111"), code: value})
    assert [str(error) for error in caught.value.errors] == [message]
