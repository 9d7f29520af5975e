"""Sites compared fairly: all-treated success, raw and adjusted for case-mix (indirect
standardization), with exact control limits.

The registry here is built directly (not by the package's simulator) so that sites differ
ONLY in the case-mix of their patients and in how well they follow them up; no site is
better or worse than another at treating the same patient. A fair comparison flags none.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from scipy.special import expit

from disctrack.outcomes import load_definitions
from disctrack.outcomes.cohort import Cohort
from disctrack.outcomes.frames import TREATMENTS
from disctrack.outcomes.funnel import (
    Funnel,
    binomial_limits,
    poisson_binomial_limits,
    poisson_binomial_pmf,
    standardized_ratios,
)
from disctrack.outcomes.imputation import impute_scores

SITES = [f"S{i:02d}" for i in range(1, 9)]
POOR_FOLLOW_UP, HARD_CASES, EASY_CASES = "S02", "S03", "S04"
RESPONSE = {s: 0.2 if s == POOR_FOLLOW_UP else 0.85 for s in SITES}
SEVERITY = {s: 1.2 if s == HARD_CASES else -1.2 if s == EASY_CASES else 0.0 for s in SITES}
NAT = pd.Series(pd.NaT, dtype="datetime64[ns]")


def registry(seed: int, per_site: int = 300, *, case_mix: bool = True,
             pending_site: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Frames of a registry whose sites differ only in case-mix and follow-up.

    Success at 12 months depends on severity (Pfirrmann grade, opioid use), smoking,
    baseline ODI and treatment, never on the site. Answers are missing completely at random
    within a site (20% answer at the poor follow-up site, 85% elsewhere); a subsequent
    surgery stops follow-up (status ``stopped``) and is always known.
    """
    rng = np.random.default_rng(seed)
    site = np.repeat(SITES + ([pending_site] if pending_site else []), per_site)
    n = len(site)
    shift = np.array([SEVERITY.get(s, 0.0) for s in site]) if case_mix else np.zeros(n)
    severity = rng.normal(shift, 1.0) if case_mix else np.zeros(n)
    varies = 1.0 if case_mix else 0.0
    bodi = np.round(np.clip(47 + varies * rng.normal(0, 13, n), 12, 92) / 2) * 2
    pfirrmann = np.clip(np.round(3.6 + 0.8 * severity), 2, 5)
    opioid = rng.random(n) < expit(-0.9 + severity) if case_mix else np.zeros(n, bool)
    smoker = rng.random(n) < 0.22 if case_mix else np.zeros(n, bool)
    fusion = rng.random(n) < expit(-0.5 + 0.8 * severity) if case_mix else np.zeros(n, bool)
    pct = (42 + 8 * fusion - 9 * (pfirrmann - 3.6) - 8 * opioid - 5 * smoker - 0.2 * (bodi - 47)
           + rng.normal(0, 18, n))
    odi12 = np.round(np.clip(bodi * (1 - pct / 100), 0, 100))
    surgery = rng.random(n) < expit(-1.5 + 0.5 * severity + 1.2 * (pct < 15))
    answered = ~surgery & (rng.random(n) < np.array([RESPONSE.get(s, 0.85) for s in site]))
    start = pd.Timestamp("2023-01-02") + pd.to_timedelta(rng.integers(0, 365, n), unit="D")
    ids = [f"P{i:05d}" for i in range(n)]
    treatment = np.where(fusion, "fusion", "conservative")
    patients = pd.DataFrame({
        "patient_id": ids, "site": site, "physician": [f"{s}-D{d}" for s, d in zip(site, rng.integers(1, 3, n),
                                                                                    strict=True)],
        "treatment": treatment, "treatment_class": [TREATMENTS[t] for t in treatment], "treatment_date": start,
        "age": np.clip(45 + varies * rng.normal(0, 11, n), 18, 85), "sex": "female", "bmi": 27.0,
        "smoker": smoker, "symptom_months": 20.0, "baseline_odi": bodi, "baseline_nrs_back": 6.0,
        "baseline_nrs_leg": 3.0, "pfirrmann_max": pfirrmann, "modic": 0, "n_levels": 1, "prior_surgery": False,
        "working": True, "opioid_use": opioid,
        "surgery_date": start + pd.to_timedelta(np.where(surgery, rng.integers(30, 330, n), -1), unit="D"),
        "death_date": NAT.reindex(range(n)), "withdrawal_date": NAT.reindex(range(n)),
        "lost_date": NAT.reindex(range(n)), "status_known_date": start + pd.Timedelta(days=400),
    })
    patients["surgery_date"] = patients["surgery_date"].where(surgery)
    status = np.where(surgery, "stopped", np.where(answered, "answered", "missed"))
    if pending_site:
        status = np.where(site == pending_site, "pending", status)
    base = pd.DataFrame({"patient_id": ids, "timepoint": "baseline", "months": 0.0, "status": "answered",
                         "odi": bodi})
    m12 = pd.DataFrame({"patient_id": ids, "timepoint": "m12", "months": 12.0, "status": status,
                        "odi": np.where(status == "answered", odi12, np.nan)})
    followups = pd.concat([base, m12], ignore_index=True)
    for column in ("nrs_back", "nrs_leg", "eq5d_index_us", "pgic"):
        followups[column] = np.nan
    followups["channel"] = np.where(followups["status"] == "answered", "web", None)
    return patients, followups


