"""Input contract and definitions: problems are reported up front, by name."""

import numpy as np
import pandas as pd
import pytest

from disctrack.outcomes import (
    DefinitionsError,
    FrameError,
    check_frames,
    load_definitions,
    parse_definitions,
)
from disctrack.outcomes.endpoints import binary_endpoints
from disctrack.outcomes.simulate import simulate_cohort


@pytest.fixture(scope="module")
def frames():
    return simulate_cohort(200, 5)[:3]


def test_simulated_frames_follow_the_contract(frames):
    check_frames(*frames)


def test_missing_column_is_named(frames):
    patients, followups, complications = frames
    with pytest.raises(FrameError, match="patients lacks columns: bmi"):
        check_frames(patients.drop(columns="bmi"), followups, complications)


def test_unknown_codes_ranges_and_dates_are_all_listed(frames):
    patients, followups, complications = (f.copy() for f in frames)
    patients.loc[0, "treatment"] = "acupuncture"
    patients.loc[1, "baseline_odi"] = 130.0
    followups.loc[0, "status"] = "lost"
    with pytest.raises(FrameError) as err:
        check_frames(patients, followups, complications)
    message = str(err.value)
    assert "patients.treatment has unknown values acupuncture" in message
    assert "patients.baseline_odi outside [0, 100] in 1 rows (patient_id: P000001)" in message
    assert "followups.status has unknown values lost" in message


def test_cross_frame_consistency(frames):
    patients, followups, complications = (f.copy() for f in frames)
    patients.loc[2, "surgery_date"] = patients.loc[2, "treatment_date"] - pd.Timedelta(days=3)
    extra = followups.iloc[[0]].assign(patient_id="NOBODY")
    with pytest.raises(FrameError) as err:
        check_frames(patients, pd.concat([followups, extra]), complications)
    assert "surgery_date is before treatment_date for P000002" in str(err.value)
    assert "followups.patient_id not in patients: NOBODY" in str(err.value)


def test_current_definitions_are_stamped_on_results_and_v1_stays_loadable():
    defs = load_definitions()
    stamp = defs.stamp()
    assert stamp["version"] == "v2" and len(stamp["sha256"]) == 64
    assert load_definitions("v1").version == "v1", "a released version is never dropped"
    assert "not had a subsequent lumbar surgery" in stamp["scores_after_surgery"]
    assert stamp["mic"]["odi"] == {"points": 10.0, "percent": 30.0, "source": defs.instruments["odi"].source}
    assert "no subsequent lumbar surgery" in stamp["success"]
    assert defs.primary_timepoint == "m12" and defs.min_cell_size == 11


def test_definitions_validation_names_the_problem():
    text = load_definitions().text
    with pytest.raises(DefinitionsError, match="confidence_level must be between"):
        parse_definitions(text.replace("confidence_level: 0.95", "confidence_level: 95"))
    with pytest.raises(DefinitionsError, match="lack keys: primary_timepoint"):
        parse_definitions(text.replace("primary_timepoint: m12\n", ""))


def test_endpoints_ostelo_thresholds_and_surgery_as_failure():
    """Ostelo 2008 MIC for ODI: 10 points or 30%; success needs >= 30%; surgery = failure."""
    defs = load_definitions()
    baseline = np.array([50.0, 50.0, 20.0, 50.0, 50.0, 0.0])
    score = np.array([35.0, 41.0, 14.0, np.nan, 10.0, 0.0])
    surgery = np.array([False, False, False, False, True, False])
    out = binary_endpoints(score, baseline, surgery, defs)
    np.testing.assert_array_equal(out["success"], [1, 0, 1, np.nan, 0, 0])
    np.testing.assert_array_equal(out["responder"], [1, 0, 1, np.nan, 0, 0])
    np.testing.assert_array_equal(out["failure"], [0, 1, 0, np.nan, 1, 1])


def test_one_treatment_group_is_refused_by_name_for_comparison_and_candidacy(frames):
    from disctrack.outcomes import CandidacyModel, TreatmentComparison

    patients, followups, _ = frames
    only = patients[patients["treatment"] == "fusion"]
    followups = followups[followups["patient_id"].isin(only["patient_id"])]
    with pytest.raises(ValueError, match=r"two or more treatment groups with at least \d+ patients due at the primary time point; "
                                         r"due: fusion \d+"):
        TreatmentComparison(n_imputations=2, n_bootstrap=0).fit(only, followups)
    with pytest.raises(ValueError, match="candidacy models need patients given at least two different treatments"):
        CandidacyModel(n_bootstrap=0).fit(only, followups)
