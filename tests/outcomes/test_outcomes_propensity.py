"""Weights, balance and the weighted-mean sandwich against hand calculations and statsmodels."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from disctrack.outcomes.aggregate import weighted_means
from disctrack.outcomes.propensity import ate_weights, overlap_table, smd_table


def test_smd_matches_hand_calculation():
    """Hand: a = 1,2,3 (mean 2, var 1), b = 2,4,6 (mean 4, var 4), pooled sd sqrt(2.5);
    SMD before = -2 / 1.581139 = -1.264911; after, a weighted 1,1,2 -> mean 2.25:
    -1.75 / 1.581139 = -1.106797. Tolerance 1e-6."""
    x = pd.DataFrame({"age": [1.0, 2, 3, 2, 4, 6]})
    codes = np.array([0, 0, 0, 1, 1, 1])
    w = np.array([1.0, 1, 2, 1, 1, 1])
    row = smd_table(x, codes, ["a", "b"], w).iloc[0]
    assert row["pair"] == "a - b"
    assert row["smd_before"] == pytest.approx(-1.264911, abs=1e-6)
    assert row["smd_after"] == pytest.approx(-1.106797, abs=1e-6)


def test_ate_weights_inverse_and_stabilized():
    ps = np.array([[0.8, 0.2], [0.5, 0.5], [0.25, 0.75], [0.4, 0.6]])
    codes = np.array([0, 0, 1, 1])
    np.testing.assert_allclose(ate_weights(ps, codes, stabilize=False), [1.25, 2.0, 4 / 3, 1 / 0.6])
    np.testing.assert_allclose(ate_weights(ps, codes, stabilize=True), [0.625, 1.0, 2 / 3, 0.5 / 0.6])
    trimmed = ate_weights(ps, codes, stabilize=False, trim_quantile=0.25)
    assert trimmed.max() == pytest.approx(np.quantile([1.25, 2.0, 4 / 3, 1 / 0.6], 0.75))


def test_overlap_effective_sample_size():
    """ESS = (sum w)^2 / sum w^2: weights 1,1,2 -> 16/6."""
    ps = np.array([[0.5, 0.5]] * 4)
    table = overlap_table(ps, np.array([0, 0, 0, 1]), ["a", "b"], np.array([1.0, 1, 2, 1]))
    assert table.loc[0, "effective_n"] == pytest.approx(16 / 6)


def test_weighted_mean_and_hc0_match_statsmodels_wls():
    """Reference: statsmodels WLS on a constant with cov_type='HC0', per group; 1e-10."""
    rng = np.random.default_rng(1)
    y = rng.normal(size=60)
    w = np.where(rng.random(60) < 0.3, 0.0, rng.uniform(0.5, 3, 60))
    codes = np.repeat([0, 1], 30)
    mean, se = weighted_means(np.where(w > 0, y, np.nan), w, codes, 2)
    for g in (0, 1):
        keep = (codes == g) & (w > 0)
        fit = sm.WLS(y[keep], np.ones(keep.sum()), weights=w[keep]).fit(cov_type="HC0")
        assert mean[g] == pytest.approx(fit.params[0], abs=1e-10)
        assert se[g] == pytest.approx(fit.bse[0], abs=1e-10)