@pytest.fixture(scope="module")
def sites():
    patients, followups = registry(seed=7)
    result = Funnel(load_definitions(), unit="site", n_imputations=5, seed=3).fit(patients, followups)
    return result, patients


def test_completers_flag_follow_up_and_case_mix_that_the_adjusted_comparison_does_not(sites):
    result, _ = sites
    u = result.units.set_index("unit")
    # The completers comparison flags the poorly followed site (it keeps its surgeries but loses
    # answers) and both sites with unusual patients.
    assert set(u.index[u["completers_outside_99_8"].astype(bool)]) >= {POOR_FOLLOW_UP, HARD_CASES, EASY_CASES}
    # All treated, raw: follow-up alone no longer moves a site; case-mix still does.
    assert not u.loc[POOR_FOLLOW_UP, "rate_outside_99_8"]
    assert u.loc[HARD_CASES, "rate_outside_99_8"] and u.loc[EASY_CASES, "rate_outside_99_8"]
    # All treated, adjusted for case-mix: no site is unusual, and the spread shrinks (as the
    # Norwegian spine registry's raw hospital differences of up to 25 points shrank to 2-4).
    assert not u["outside_99_8"].any()
    completers_spread = u["completers_rate"].max() - u["completers_rate"].min()
    adjusted_spread = u["adjusted_rate"].max() - u["adjusted_rate"].min()
    assert adjusted_spread < completers_spread / 3
    assert ((u["oe_ci_low"] < 1) & (u["oe_ci_high"] > 1)).sum() >= 7
    for name in (HARD_CASES, EASY_CASES):
        low, high = u.loc[name, ["adjusted_ci_low", "adjusted_ci_high"]]
        assert low < result.overall_rate < high


def test_every_row_carries_its_counts_rates_and_the_json_says_measure_and_method(sites):
    result, patients = sites
    data = json.loads(json.dumps(result.to_dict(), allow_nan=False))
    assert "all treated" in data["measure"] and "imputed" in data["measure"]
    assert "indirect standardization" in data["methods"]["adjusted"] and data["n_imputations"] == 5
    row = data["units"][0]
    for key in ("unit", "n_treated", "n_due", "n_answered", "completeness", "rate", "rate_ci_low", "rate_ci_high",
                "expected_rate", "oe_ratio", "oe_ci_low", "oe_ci_high", "adjusted_rate", "adjusted_ci_low",
                "adjusted_ci_high", "completers_rate", "outside_95", "outside_99_8", "reason", "n"):
        assert key in row, key
    u = result.units.set_index("unit")
    assert (u["n_treated"] == patients["site"].value_counts().sort_index()).all()
    assert (u["n"] == u["n_due"]).all() and (u["reason"] == "").all()
    assert u.loc[POOR_FOLLOW_UP, "completeness"] < 0.45 < u.loc["S01", "completeness"]
    # Logistic regression with an intercept reproduces the total: sum of expected = sum of
    # observed successes over the registry (the score equation of the intercept), so the
    # adjusted rates centre on the overall rate.
    expected = (u["expected_rate"] * u["n_due"]).sum()
    observed = (u["rate"] * u["n_due"]).sum()
    assert expected == pytest.approx(observed, rel=1e-3)


