"""`disctrack demo`: arguments, refusing a database in use, resetting, the log-in sheet."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from tests.demo.dumps import TODAY

from disctrack.demo.network import DEMO_PASSWORD, STAFF
from disctrack.registry.models import Patient, Site
from disctrack.reports.analysis import PAGE
from disctrack.reports.models import ReportSnapshot
from disctrack.reports.public import PUBLIC_SECTIONS
from disctrack.reports.service import Selection, get_report
from disctrack.surveys.actions import find_link


def run_demo(*args: str) -> str:
    out = io.StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(("args", "message"), [
    (["--patients", "0"], "--patients must be a whole number from 1 to 100000, not '0'"),
    (["--patients", "100001"], "--patients must be a whole number from 1 to 100000"),
    (["--patients", "ten"], "--patients must be a whole number from 1 to 100000, not 'ten'"),
    (["--seed", "1.5"], "--seed must be a whole number, not '1.5'"),
    (["--today", "30/06/2026"], "--today must be a date like 2025-06-30, not '30/06/2026'"),
    (["--today", "2026-02-30"], "--today must be a date like 2025-06-30, not '2026-02-30'"),
    (["--today", "2999-01-01"], "is after today"),
    (["--today", "1999-12-31"], "--today must be 2000-01-01 or later"),
])
def test_bad_arguments_are_refused_with_status_2(args, message):
    with pytest.raises(CommandError, match=re.escape(message)) as refused:
        run_demo(*args)
    assert refused.value.returncode == 2


@pytest.mark.django_db
def test_prints_every_demo_login_and_a_working_survey_link():
    out = run_demo("--patients", "20", "--seed", "4", "--today", TODAY.isoformat())
    assert re.search(r"biologic +n=\d+ +baseline ODI +\d+\.\d", out)
    assert "12-month questionnaires missed" in out
    assert "Log in at http://testserver/" in out
    for person in STAFF:
        assert re.search(rf"{person.username}\s+{DEMO_PASSWORD}\s+{person.role}", out)
    token = re.search(r"http://testserver/s/([\w-]+)/", out).group(1)
    timepoint = find_link(token).timepoint
    assert timepoint.opens_on <= TODAY <= timepoint.closes_on
    assert Patient.objects.count() == 20


@pytest.mark.django_db
def test_the_first_reports_are_ready_when_the_demo_finishes(client_for, settings):
    """The registry-wide staff report and the public page's report are stored by the demo
    itself: a first visit, with reports computed in the background, is served at once."""
    out = run_demo("--patients", "60", "--seed", "2", "--today", TODAY.isoformat())
    assert "the report pages are ready" in out
    assert ReportSnapshot.objects.count() == 2
    settings.REPORTS_IN_BACKGROUND = True
    every_site = Selection.of(Site.objects.values_list("id", flat=True))
    public = get_report(every_site, profile=PAGE, sections=PUBLIC_SECTIONS, figures=False)
    assert public["freshness"]["current"] and public["report"]["outcomes"] is not None
    analyst = get_user_model().objects.get(username="analyst")
    staff = client_for(analyst).get(reverse("reports-overview"))
    assert staff.status_code == 200 and "Outcome report" in staff.content.decode()
    assert ReportSnapshot.objects.count() == 2, "nothing was computed again"


@pytest.mark.django_db
def test_refuses_a_database_that_already_holds_patients():
    run_demo("--patients", "3", "--today", TODAY.isoformat())
    with pytest.raises(CommandError, match="already holds 3 patients, 4 sites, 12 user accounts"):
        run_demo("--patients", "3", "--today", TODAY.isoformat())
    assert Patient.objects.count() == 3


@pytest.mark.postgres
@pytest.mark.django_db
def test_reset_on_postgresql_tells_the_operator_to_drop_the_database():
    with pytest.raises(CommandError, match="drop and re-create the database yourself"):
        run_demo("--patients", "3", "--reset")
    assert Patient.objects.count() == 0


def test_command_line_resets_an_sqlite_database_file(tmp_path):
    """Run as an operator would: a second run is refused, --reset starts afresh."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(DISCTRACK_HOME=str(tmp_path), DJANGO_SETTINGS_MODULE="tests.demo.fast_settings")
    repository = Path(__file__).resolve().parents[2]

    def demo(*args):
        command = [sys.executable, "-m", "disctrack.cli", "demo", "--today", TODAY.isoformat(),
                   *args]
        return subprocess.run(command, env=env, cwd=repository, capture_output=True, text=True,
                              timeout=120)

    first = demo("--patients", "3", "--seed", "1")
    assert first.returncode == 0, first.stderr
    refused = demo("--patients", "2")
    assert refused.returncode == 1
    assert "already holds 3 patients" in refused.stderr
    reset = demo("--patients", "2", "--seed", "9", "--reset")
    assert reset.returncode == 0, reset.stderr
    assert "Deleted" in reset.stdout and "Stored 2 patients" in reset.stdout
    bad = demo("--patients", "lots")
    assert bad.returncode == 2
    assert "--patients must be a whole number" in bad.stderr
