"""Rubin's rules against a hand-worked example (reference/rubin_hand.md)."""

import numpy as np
import pytest
from scipy import special

from disctrack.outcomes.rubin import pool_proportions, rubin_pool


def test_rubin_pool_matches_hand_calculation():
    """van Buuren FIMD 2018 §2.3 formulas worked by hand in reference/rubin_hand.md; 1e-5."""
    pooled = rubin_pool([10.0, 12.0, 14.0], [4.0, 4.0, 4.0])
    assert pooled.estimate[0] == 12.0
    np.testing.assert_allclose(
        [pooled.within[0], pooled.between[0], pooled.total[0], pooled.riv[0], pooled.lambda_[0],
         pooled.df[0], pooled.fmi[0]],
        [4.0, 4.0, 9.333333, 1.333333, 0.571429, 6.125, 0.665362], rtol=1e-5)
    half = 12.0 - pooled.ci_low[0]
    assert half == pytest.approx(2.4358 * np.sqrt(9.333333), abs=0.01)


def test_barnard_rubin_degrees_of_freedom_with_finite_complete_data_df():
    """Hand value nu = 3.435897 for nu_com = 20 (reference/rubin_hand.md); 1e-5."""
    pooled = rubin_pool([10.0, 12.0, 14.0], [4.0, 4.0, 4.0], df_complete=20)
    assert pooled.df[0] == pytest.approx(3.435897, rel=1e-5)


def test_no_between_variance_reduces_to_complete_data_analysis():
    pooled = rubin_pool([[5.0, 1.0]] * 4, [[2.0, 1.0]] * 4)
    np.testing.assert_allclose(pooled.total, [2.0, 1.0])
    assert np.all(np.isinf(pooled.df))


def test_pool_proportions_pools_on_the_logit_scale():
    """Reference: the same pooling done step by step with rubin_pool on logit(p); 1e-12."""
    x, n = np.array([30.0, 36.0, 33.0]), 100.0
    p = x / n
    ref = rubin_pool(special.logit(p), 1 / (n * p * (1 - p)), df_complete=n - 1)
    pooled = pool_proportions(x, n)
    assert pooled.estimate[0] == pytest.approx(0.33)
    np.testing.assert_allclose([pooled.ci_low[0], pooled.ci_high[0]],
                               special.expit([ref.ci_low[0], ref.ci_high[0]]), rtol=1e-12)


def test_rubin_needs_two_imputations():
    with pytest.raises(ValueError, match="at least 2"):
        rubin_pool([1.0], [1.0])