def test_exact_binomial_limits_against_scipy_binom_and_the_hand_interpolation():
    """p0 = 0.3, n = 20, 99.8% limits (tail probabilities q = 0.001 and 0.999), from
    scipy.stats.binom directly and Spiegelhalter (2005, A.1.1) by hand:
    lower: P(X<=0) = 0.000798 < 0.001 <= P(X<=1) = 0.007637, so r = 1,
           a = (0.007637 - 0.001) / (0.007637 - 0.000798) = 0.970454, limit (1 - 0.970454)/20 = 0.001477;
    upper: P(X<=12) = 0.998721 < 0.999 <= P(X<=13) = 0.999739, so r = 13,
           a = (0.999739 - 0.999) / (0.999739 - 0.998721) = 0.726006, limit (13 - 0.726006)/20 = 0.613700."""
    cdf = stats.binom(20, 0.3).cdf
    assert cdf(0) == pytest.approx(0.000798, abs=1e-6) and cdf(1) == pytest.approx(0.007637, abs=1e-6)
    assert cdf(12) == pytest.approx(0.998721, abs=1e-6) and cdf(13) == pytest.approx(0.999739, abs=1e-6)
    low, high = binomial_limits(0.3, np.array([20]), 0.998)
    assert low[0] == pytest.approx((1 - (cdf(1) - 0.001) / (cdf(1) - cdf(0))) / 20, abs=1e-12)
    assert low[0] == pytest.approx(0.001477, abs=2e-6)
    assert high[0] == pytest.approx((13 - (cdf(13) - 0.999) / (cdf(13) - cdf(12))) / 20, abs=1e-12)
    assert high[0] == pytest.approx(0.613700, abs=2e-6)


def test_poisson_binomial_limits_by_hand_and_against_scipy():
    """Three patients with success probabilities 0.2, 0.5, 0.9 (hand):
    P(0) = .8*.5*.1 = 0.04; P(1) = .2*.5*.1 + .8*.5*.1 + .8*.5*.9 = 0.41;
    P(3) = .2*.5*.9 = 0.09; P(2) = 1 - 0.54 = 0.46; cumulative 0.04, 0.45, 0.91, 1.
    95% limits: q = 0.025 -> r = 0, a = (0.04 - 0.025) / 0.04 = 0.375, limit -0.375 (no site
    can fall below); q = 0.975 -> r = 3, a = (1 - 0.975) / 0.09 = 0.2778, limit 2.7222."""
    assert poisson_binomial_pmf([0.2, 0.5, 0.9]) == pytest.approx([0.04, 0.41, 0.46, 0.09], abs=1e-12)
    low, high = poisson_binomial_limits(np.array([0.2, 0.5, 0.9]), 0.95)
    assert low == pytest.approx(-0.375, abs=1e-9) and high == pytest.approx(3 - 0.025 / 0.09, abs=1e-9)
    p = np.random.default_rng(0).uniform(0.05, 0.95, 60)
    assert poisson_binomial_pmf(p) == pytest.approx(stats.poisson_binom(p).pmf(np.arange(61)), abs=1e-12)
    # Equal probabilities: the binomial, so the same limits as binomial_limits (as counts).
    low, high = poisson_binomial_limits(np.full(50, 0.5), 0.95)
    b_low, b_high = binomial_limits(0.5, np.array([50]), 0.95)
    assert low == pytest.approx(50 * b_low[0], abs=1e-9) and high == pytest.approx(50 * b_high[0], abs=1e-9)
    assert low / 50 == pytest.approx(0.350703, abs=1e-5)  # the hand value in test_outcomes_report


def test_observed_over_expected_pooled_by_hand():
    """One site of 4 patients, 2 imputations. Imputation 1: successes 1,1,0,0 (O = 2),
    predicted 0.5 each (E = 2); imputation 2: 1,1,1,0 (O = 3), predicted .6,.6,.4,.4 (E = 2).
    O/E = mean O / mean E = 2.5 / 2 = 1.25. Rubin on log O/E: Q = (0, ln 1.5 = 0.405465),
    Q-bar = 0.202733; within var (1 - O/n)/O = 0.25 and 0.083333, U-bar = 0.166667;
    B = 0.405465^2 / 2 = 0.082201; T = U-bar + 1.5 B = 0.289968; lambda = 1.5 B / T = 0.425224;
    df_old = 1 / lambda^2 = 5.530496; df_obs = (3+1)/(3+3) * 3 * (1 - lambda) = 1.149552
    (n - 1 = 3 complete-data df, Barnard and Rubin 1999); df = 1/(1/5.530496 + 1/1.149552)
    = 0.951728; interval exp(Q-bar -/+ t(0.975, df) sqrt(T))."""
    ratios = standardized_ratios([[2.0], [3.0]], [[2.0], [2.0]], [4], alpha=0.05)
    assert ratios.ratio[0] == pytest.approx(1.25)
    half = stats.t.ppf(0.975, 0.951728) * math.sqrt(0.289968)
    assert ratios.ci_low[0] == pytest.approx(math.exp(0.202733 - half), rel=1e-4)
    assert ratios.ci_high[0] == pytest.approx(math.exp(0.202733 + half), rel=1e-4)


