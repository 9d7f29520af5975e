"""End-to-end: estimates on a simulated registry against its known truth.

Reference: ``simulate_cohort`` computes the truth from every patient's complete data
(potential outcomes under every treatment), before drop-out. Drop-out depends on the last
observed ODI (worse patients answer less), so completers-only look too good. One seeded
cohort of 3,000 patients; the checks are that each headline interval contains the truth,
that each adjusted difference lies within 3 of its standard errors of the truth, and that
completers-only misses the truth by more than its own interval, in the expected direction.
These are checks of one registry, not a proof of coverage: that is the simulation study's
(``bench/bench_coverage.py``, ``test_coverage.py``).
"""

import pytest

from disctrack.outcomes import TimepointOutcomes, TreatmentComparison, simulate_cohort

SEED = 11
CLASSES = ["biologic", "conservative", "disc_replacement", "fusion"]


@pytest.fixture(scope="module")
def cohort():
    return simulate_cohort(3000, SEED)


@pytest.fixture(scope="module")
def outcomes(cohort):
    patients, followups, _, _ = cohort
    return TimepointOutcomes(n_imputations=5, seed=SEED, levels=("treatment_class",)).fit(patients, followups)


def _headline(outcomes, measure):
    return outcomes.headline("treatment_class", measure).set_index("group")


@pytest.mark.parametrize("measure", ["success", "odi_change"])
def test_multiple_imputation_interval_contains_truth(outcomes, cohort, measure):
    truth = cohort[3][measure]["m12"]
    table = _headline(outcomes, measure)
    for group in CLASSES:
        assert table.loc[group, "mi_ci_low"] <= truth[group] <= table.loc[group, "mi_ci_high"], group


def test_response_weighting_interval_contains_truth(outcomes, cohort):
    truth = cohort[3]["success"]["m12"]
    table = _headline(outcomes, "success")
    for group in CLASSES:
        assert table.loc[group, "ipw_ci_low"] <= truth[group] <= table.loc[group, "ipw_ci_high"], group


def test_completers_only_is_too_optimistic_beyond_its_interval(outcomes, cohort):
    truth = cohort[3]
    success = _headline(outcomes, "success")
    change = _headline(outcomes, "odi_change")
    assert success.loc["fusion", "completers_ci_low"] > truth["success"]["m12"]["fusion"]
    assert change.loc["conservative", "completers_ci_high"] < truth["odi_change"]["m12"]["conservative"]
    biased_up = [g for g in CLASSES if success.loc[g, "completers_estimate"] > truth["success"]["m12"][g]]
    assert len(biased_up) == len(CLASSES)


def test_counts_and_completeness_are_reported(outcomes):
    counts = outcomes.counts.set_index(["group", "timepoint"])
    row = counts.loc[("fusion", "m12")]
    assert row["n_due"] + row["n_pending"] + row["n_not_due"] + row["n_dead"] + row["n_withdrawn"] == row["n_treated"]
    assert 0 < row["completeness"] < 1
    assert {"n_due", "completeness"} <= set(outcomes.estimates.columns)


def test_tipping_point_moves_success_down_as_delta_grows(outcomes):
    from disctrack.outcomes import TippingPointAnalysis

    table = TippingPointAnalysis().fit(outcomes).table
    fusion = table[(table["group"] == "fusion") & (table["measure"] == "success")].sort_values("delta")
    assert list(fusion["delta"]) == [0, 5, 10, 15]
    assert fusion["estimate"].is_monotonic_decreasing
    assert fusion["estimate"].iloc[0] > fusion["estimate"].iloc[-1] + 0.03


def test_aipw_recovers_true_treatment_effects(outcomes, cohort):
    """Truth: sample average treatment effects from the simulator's potential outcomes.

    Twelve differences from one registry: requiring all twelve 95% intervals to cover would
    be a lottery over seeds (about a 50% chance for independent ones), so each must lie
    within 3 standard errors (a 0.3% chance of missing each).
    """
    patients, followups, _, truth = cohort
    result = TreatmentComparison(n_bootstrap=30, seed=SEED).fit(patients, followups,
                                                                imputations=outcomes.imputations)
    effects = result.effects.set_index(["pair", "measure"])
    for (pair, measure), row in effects.iterrows():
        assert abs(row["estimate"] - truth["ate"][measure][pair]) <= 3 * row["se_bootstrap"], (pair, measure)
    confounded = effects.loc[("fusion - conservative", "odi_change")]
    true_effect = truth["ate"]["odi_change"]["fusion - conservative"]
    # Confounding by indication: the crude difference misses by more than 3 standard errors;
    # the adjusted one is nearer the truth.
    assert abs(confounded["crude"] - true_effect) > 3 * confounded["se_bootstrap"]
    assert abs(confounded["estimate"] - true_effect) < abs(confounded["crude"] - true_effect)
    balance = result.balance
    assert balance["smd_after"].abs().mean() < balance["smd_before"].abs().mean()
