"""PROMIS Global-10 v1.2 summary raw scores and T-scores."""

from __future__ import annotations

import pytest

from disctrack.instruments import InstrumentLibrary

# Raw 4..20 -> T, clinical_facts.md section A (awell-score promis_10 tables).
GPH_T = [16.2, 19.9, 23.5, 26.7, 29.6, 32.4, 34.9, 37.4, 39.8,
         42.3, 44.9, 47.7, 50.8, 54.1, 57.7, 61.9, 67.7]  # fmt: skip
GMH_T = [21.2, 25.1, 28.4, 31.3, 33.8, 36.3, 38.8, 41.1, 43.5,
         45.8, 48.3, 50.8, 53.3, 56.0, 59.0, 62.5, 67.6]  # fmt: skip
# A pain rating (0-10) that recodes to each score 1..5.
PAIN_FOR = {5: 0, 4: 2, 3: 5, 2: 8, 1: 10}


def spread(raw: int) -> list[int]:
    """Four item scores of 1..5 that add up to ``raw``."""
    return [(raw - 4) // 4 + 1 + (1 if i < (raw - 4) % 4 else 0) for i in range(4)]


def answers(gph: list[int], gmh: list[int], other: int = 3) -> dict[str, int]:
    g03, g06, g07, g08 = gph
    g02, g04, g05, g10 = gmh
    return {"global01": other, "global02": g02, "global03": g03, "global04": g04,
            "global05": g05, "global06": g06, "global07": PAIN_FOR[g07], "global08": g08,
            "global09": other, "global10": g10}  # fmt: skip


@pytest.mark.parametrize("raw", range(4, 21))
def test_t_score_tables(library: InstrumentLibrary, raw: int) -> None:
    """Every raw score 4..20 maps to the tabled T-score.

    Source: clinical_facts.md section A, PROMIS Global-10 v1.2 (awell-score promis_10).
    """
    scores = library.get("promis10").score(answers(spread(raw), spread(24 - raw)))
    assert scores == {
        "gph_raw": raw,
        "gph_t": GPH_T[raw - 4],
        "gmh_raw": 24 - raw,
        "gmh_t": GMH_T[20 - raw],
    }


@pytest.mark.parametrize(
    ("pain", "scored"),
    [(0, 5), (1, 4), (3, 4), (4, 3), (6, 3), (7, 2), (9, 2), (10, 1)],
)
def test_pain_recode(library: InstrumentLibrary, pain: int, scored: int) -> None:
    """Q7 recode 0->5, 1-3->4, 4-6->3, 7-9->2, 10->1 (clinical_facts.md section A)."""
    given = {**answers([1, 1, 1, 1], [1, 1, 1, 1]), "global07": pain}
    assert library.get("promis10").score(given)["gph_raw"] == 3 + scored


def test_worked_example(library: InstrumentLibrary) -> None:
    """GPH = Q3 + Q6 + Q7rc + Q8 = 3 + 4 + 3 (pain 5) + 2 = 12 -> T 39.8;
    GMH = Q2 + Q4 + Q5 + Q10 = 4 + 3 + 3 + 2 = 12 -> T 43.5 (clinical_facts.md)."""
    given = {"global01": 1, "global02": 4, "global03": 3, "global04": 3, "global05": 3,
             "global06": 4, "global07": 5, "global08": 2, "global09": 5, "global10": 2}  # fmt: skip
    assert library.get("promis10").score(given) == {
        "gph_raw": 12,
        "gph_t": 39.8,
        "gmh_raw": 12,
        "gmh_t": 43.5,
    }


def test_global01_and_global09_are_in_neither_summary(library: InstrumentLibrary) -> None:
    promis = library.get("promis10")
    low = promis.score(answers([3, 3, 3, 3], [3, 3, 3, 3], other=1))
    high = promis.score(answers([3, 3, 3, 3], [3, 3, 3, 3], other=5))
    assert low == high


def test_summary_needs_all_four_items(library: InstrumentLibrary) -> None:
    """The official missing-item rule is unconfirmed, so a summary needs all its items."""
    given = answers([3, 3, 3, 3], [3, 3, 3, 3])
    del given["global08"]
    assert library.get("promis10").score(given, partial=True) == {
        "gph_raw": None,
        "gph_t": None,
        "gmh_raw": 12,
        "gmh_t": 43.5,
    }
