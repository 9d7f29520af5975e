"""Small-cell suppression of the public report."""

from hypothesis import given, settings
from hypothesis import strategies as st

from disctrack.outcomes import suppress_small_cells


def test_primary_and_within_record_complementary_suppression():
    report = {"counts": [{"group": "fusion", "n_treated": 40, "n_due": 30, "n_pending": 5, "n_not_due": 0,
                          "n_dead": 0, "n_withdrawn": 5, "completeness": 0.8}]}
    row = suppress_small_cells(report)["counts"][0]
    assert row["n_pending"] is None and row["n_withdrawn"] is None
    assert row["n_treated"] == 40 and row["n_due"] == 30 and row["n_dead"] == 0


def test_complementary_suppression_across_sibling_rows():
    rows = [{"level": "treatment", "timepoint": "m12", "group": g, "n_due": n}
            for g, n in (("msc", 40), ("bmc", 25), ("prp", 4))]
    out = suppress_small_cells({"t": rows})["t"]
    assert [r["n_due"] for r in out] == [40, None, None]
    assert "cannot be derived" in out[1]["withheld_reason"]


def test_rates_with_small_denominator_or_revealing_a_small_count_are_removed():
    rows = [
        {"group": "a", "measure": "success", "method": "mi", "estimate": 0.5, "ci_low": 0.2, "ci_high": 0.8,
         "n_used": 8},
        {"group": "b", "measure": "success", "method": "completers", "estimate": 0.05, "ci_low": 0.02,
         "ci_high": 0.1, "n_used": 100},
        {"group": "c", "measure": "success", "method": "completers", "estimate": 0.5, "ci_low": 0.4,
         "ci_high": 0.6, "n_used": 100},
    ]
    out = suppress_small_cells({"e": rows}, min_cell=11)["e"]
    assert out[0]["estimate"] is None and "denominator below 11" in out[0]["withheld_reason"]
    assert out[1]["estimate"] is None and "reveal a count" in out[1]["withheld_reason"]
    assert out[2]["estimate"] == 0.5 and out[2]["n_used"] == 100


def test_complication_rate_hidden_with_its_count_and_original_untouched():
    original = {"table": [{"group": "fusion", "kind": "category", "value": "infection", "n_patients": 3,
                           "n_events": 3, "n_treated": 200, "rate": 0.015, "ci_low": 0.003, "ci_high": 0.04}]}
    row = suppress_small_cells(original)["table"][0]
    assert row["n_patients"] is None and row["n_events"] is None and row["rate"] is None
    assert row["n_treated"] == 200
    assert original["table"][0]["n_patients"] == 3


def test_free_standing_counts_in_a_mapping_are_suppressed():
    public = suppress_small_cells({"cohort": {"n_patients": 500, "n_dead": 4, "n_withdrawn": 30, "n_surgery": 60,
                                              "n_sites": 3}})
    assert public["cohort"] == {"n_patients": 500, "n_dead": None, "n_withdrawn": None, "n_surgery": 60,
                                "n_sites": 3}


@given(st.lists(st.integers(min_value=0, max_value=60), min_size=1, max_size=6),
       st.integers(min_value=0, max_value=40))
@settings(max_examples=200, deadline=None)
def test_no_small_count_survives_and_no_lone_suppressed_sibling(sizes, dead):
    """Property: after suppression no count is in 1..10, and a suppressed sibling is never alone."""
    rows = [{"level": "treatment", "timepoint": "m12", "group": f"g{i}", "n_due": n, "n_dead": dead,
             "n_treated": n + dead} for i, n in enumerate(sizes)]
    out = suppress_small_cells({"t": rows})["t"]
    shown = [v for r in out for k, v in r.items() if k.startswith("n_") and v is not None]
    assert not [v for v in shown if 1 <= v < 11]
    hidden_due = [r for r in out if r["n_due"] is None]
    assert len(hidden_due) != 1 or len(out) == 1


def test_headline_style_rate_columns_are_withheld_with_small_denominator():
    row = {"group": "x", "n_due": 30, "n_answered": 8, "completeness": 0.27, "mi_estimate": 0.4,
           "mi_ci_low": 0.2, "completers_estimate": 0.5, "adjusted_success": 0.45}
    out = suppress_small_cells({"headline": [row]})["headline"][0]
    assert out["n_answered"] is None
    assert out["mi_estimate"] is None and out["completers_estimate"] is None and out["adjusted_success"] is None


def test_counts_keyed_by_label_get_complementary_suppression():
    public = suppress_small_cells({"cohort": {"n_by_treatment": {"msc": 40, "bmc": 25, "prp": 4, "fusion": 0}}})
    assert public["cohort"]["n_by_treatment"] == {"msc": 40, "bmc": None, "prp": None, "fusion": 0}


def test_a_zero_sibling_is_suppressed_when_it_is_the_only_complement():
    """Found by the property test: with siblings 0 and 1, a shown total minus the 0 reveals the 1."""
    rows = [{"level": "treatment", "timepoint": "m12", "group": g, "n_due": n} for g, n in (("msc", 0), ("bmc", 1))]
    assert [r["n_due"] for r in suppress_small_cells({"t": rows})["t"]] == [None, None]
    public = suppress_small_cells({"cohort": {"n_by_treatment": {"msc": 0, "bmc": 3}}})
    assert public["cohort"]["n_by_treatment"] == {"msc": None, "bmc": None}
