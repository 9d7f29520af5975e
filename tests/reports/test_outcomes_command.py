"""`disctrack outcomes`: the whole report as JSON or a summary, per site, public or not."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from tests.reports.public_checks import assert_no_small_counts, assert_tables_agree

from disctrack.reports.management.commands.outcomes import Command

REPORT_KEYS = {"schema_version", "definitions", "settings", "cohort", "headline", "outcomes",
               "tipping_point", "survival", "complications", "comparison", "candidacy", "funnel",
               "unavailable", "generated_at", "sites"}


def run(*args: str) -> str:
    out = StringIO()
    call_command("outcomes", *args, stdout=out)
    return out.getvalue()


def test_json_holds_every_section_with_definitions_sites_and_completeness(cohort, personas):
    report = json.loads(run("--json"))
    assert REPORT_KEYS <= set(report)
    definitions = report["definitions"]
    assert definitions["version"] == "v1" and "30 percent" in definitions["success"]
    assert "primary_timepoint: m12" in definitions["text"]
    assert [s["code"] for s in report["sites"]] == ["site-a", "site-b"]
    assert report["cohort"]["n_patients"] == 13
    assert 0 < report["cohort"]["completeness"] < 1
    assert report["settings"]["n_imputations"] == 10, "the command uses the full settings"
    counts = {(r["group"], r["timepoint"]): r for r in report["outcomes"]["counts"]
              if r["level"] == "treatment_class"}
    assert counts[("fusion", "m12")]["n_treated"] == 3
    assert "comparison_class" in report["unavailable"], "too few patients due for an adjusted comparison"


def test_one_site_only(cohort, personas):
    report = json.loads(run("--json", "--site", "site-b"))
    assert [s["code"] for s in report["sites"]] == ["site-b"]
    assert report["cohort"]["n_patients"] == 2


def test_same_seed_same_figures(cohort):
    first, second = (json.loads(run("--json", "--seed", "7")) for _ in range(2))
    assert first["outcomes"]["estimates"] == second["outcomes"]["estimates"]


def test_an_unknown_site_exits_2_and_names_it(cohort, capsys):
    with pytest.raises(SystemExit) as exit_info:
        Command().run_from_argv(["disctrack", "outcomes", "--site", "nowhere"])
    assert exit_info.value.code == 2
    error = capsys.readouterr().err
    assert "No site with code nowhere" in error and "site-a, site-b" in error


def test_human_summary(cohort):
    text = run("--site", "site-a")
    assert "Composite success at m12" in text
    assert "fusion" in text and "Free of subsequent surgery" in text


def test_public_json_to_a_file_shows_no_small_counts(cohort, tmp_path):
    path = tmp_path / "public.json"
    run("--json", "--public", "--output", str(path))
    public = json.loads(path.read_text())
    assert public["suppression"]["min_cell"] == 11
    assert_no_small_counts(public)
    assert_tables_agree(public)
    assert "physician" not in public["funnel"]
