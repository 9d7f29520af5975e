"""Published reports: no count below 11, and none that subtraction would reveal."""

from __future__ import annotations

from tests.reports.public_checks import assert_no_small_counts

from disctrack.outcomes import load_definitions
from disctrack.reports.disclosure import public_report
from disctrack.reports.public import public_summary


def report(**sections) -> dict:
    base = {"definitions": load_definitions().stamp(), "cohort": {"n_patients": 60, "n_by_treatment": {}},
            "funnel": {"site": None, "physician": {"units": [{"unit": "Dr. A", "n": 40}]}}}
    return {**base, **sections}


def counts_row(group: str, level: str = "treatment_class", **counts) -> dict:
    return {"group": group, "level": level, "timepoint": "m12", **counts}


def test_a_total_minus_a_shown_part_may_not_be_small():
    rows = [counts_row("fusion", n_treated=40, n_due=35, n_answered=30, completeness=30 / 35)]
    public = public_report(report(outcomes={"counts": rows}), 11)
    row = public["outcomes"]["counts"][0]
    assert row["n_treated"] == 40
    assert row["n_due"] is None and row["n_answered"] is None and row["completeness"] is None
    assert_no_small_counts(public)


def test_completeness_goes_with_a_hidden_answered_count():
    rows = [counts_row("fusion", n_treated=40, n_due=40, n_answered=4, completeness=0.1)]
    row = public_report(report(outcomes={"counts": rows}), 11)["outcomes"]["counts"][0]
    assert row["n_answered"] is None and row["completeness"] is None


def test_headline_rates_are_withheld_when_the_denominator_is():
    headline = [{"group": "fusion", "n_treated": 8, "n_due": 6, "n_answered": 4, "completeness": 0.67,
                 "mi_estimate": 0.75, "mi_ci_low": 0.3, "mi_ci_high": 0.95, "completers_estimate": 0.75}]
    row = public_report(report(headline=headline), 11)["headline"][0]
    assert row["mi_estimate"] is None and row["completers_estimate"] is None and row["mi_ci_low"] is None


def test_a_class_minus_its_shown_treatments_may_not_be_small():
    rows = [counts_row("biologic", n_treated=80), counts_row("msc", "treatment", n_treated=40),
            counts_row("bmc", "treatment", n_treated=36), counts_row("prp", "treatment", n_treated=4),
            counts_row("fusion", "treatment", n_treated=12), counts_row("conservative", "treatment", n_treated=50)]
    public = public_report(report(outcomes={"counts": rows}), 11)
    shown = {r["group"]: r["n_treated"] for r in public["outcomes"]["counts"]}
    assert shown["prp"] is None
    assert shown["bmc"] is None, "else biologic - msc - bmc would give PRP's 4"
    assert_no_small_counts(public)


def test_cohort_counts_dates_notes_and_physicians_are_not_published():
    cohort = {"n_patients": 60, "n_by_treatment": {"msc": 40, "bmc": 15, "prp": 5}, "n_dead": 2,
              "n_surgery": 20, "treatment_dates": ["2024-01-02", "2025-03-04"],
              "notes": ["Left out: 1 decompression"]}
    public = public_report(report(cohort=cohort), 11)
    assert public["cohort"]["n_dead"] is None
    assert "treatment_dates" not in public["cohort"] and "notes" not in public["cohort"]
    shown = {r["group"]: r["n"] for r in public["cohort"]["by_treatment"]}
    assert shown == {"msc": 40, "bmc": None, "prp": None}, "BMC hidden too, else 60 - 40 - 15 = 5"
    assert public["cohort"]["n_patients"] == 60
    assert "physician" not in public["funnel"]
    assert_no_small_counts(public)


def test_no_site_is_listed_when_a_withheld_class_count_could_be_worked_out(db):
    counts = [counts_row("fusion", n_treated=40, n_due=35, n_answered=24, completeness=24 / 35)]
    units = [{"unit": "a", "n": 24, "successes": 12, "n_due": 35, "n_answered": 24, "rate": 0.5,
              "completeness": 24 / 35}]
    summary = public_summary(report(outcomes={"counts": counts, "estimates": []}, funnel={"site": {"units": units}},
                                    generated_at="2026-11-24"), {"a": "Clinic A"})
    assert summary["treatments"][0]["timepoints"][0]["n_due"] is None, "40 treated - 35 due = 5"
    assert summary["sites"] == [], "Clinic A's 35 due is the class's withheld number due"
    assert_no_small_counts(summary)
