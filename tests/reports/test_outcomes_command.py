"""`disctrack outcomes`: the whole report as JSON or a summary, per site, public or not."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from tests.reports.public_checks import assert_no_small_counts, assert_tables_agree

from disctrack.reports.management.commands.outcomes import Command
from disctrack.reports.text_summary import summary_lines

REPORT_KEYS = {"schema_version", "definitions", "settings", "cohort", "headline", "outcomes",
               "tipping_point", "survival", "complications", "comparison", "candidacy", "funnel",
               "unavailable", "generated_at", "sites"}
FAST = ("--imputations", "2", "--bootstrap", "2")


def run(*args: str) -> str:
    out = StringIO()
    call_command("outcomes", *args, stdout=out)
    return out.getvalue()


def test_json_holds_every_section_with_definitions_sites_and_completeness(cohort, personas):
    report = json.loads(run("--json"))
    assert REPORT_KEYS <= set(report)
    definitions = report["definitions"]
    assert definitions["version"] == "v2" and "30 percent" in definitions["success"]
    assert "primary_timepoint: m12" in definitions["text"]
    assert [s["code"] for s in report["sites"]] == ["site-a", "site-b"]
    assert report["cohort"]["n_patients"] == 13
    assert 0 < report["cohort"]["completeness"] < 1
    assert report["settings"] == {"profile": "full", "seed": 0, "n_imputations": 10, "n_bootstrap": 200,
                                  "candidacy_bootstrap": 200}, "the definitions' full settings by default"
    counts = {(r["group"], r["timepoint"]): r for r in report["outcomes"]["counts"]
              if r["level"] == "treatment_class"}
    assert counts[("fusion", "m12")]["n_treated"] == 3
    assert "comparison_class" in report["unavailable"], "too few patients due for an adjusted comparison"


def test_one_site_only(cohort, personas):
    report = json.loads(run("--json", "--site", "site-b", *FAST))
    assert [s["code"] for s in report["sites"]] == ["site-b"]
    assert report["cohort"]["n_patients"] == 2


def test_same_seed_same_figures(cohort):
    first, second = (json.loads(run("--json", "--seed", "7", *FAST)) for _ in range(2))
    assert first["outcomes"]["estimates"] == second["outcomes"]["estimates"]


def test_an_unknown_site_exits_2_and_names_it(cohort, capsys):
    with pytest.raises(SystemExit) as exit_info:
        Command().run_from_argv(["disctrack", "outcomes", "--site", "nowhere"])
    assert exit_info.value.code == 2
    error = capsys.readouterr().err
    assert "No site with code nowhere" in error and "site-a, site-b" in error


def test_human_summary(cohort):
    text = run("--site", "site-a", *FAST)
    assert "Composite success at 12 months" in text
    assert "Lumbar fusion" in text and "Free of subsequent surgery" in text
    assert "Settings: 2 imputations, 2 bootstrap replicates" in text
    assert "odi_change" not in text and "comparison_class" not in text


def test_imputations_and_bootstrap_are_chosen_and_stated(cohort):
    report = json.loads(run("--json", "--imputations", "3", "--bootstrap", "4"))
    assert report["settings"] == {"profile": "custom", "seed": 0, "n_imputations": 3, "n_bootstrap": 4,
                                  "candidacy_bootstrap": 4}
    assert report["outcomes"]["n_imputations"] == 3
    only_imputations = json.loads(run("--json", "--imputations", "2", "--site", "site-b"))["settings"]
    assert (only_imputations["n_imputations"], only_imputations["n_bootstrap"]) == (2, 200)


@pytest.mark.parametrize(("args", "message"), [
    (["--imputations", "1"], "--imputations must be a whole number from 2 to 1,000, not '1'"),
    (["--imputations", "ten"], "--imputations must be a whole number from 2 to 1,000, not 'ten'"),
    (["--imputations", "2.5"], "--imputations must be a whole number from 2 to 1,000, not '2.5'"),
    (["--bootstrap", "0"], "--bootstrap must be a whole number from 1 to 100,000, not '0'"),
    (["--bootstrap", "-5"], "--bootstrap must be a whole number from 1 to 100,000, not '-5'"),
])
def test_bad_settings_exit_2_with_a_clear_message(cohort, capsys, args, message):
    with pytest.raises(SystemExit) as exit_info:
        Command().run_from_argv(["disctrack", "outcomes", *args])
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_a_figure_the_data_cannot_support_is_printed_as_its_reason(cohort):
    report = json.loads(run("--json", "--site", "site-a", *FAST))
    for row in report["outcomes"]["estimates"]:
        if (row["timepoint"], row["group"], row["measure"]) == ("m12", "fusion", "success"):
            row.update(estimate=None, ci_low=None, ci_high=None, reason="no answers at this time point")
    fusion = next(line for line in summary_lines(report) if line.strip().startswith("Lumbar fusion")
                  and "%" in line and "months:" not in line and "complication" not in line.lower())
    assert fusion.count("no answers at this time point") == 3
    survival = [line for line in summary_lines(report) if "months:" in line]
    assert survival and not any(" | \u2013" in line or ": \u2013" in line for line in survival)


def test_public_json_to_a_file_shows_no_small_counts(cohort, tmp_path):
    path = tmp_path / "public.json"
    run("--json", "--public", "--output", str(path), *FAST)
    public = json.loads(path.read_text())
    assert public["suppression"]["min_cell"] == 11
    assert_no_small_counts(public)
    assert_tables_agree(public)
    assert "physician" not in public["funnel"]
