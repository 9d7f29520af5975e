"""Properties of the scores over many generated answer sets (hypothesis)."""

from __future__ import annotations

import json
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from disctrack.instruments import Score, load_library

ODI_CODES = [f"odi_{n}" for n in range(1, 11)]
EQ5D_DIMENSIONS = ["mo", "sc", "ua", "pd", "ad"]
# The worst state's index per value set (clinical_facts.md section A).
WORST = {"eq5d_index_us": -0.573, "eq5d_index_england": -0.285}


def number(score: Score) -> float:
    assert isinstance(score, int | float)
    return score


odi_points = st.lists(st.integers(0, 5), min_size=10, max_size=10)
eq5d_levels = st.lists(st.integers(1, 5), min_size=5, max_size=5)


@given(odi_points)
def test_complete_odi_is_twice_the_sum(points: list[int]) -> None:
    scores = load_library().get("odi").score(dict(zip(ODI_CODES, points, strict=True)))
    assert scores["odi"] == sum(points) * 2
    assert 0 <= number(scores["odi"]) <= 100


@given(odi_points, st.integers(0, 9))
def test_one_missing_section_equals_mean_imputation(points: list[int], missing: int) -> None:
    """AO CID Stata `odi` replaces a missing section by the mean of the others;
    the reduced denominator gives the same percent."""
    answers = dict(zip(ODI_CODES, points, strict=True))
    del answers[ODI_CODES[missing]]
    scores = load_library().get("odi").score(answers, partial=True)
    others = [p for i, p in enumerate(points) if i != missing]
    imputed = sum(others) + Fraction(sum(others), 9)
    odi = number(scores["odi"])
    assert abs(Fraction(odi) - imputed * 2) <= Fraction(1, 20)
    assert 0 <= odi <= 100


@given(eq5d_levels, st.integers(0, 100))
def test_eq5d_index_lies_between_the_worst_state_and_full_health(
    levels: list[int], vas: int
) -> None:
    answers = {**dict(zip(EQ5D_DIMENSIONS, levels, strict=True)), "vas": vas}
    scores = load_library().get("eq5d5l").score(answers)
    assert scores["eq5d_profile"] == "".join(map(str, levels))
    for key, worst in WORST.items():
        assert worst <= number(scores[key]) <= 1


@given(eq5d_levels, st.integers(0, 4))
def test_eq5d_index_never_rises_when_a_dimension_worsens(levels: list[int], dim: int) -> None:
    eq5d = load_library().get("eq5d5l")
    worse = [*levels]
    worse[dim] = min(5, levels[dim] + 1)
    before = eq5d.score({**dict(zip(EQ5D_DIMENSIONS, levels, strict=True)), "vas": 50})
    after = eq5d.score({**dict(zip(EQ5D_DIMENSIONS, worse, strict=True)), "vas": 50})
    for key in WORST:
        assert number(after[key]) <= number(before[key])


@given(st.data())
def test_scores_are_reproducible_from_stored_json(data: st.DataObject) -> None:
    """Scoring the answers again after a JSON round trip gives identical scores."""
    library = load_library()
    instrument = library.get(data.draw(st.sampled_from(library.names())))
    answers: dict[str, object] = {}
    for item in instrument.items:
        asked = item.ask_if is None or answers.get(item.ask_if.item) in item.ask_if.values
        if asked and (item.required or data.draw(st.booleans())):
            answers[item.code] = data.draw(st.sampled_from(item.values))
    stored = json.loads(json.dumps(answers))
    assert instrument.score(stored) == instrument.score(answers)
