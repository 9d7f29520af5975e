"""build_report on a small simulated registry: schema, JSON, sections and their reasons, figures."""

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
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
from disctrack.outcomes.funnel import binomial_limits
from disctrack.outcomes.plots import calibration_figure, funnel_figure, km_figure, trajectory_figure
from disctrack.outcomes.report import SECTIONS, Profile, cohort_summary, run_report

SRC = Path(__file__).resolve().parents[2] / "src"


@pytest.fixture(scope="module")
def quick():
    """The current definitions with fewer candidacy bootstrap refits, to keep the test fast."""
    text = load_definitions().text
    assert "\n  n_bootstrap: 200\n" in text
    return parse_definitions(text.replace("\n  n_bootstrap: 200\n", "\n  n_bootstrap: 10\n"))


@pytest.fixture(scope="module")
def report(quick):
    patients, followups, complications, _ = simulate_cohort(1500, 21)
    return build_report(patients, followups, complications, quick, seed=21, n_imputations=3, n_bootstrap=10)


def test_to_dict_is_json_with_the_documented_top_level_keys(report):
    data = json.loads(json.dumps(report.to_dict(), allow_nan=False))
    assert list(data) == ["schema_version", "definitions", "settings", "cohort", "headline", "outcomes",
                          "tipping_point", "survival", "complications", "comparison", "candidacy", "funnel",
                          "unavailable"]
    assert data["definitions"]["version"] == "v2" and "min_cell_size: 11" in data["definitions"]["text"]
    for section in ("outcomes", "tipping_point", "survival", "complications", "candidacy"):
        assert data[section]["definitions"]["version"] == "v2"
    assert data["settings"] == {"profile": "custom", "seed": 21, "n_imputations": 3, "n_bootstrap": 10,
                                "candidacy_bootstrap": 10}
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


def test_every_section_is_computed_or_says_why(report):
    data = report.to_dict()
    sections = {"outcomes": data["outcomes"], "tipping_point": data["tipping_point"],
                "survival": data["survival"], "complications": data["complications"],
                "comparison_class": data["comparison"]["by_class"],
                "comparison_biologic": data["comparison"]["by_biologic"], "candidacy": data["candidacy"],
                "funnel_site": data["funnel"]["site"], "funnel_physician": data["funnel"]["physician"]}
    assert set(sections) == set(SECTIONS)
    for name, section in sections.items():
        assert (section is None) == (name in data["unavailable"]), name
        assert section is not None or data["unavailable"][name].strip(), name
    assert data["outcomes"] is not None and data["comparison"]["by_class"] is not None


def test_a_section_the_data_cannot_support_is_null_with_its_reason_and_the_others_stand(quick):
    patients, followups, complications, _ = simulate_cohort(300, 5)
    keep = patients["treatment_class"] == "fusion"
    ids = set(patients.loc[keep, "patient_id"])
    report = build_report(patients[keep].reset_index(drop=True),
                          followups[followups["patient_id"].isin(ids)].reset_index(drop=True),
                          complications[complications["patient_id"].isin(ids)].reset_index(drop=True),
                          quick, seed=1, n_imputations=2, n_bootstrap=2)
    data = json.loads(json.dumps(report.to_dict(), allow_nan=False))
    assert data["comparison"]["by_class"] is None
    assert "two or more treatment groups" in data["unavailable"]["comparison_class"]
    assert data["candidacy"] is None and "two different treatments" in data["unavailable"]["candidacy"]
    assert data["outcomes"] is not None and data["survival"] is not None and data["complications"] is not None
    assert [row["group"] for row in data["headline"]] == ["fusion"]


def test_the_cohort_summary_counts_completeness_one_way():
    """Hand count: after treatment, 3 answered and 1 missed are asked for, 3 / (3 + 1) = 0.75;
    the protocol-stopped, dead and withdrawn time points and the baseline are outside."""
    day = pd.Timestamp("2025-01-06")
    patients = pd.DataFrame({"patient_id": ["a", "b"], "site": ["s1", "s1"], "physician": ["x", "y"],
                             "treatment": ["msc", "fusion"], "treatment_date": [day, day],
                             "surgery_date": [pd.NaT, day + pd.Timedelta(days=40)],
                             "death_date": [pd.NaT, pd.NaT], "withdrawal_date": [pd.NaT, pd.NaT]})
    statuses = ["answered", "answered", "answered", "missed", "stopped", "stopped", "dead", "withdrawn",
                "pending", "not_due"]
    followups = pd.DataFrame({"patient_id": ["a"] * 6 + ["b"] * 6,
                              "timepoint": ["baseline", "m3", "m6", "m12", "m24", "m60"] * 2,
                              "status": ["missed", *statuses[:5], "answered", *statuses[5:]]})
    cohort = cohort_summary(patients, followups)
    assert (cohort["n_followups_answered"], cohort["n_followups_missed"], cohort["n_followups_stopped"],
            cohort["n_followups_due"]) == (3, 1, 2, 4)
    assert cohort["completeness"] == 0.75
    assert cohort["n_surgery"] == 1 and cohort["n_patients"] == 2


def test_settings_that_cannot_work_are_refused_with_a_clear_message():
    with pytest.raises(ValueError, match="n_imputations must be at least 2"):
        Profile("custom", n_imputations=1)
    with pytest.raises(ValueError, match="n_bootstrap must be at least 1"):
        Profile("custom", n_bootstrap=0)
    patients, followups, complications, _ = simulate_cohort(30, 2)
    with pytest.raises(ValueError, match="unknown report sections: headline"):
        run_report(patients, followups, complications, sections=("outcomes", "headline"))
