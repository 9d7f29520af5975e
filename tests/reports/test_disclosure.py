"""Published reports: no count below 11, and none that arithmetic would reveal."""

from __future__ import annotations

from tests.reports.public_checks import assert_no_small_counts

from disctrack.outcomes import load_definitions
from disctrack.outcomes.disclosure import audit, public_report
from disctrack.reports.public import public_summary


def report(**sections) -> dict:
    base = {"definitions": load_definitions().stamp(), "cohort": {"n_patients": 40, "n_by_treatment": {}},
            "funnel": {"site": None, "physician": {"units": [{"unit": "Dr. A", "n": 40}]}}}
    return {**base, **sections}


def counts_row(group: str = "fusion", **counts) -> dict:
    base = {"n_treated": 40, "n_due": 40, "n_answered": 30, "n_pending": 0, "n_not_due": 0, "n_dead": 0,
            "n_withdrawn": 0, "n_surgery": 0}
    base.update(counts)
    base["completeness"] = base["n_answered"] / base["n_due"] if base["n_due"] else None
    return {"group": group, "level": "treatment_class", "timepoint": "m12", "months": 12.0, **base}


def test_a_total_minus_a_shown_part_may_not_be_small():
    rows = [counts_row(n_due=35, n_answered=30, n_pending=5)]
    original = report(outcomes={"primary_timepoint": "m12", "counts": rows})
    public = public_report(original, 11)
    row = public["outcomes"]["counts"][0]
    assert row["n_pending"] is None
    assert None in (row["n_due"], row["n_answered"]), "35 due - 30 answered = 5 non-responders"
    assert audit(original, public, 11).passed
    assert_no_small_counts(public)


def test_completeness_goes_with_a_hidden_answered_count():
    rows = [counts_row(n_answered=4)]
    row = public_report(report(outcomes={"primary_timepoint": "m12", "counts": rows}), 11)["outcomes"]["counts"][0]
    assert row["n_answered"] is None and row["completeness"] is None


def test_cohort_details_and_physicians_are_not_published():
    cohort = {"n_patients": 60, "n_by_treatment": {"msc": 40, "bmc": 15, "prp": 5}, "n_dead": 2,
              "n_surgery": 20, "treatment_dates": ["2024-01-02", "2025-03-04"],
              "notes": ["Left out: 1 decompression"]}
    public = public_report(report(cohort=cohort), 11)
    assert public["cohort"]["n_dead"] is None
    assert not {"treatment_dates", "notes", "n_by_treatment", "by_treatment"} & set(public["cohort"])
    assert "physician" not in public["funnel"]
    assert public["audit"]["passed"]
    assert_no_small_counts(public)


def test_sites_are_listed_with_what_the_audit_allows(db):
    counts = [counts_row(n_treated=40, n_due=35, n_answered=24, n_pending=5)]
    units = [{"unit": "a", "n_treated": 40, "n_due": 35, "n_answered": 24, "completeness": 24 / 35, "rate": 0.5,
              "rate_ci_low": 0.3, "rate_ci_high": 0.7, "adjusted_rate": 0.52, "adjusted_ci_low": 0.33,
              "adjusted_ci_high": 0.71, "oe_ratio": 1.0, "expected_rate": 0.5}]
    summary = public_summary(report(outcomes={"primary_timepoint": "m12", "counts": counts, "estimates": []},
                                    funnel={"site": {"timepoint": "m12", "units": units}},
                                    generated_at="2026-11-24"), {"a": "Clinic A"})
    site = summary["sites"]["rows"][0]
    assert site["site"] == "Clinic A"
    assert summary["treatments"][0]["timepoints"][0]["n_due"] is None or site["n_due"] is None
    assert site["n_due"] is None, "the one clinic's 35 due are the class's 35 due: 40 - 35 = 5"
    assert site["rate"] is None and site["adjusted_rate"] is None and site["withheld_reason"]
    assert "adjusted_rate" in summary["sites"]["columns"]
    assert summary["audit"]["passed"]
    assert_no_small_counts(summary)
