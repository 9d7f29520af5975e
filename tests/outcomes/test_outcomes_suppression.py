"""``suppress_small_cells`` (``disctrack outcomes --public``) is the public report's code path."""

import pytest

from disctrack.outcomes import suppress_small_cells
from disctrack.outcomes.disclosure import public_report


def counts(**values) -> dict:
    row = {"level": "treatment_class", "group": "fusion", "timepoint": "m12", "months": 12.0, "n_treated": 40,
           "n_due": 30, "n_answered": 20, "n_pending": 5, "n_not_due": 0, "n_dead": 0, "n_withdrawn": 5,
           "n_surgery": 0, "completeness": 20 / 30, **values}
    return {"cohort": {"n_patients": row["n_treated"]}, "outcomes": {"primary_timepoint": "m12", "counts": [row]}}


def test_one_code_path_for_the_command_and_the_page():
    report = counts()
    assert suppress_small_cells(report) == public_report(report, 11)


def test_small_counts_are_hidden_and_the_original_untouched():
    report = counts()
    row = suppress_small_cells(report)["outcomes"]["counts"][0]
    assert row["n_pending"] is None and row["n_withdrawn"] is None and row["n_dead"] == 0
    assert "fewer than 11 people" in row["withheld_reason"]
    assert report["outcomes"]["counts"][0]["n_pending"] == 5


def test_complication_rate_goes_with_its_hidden_count():
    table = [{"group": "fusion", "kind": "any", "value": "any", "n_patients": 3, "n_events": 3, "n_treated": 200,
              "rate": 0.015, "ci_low": 0.003, "ci_high": 0.04}]
    row = suppress_small_cells({"complications": {"level": "treatment_class", "table": table}})[
        "complications"]["table"][0]
    assert row["n_patients"] is None and row["n_events"] is None
    assert row["rate"] is None and row["ci_low"] is None and row["ci_high"] is None
    assert row["n_treated"] == 200, "with patients and events both hidden, 3 could be 0 to 200"


def test_bad_min_cell_is_a_clear_error():
    with pytest.raises(ValueError, match="min_cell must be a whole number of at least 1"):
        suppress_small_cells(counts(), min_cell=0)
