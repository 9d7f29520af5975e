"""build_report on a small simulated registry: schema, JSON, figures, candidacy, funnel."""

import copy
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from matplotlib.figure import Figure
from scipy import stats

from disctrack.outcomes import (
    build_report,
    load_definitions,
    parse_definitions,
    simulate_cohort,
    suppress_small_cells,
)
from disctrack.outcomes.candidacy import WEAK_AUC
from disctrack.outcomes.funnel import binomial_limits
from disctrack.outcomes.plots import calibration_figure, funnel_figure, km_figure, trajectory_figure

SRC = Path(__file__).resolve().parents[2] / "src"
NEW_PATIENT = {"age": 44, "sex": "female", "bmi": 27, "smoker": False, "symptom_months": 20, "baseline_odi": 48,
               "baseline_nrs_back": 6, "pfirrmann_max": 4, "modic": 1, "n_levels": 1, "prior_surgery": False,
               "working": True, "opioid_use": False}


@pytest.fixture(scope="module")
def quick():
    """v1 with fewer candidacy bootstrap refits, to keep the test fast."""
    return parse_definitions(load_definitions().text.replace("  n_bootstrap: 50", "  n_bootstrap: 10"))


@pytest.fixture(scope="module")
def report(quick):
    patients, followups, complications, _ = simulate_cohort(1500, 21)
    return build_report(patients, followups, complications, quick, seed=21, n_imputations=3, n_bootstrap=10)


def test_to_dict_is_json_with_the_documented_top_level_keys(report):
    data = json.loads(json.dumps(report.to_dict(), allow_nan=False))
    assert list(data) == ["schema_version", "definitions", "settings", "cohort", "headline", "outcomes",
                          "tipping_point", "survival", "complications", "comparison", "candidacy", "funnel"]
    assert data["definitions"]["version"] == "v1" and "min_cell_size: 11" in data["definitions"]["text"]
    for section in ("outcomes", "tipping_point", "survival", "complications", "candidacy"):
        assert data[section]["definitions"]["version"] == "v1"
    assert {"n_treated", "n_due", "completeness"} <= set(data["headline"][0])


def test_same_seed_same_report(quick):
    patients, followups, complications, _ = simulate_cohort(300, 3)
    one = build_report(patients, followups, complications, quick, seed=1, n_imputations=2, n_bootstrap=3).to_dict()
    two = build_report(patients, followups, complications, quick, seed=1, n_imputations=2, n_bootstrap=3).to_dict()
    assert json.dumps(one) == json.dumps(two)


def test_public_version_has_no_count_between_1_and_10(report):
    public = suppress_small_cells(report.to_dict(), min_cell=11)

    def counts(node):
        if isinstance(node, dict):
            for k, v in node.items():
                if (k == "n" or k.startswith("n_")) and isinstance(v, int | float) and k not in (
                        "n_imputations", "n_bootstrap"):
                    yield k, v
                yield from counts(v)
        elif isinstance(node, list):
            for v in node:
                yield from counts(v)

    shown = [(k, v) for k, v in counts(public) if v is not None]
    assert shown and not [(k, v) for k, v in shown if 1 <= v < 11 and k != "n_sites"]


def test_figures_are_matplotlib_figures(report):
    for fig in (funnel_figure(report.funnel_site), trajectory_figure(report.outcomes), km_figure(report.survival),
                calibration_figure(report.candidacy)):
        assert isinstance(fig, Figure) and fig.axes


def test_candidacy_predicts_and_withholds_with_reasons(report):
    perf = report.candidacy.performance.set_index("treatment")
    assert 0.5 < perf.loc["fusion", "auc"] <= 1 and 0 < perf.loc["fusion", "brier"] < 0.25
    out = report.candidacy.predict(NEW_PATIENT)
    fusion = out["fusion"]
    assert fusion["withheld_reason"] == "" and fusion["interval"][0] <= fusion["probability"] <= fusion["interval"][1]
    assert f"about {round(fusion['probability'] * 10)} in 10" in fusion["text"]
    assert fusion["auc"] == pytest.approx(perf.loc["fusion", "auc"])
    assert (fusion["caution"] == "") == (fusion["auc"] >= WEAK_AUC)
    assert out["other_biologic"]["probability"] is None and out["other_biologic"]["withheld_reason"]
    young = report.candidacy.predict({**NEW_PATIENT, "age": 18})["fusion"]
    assert young["probability"] is None and "age 18 outside" in young["withheld_reason"]
    with pytest.raises(ValueError, match="unknown case-mix keys: height"):
        report.candidacy.predict({"height": 180})


def test_a_model_no_better_than_chance_says_so_beside_its_estimate(report):
    weak = copy.copy(report.candidacy)
    weak.performance = report.candidacy.performance.assign(
        auc=lambda p: p["auc"].where(p["treatment"] != "fusion", 0.48))
    fusion = weak.predict(NEW_PATIENT)["fusion"]
    assert fusion["probability"] is not None and fusion["auc"] == 0.48
    assert "cannot yet tell which of these patients do better (cross-validated AUC 0.48)" in fusion["caution"]


def test_funnel_limits_spiegelhalter_hand_value_and_normal_limit():
    """Hand (Spiegelhalter 2005 A.1.1), p0=0.5, n=50, q=0.025: r=18, P(X<=18)=0.032454,
    P(X<=17)=0.016419, a=(0.032454-0.025)/0.016035=0.46487, limit=(18-0.46487)/50=0.350703
    (binomial sums by math.comb). Large n: within 0.002 of p0 -/+ 1.96 sqrt(p0 q0 / n)."""
    cdf = lambda r: sum(math.comb(50, k) for k in range(r + 1)) / 2**50  # noqa: E731
    a = (cdf(18) - 0.025) / (cdf(18) - cdf(17))
    low, _ = binomial_limits(0.5, np.array([50]), 0.95)
    assert low[0] == pytest.approx((18 - a) / 50, abs=1e-9)
    assert low[0] == pytest.approx(0.350703, abs=1e-5)
    low, high = binomial_limits(0.3, np.array([10000]), 0.95)
    half = stats.norm.ppf(0.975) * math.sqrt(0.3 * 0.7 / 10000)
    assert low[0] == pytest.approx(0.3 - half, abs=0.002) and high[0] == pytest.approx(0.3 + half, abs=0.002)


def test_package_never_imports_django():
    code = "import sys, disctrack.outcomes, disctrack.outcomes.plots; sys.exit('django' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], env={"PYTHONPATH": str(SRC)}, capture_output=True)
    assert done.returncode == 0, done.stderr