def test_without_case_mix_differences_the_adjusted_rate_is_the_raw_rate():
    """Every patient alike: the model is its intercept, each patient's expected probability is
    the overall rate, so E = n x overall rate and O/E x overall rate = O / n (hand algebra)."""
    patients, followups = registry(seed=11, per_site=60, case_mix=False)
    imputations = impute_scores(Cohort.from_frames(patients, followups), ["odi"], m=3, seed=1)
    result = Funnel(unit="site").fit(patients, followups, imputations=imputations)
    u = result.units
    assert result.n_imputations == 3 and result.model["parameters"] == 1
    assert u["expected_rate"].to_numpy() == pytest.approx(np.full(8, result.overall_rate), abs=1e-6)
    assert u["adjusted_rate"].to_numpy() == pytest.approx(u["rate"].to_numpy(), abs=1e-6)


def test_a_site_with_no_patient_due_has_no_figures_and_says_why():
    patients, followups = registry(seed=5, per_site=60, pending_site="S09")
    result = Funnel(unit="site", n_imputations=2).fit(patients, followups)
    row = json.loads(json.dumps(result.to_dict(), allow_nan=False))["units"][-1]
    assert row["unit"] == "S09" and row["n_treated"] == 60 and row["n_due"] == 0
    for key in ("rate", "rate_ci_low", "oe_ratio", "adjusted_rate", "completers_rate", "completeness",
                "outside_95", "outside_99_8"):
        assert row[key] is None, key
    assert "no patient of this site is due at this time point yet" in row["reason"]


def test_a_small_registry_is_compared_raw_and_says_why_it_is_not_adjusted():
    patients, followups = registry(seed=5, per_site=10)
    result = Funnel(unit="site", n_imputations=2).fit(patients, followups)
    u = result.units
    assert u["rate"].notna().all() and u["adjusted_rate"].isna().all() and u["outside_99_8"].isna().all()
    assert u["reason"].str.contains("case-mix adjustment not computed: too few patients for the case-mix model").all()
    assert "too few patients" in result.model["reason"]


def test_no_answers_at_the_time_point_means_no_imputed_rate():
    patients, followups = registry(seed=5, per_site=40)
    followups.loc[followups["status"] == "answered", ["status", "odi", "channel"]] = ["missed", np.nan, None]
    followups.loc[followups["timepoint"] == "baseline", ["status", "odi", "channel"]] = ["answered", 40.0, "web"]
    result = Funnel(unit="site", n_imputations=2).fit(patients, followups)
    u = result.units
    assert u["rate"].isna().all() and u["adjusted_rate"].isna().all() and np.isnan(result.overall_rate)
    assert (u["reason"] == "no answers at this time point").all() and result.reason == "no answers at this time point"
    assert u["rate_outside_95"].isna().all()
    assert json.dumps(result.to_dict(), allow_nan=False)


def test_a_site_none_of_whose_patients_answered_has_no_imputed_rate():
    patients, followups = registry(seed=5, per_site=60)
    silent = followups["patient_id"].isin(patients.loc[patients["site"] == "S05", "patient_id"])
    followups.loc[silent & (followups["status"] == "answered") & (followups["timepoint"] == "m12"),
                  ["status", "odi", "channel"]] = ["missed", np.nan, None]
    u = Funnel(unit="site", n_imputations=2).fit(patients, followups).units.set_index("unit")
    assert np.isnan(u.loc["S05", "rate"]) and u.loc["S05", "completeness"] == 0
    assert "no patient of this site answered at this time point" in u.loc["S05", "reason"]
    assert u.drop(index="S05")["rate"].notna().all()


def test_imputations_for_other_patients_are_refused():
    patients, followups = registry(seed=5, per_site=20)
    other = impute_scores(Cohort.from_frames(*registry(seed=6, per_site=21)), ["odi"], m=2)
    with pytest.raises(ValueError, match="imputations were drawn for other patients"):
        Funnel(unit="site").fit(patients, followups, imputations=other)
