"""Interval functions against published tables."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from disctrack.outcomes.intervals import clopper_pearson, logit_wald, mean_ci, wilson

REF = Path(__file__).parent / "reference"


@pytest.fixture(scope="module")
def newcombe():
    return pd.read_csv(REF / "newcombe1998_table2.csv", comment="#")


def test_wilson_matches_newcombe_1998(newcombe):
    """Newcombe 1998 Table II, method 3; tolerance 5e-5 (table has 4 decimals)."""
    low, high = wilson(newcombe["successes"], newcombe["n"])
    np.testing.assert_allclose(low, newcombe["wilson_low"], atol=5e-5)
    np.testing.assert_allclose(high, newcombe["wilson_high"], atol=5e-5)


def test_clopper_pearson_matches_newcombe_1998(newcombe):
    """Newcombe 1998 Table II, method 5 (exact); tolerance 5e-5."""
    low, high = clopper_pearson(newcombe["successes"], newcombe["n"])
    np.testing.assert_allclose(low, newcombe["exact_low"], atol=5e-5)
    np.testing.assert_allclose(high, newcombe["exact_high"], atol=5e-5)


def test_empty_denominator_gives_nan_and_bad_counts_raise():
    low, high = wilson(np.array([0, 3]), np.array([0, 10]))
    assert np.isnan(low[0]) and np.isnan(high[0]) and 0 < low[1] < high[1]
    with pytest.raises(ValueError, match="between 0 and their denominators"):
        wilson(5, 3)


def test_mean_ci_is_the_student_t_interval():
    """Reference: scipy.stats.t.interval on the same data; tolerance 1e-12."""
    x = np.array([3.0, 7.0, 8.0, 12.0, np.nan, 15.0])
    mean, low, high, n = mean_ci(x)
    ref = stats.t.interval(0.95, 4, loc=9.0, scale=stats.sem([3, 7, 8, 12, 15]))
    assert (mean, n) == (9.0, 5)
    np.testing.assert_allclose([low, high], ref, rtol=1e-12)


def test_logit_wald_stays_inside_unit_interval_and_is_symmetric_on_logit_scale():
    low, high = logit_wald(np.array([0.02, 0.5]), np.array([0.05, 0.05]))
    assert np.all(low > 0) and np.all(high < 1)
    np.testing.assert_allclose(0.5 - low[1], high[1] - 0.5, atol=1e-12)
