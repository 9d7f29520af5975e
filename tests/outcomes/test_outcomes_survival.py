"""Survival estimates against the Freireich 6-MP data (reference/freireich_6mp.csv)."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from lifelines import AalenJohansenFitter, KaplanMeierFitter

from disctrack.outcomes.cohort import DAYS_PER_MONTH
from disctrack.outcomes.frames import PATIENT_COLUMNS, TREATMENTS
from disctrack.outcomes.survival import SurgerySurvival, surgery_times

REF = Path(__file__).parent / "reference"
START = pd.Timestamp("2020-01-01")


def _patients(weeks, event, group, death_weeks=None):
    n = len(weeks)
    end = START + pd.to_timedelta(np.asarray(weeks) * 7, unit="D")
    death = pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns]")
    if death_weeks is not None:
        death = pd.Series(START + pd.to_timedelta(np.asarray(death_weeks) * 7, unit="D"))
    treatment = np.broadcast_to(np.asarray(group, dtype=object), (n,))
    case_mix = {c.name: np.nan for c in PATIENT_COLUMNS if c.nullable and c.kind != "date"}
    return pd.DataFrame({
        **case_mix, "site": "S1", "physician": "S1-D1",
        "patient_id": [f"P{i}" for i in range(n)], "treatment": treatment,
        "treatment_class": [TREATMENTS[t] for t in treatment],
        "treatment_date": START, "surgery_date": pd.Series(end).where(np.asarray(event) == 1),
        "death_date": death, "withdrawal_date": pd.NaT, "lost_date": pd.NaT, "status_known_date": end,
    })


@pytest.fixture(scope="module")
def gehan():
    data = pd.read_csv(REF / "freireich_6mp.csv", comment="#")
    return _patients(data["weeks"], data["event"], np.where(data["group"] == "6mp", "msc", "conservative"))


def test_kaplan_meier_matches_kleinbaum_6mp_table(gehan):
    """Kleinbaum & Klein 2012 ch. 2 (= R survfit) 6-MP KM values to 3 decimals; tol 5e-4."""
    result = SurgerySurvival(level="treatment").fit(gehan)
    curve = result.curves["msc"].iloc[:, 0]
    weeks = np.round(curve.index.to_numpy() * DAYS_PER_MONTH / 7).astype(int)
    at = dict(zip(weeks, curve.to_numpy(), strict=True))
    expected = {6: 0.857, 7: 0.807, 10: 0.753, 13: 0.690, 16: 0.627, 22: 0.538, 23: 0.448}
    for week, value in expected.items():
        assert at[week] == pytest.approx(value, abs=5e-4), week


def test_log_rank_matches_published_chi_square(gehan):
    """R survdiff on the Freireich data: chi-square 16.79, 1 df; tolerance 0.01."""
    result = SurgerySurvival().fit(gehan)
    assert result.logrank["statistic"] == pytest.approx(16.79, abs=0.01)
    assert result.logrank["df"] == 1
    assert result.logrank["p_value"] < 1e-4


def test_cumulative_incidence_without_deaths_equals_one_minus_km(gehan):
    """With no competing event Aalen-Johansen reduces to 1 - KM (tolerance 1e-3, AJ jitter)."""
    table = SurgerySurvival().fit(gehan).table
    ok = table["km_surgery_free"].notna()
    np.testing.assert_allclose(table.loc[ok, "cif_surgery"], 1 - table.loc[ok, "km_surgery_free"], atol=1e-3)


def test_cumulative_incidence_with_deaths_matches_lifelines():
    """Reference: lifelines AalenJohansenFitter fitted directly (same seed); tolerance 1e-9."""
    rng = np.random.default_rng(4)
    weeks = rng.integers(10, 400, 200).astype(float)
    event = rng.random(200) < 0.4
    death = np.where(~event & (rng.random(200) < 0.5), weeks, np.nan)
    pts = _patients(weeks, event.astype(int), "msc", death)
    times = surgery_times(pts)
    assert set(times["event"]) == {0, 1, 2}
    table = SurgerySurvival(seed=7).fit(pts).table
    ajf = AalenJohansenFitter(seed=7).fit(times["months"], times["event"], event_of_interest=1)
    cif = ajf.cumulative_density_.iloc[:, 0]
    for _, row in table[table["cif_surgery"].notna()].iterrows():
        ref = cif[cif.index <= row["horizon_months"]].iloc[-1]
        assert row["cif_surgery"] == pytest.approx(ref, abs=1e-9)
        assert row["cif_surgery"] <= 1 - row["km_surgery_free"] + 1e-9


def test_censoring_at_death_or_withdrawal_before_the_status_known_date():
    pts = _patients([52.0, 52.0], [0, 0], "fusion", [10.0, np.nan])
    times = surgery_times(pts)
    assert times["event"].tolist() == [2, 0]
    assert times["months"].iloc[0] == pytest.approx(70 / DAYS_PER_MONTH)


def _at_months(months) -> pd.Series:
    days = np.round(np.asarray(months, dtype=float) * DAYS_PER_MONTH)
    return pd.Series(START + pd.to_timedelta(days, unit="D"))


@pytest.fixture
def known_later():
    """Five patients, months from treatment. Patient 1 answered last at 3 months but staff
    knew at a clinic visit at 13 months that she had had no operation."""
    pts = _patients([6, 13, 9, 4, 24], [1, 0, 1, 0, 0], "msc")
    pts["surgery_date"] = _at_months([6, np.nan, 9, np.nan, np.nan])
    pts["death_date"] = _at_months([np.nan, np.nan, np.nan, 4, np.nan])
    pts["status_known_date"] = _at_months([6, 13, 9, 4, 24])
    return pts


def test_a_patient_known_surgery_free_stays_at_risk_until_the_status_known_date(known_later):
    """By hand (Kaplan-Meier product-limit): at 6 months 4 at risk, 1 surgery -> 3/4; at 9
    months 3 at risk (9, 13, 24), 1 surgery -> 3/4 * 2/3 = 0.5 at 12 months. Censoring the
    second patient at her last questionnaire (3 months) would give 2/3 * 1/2 = 1/3."""
    times = surgery_times(known_later)
    assert times["event"].tolist() == [1, 0, 1, 2, 0]
    assert times["months"].iloc[1] == pytest.approx(13, abs=0.02)
    row = SurgerySurvival().fit(known_later).table.query("horizon_months == 12").iloc[0]
    assert row["km_surgery_free"] == pytest.approx(0.5, abs=1e-9)
    assert row["n_at_risk"] == 2


def test_kaplan_meier_matches_lifelines_on_hand_made_durations(known_later):
    """Reference: lifelines KaplanMeierFitter on the durations and events written out by
    hand from the dates (surgery at its date; otherwise the earliest of death, withdrawal and
    status known); tolerance 1e-12."""
    withdrawn = known_later.copy()
    withdrawn.loc[4, "withdrawal_date"] = _at_months([18])[0]
    durations = [6, 13, 9, 4, 18]
    surgery = [True, False, True, False, False]
    reference = KaplanMeierFitter().fit(np.round(np.array(durations) * DAYS_PER_MONTH) / DAYS_PER_MONTH,
                                        surgery)
    result = SurgerySurvival(level="treatment").fit(withdrawn)
    curve = result.curves["msc"].iloc[:, 0]
    expected = reference.survival_function_.iloc[:, 0]
    np.testing.assert_allclose(curve.to_numpy(), expected.to_numpy(), atol=1e-12)
    np.testing.assert_allclose(curve.index.to_numpy(), expected.index.to_numpy(), atol=1e-12)


def test_a_group_without_surgery_gets_an_exact_interval_not_certainty():
    """With no event the log(-log) interval collapses to [1, 1] and covered the truth only
    0.65 of the time in the simulation study. Reference: statsmodels' Clopper-Pearson
    interval for 0 events among the 30 patients followed to 12 months."""
    from statsmodels.stats.proportion import proportion_confint

    n = 40
    start = pd.Timestamp("2024-01-01")
    months = np.r_[np.full(30, 18.0), np.full(10, 6.0)]
    end = start + pd.to_timedelta(months * 30.4375, unit="D").round("D")
    patients = pd.DataFrame({
        **{c: np.nan for c in ("age", "bmi", "symptom_months", "baseline_odi", "baseline_nrs_back",
                               "baseline_nrs_leg", "pfirrmann_max", "modic", "n_levels")},
        **{c: None for c in ("sex", "smoker", "prior_surgery", "working", "opioid_use")},
        "patient_id": [f"P{i}" for i in range(n)], "site": "S1", "physician": "D1", "treatment": "prp",
        "treatment_class": "biologic", "treatment_date": start, "surgery_date": pd.NaT, "death_date": pd.NaT,
        "withdrawal_date": pd.NaT, "lost_date": pd.NaT, "status_known_date": end,
    })
    row = SurgerySurvival().fit(patients).table.set_index("horizon_months").loc[12.0]
    surgery_low, surgery_high = proportion_confint(0, 30, alpha=0.05, method="beta")
    assert row["km_surgery_free"] == 1.0 and row["km_ci_high"] == 1.0
    assert row["km_ci_low"] == pytest.approx(1 - surgery_high, abs=1e-9) and row["km_ci_low"] < 1
    assert row["cif_surgery"] == 0.0 and row["cif_ci_high"] == pytest.approx(surgery_high, abs=1e-9)
