"""`disctrack worker --once` works what is due and reports it; a bad SMS URL stops it."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.management import call_command
from tests.followup.conftest import treat

from disctrack.config import ConfigError


def test_once_does_the_work_due_and_says_what_it_did(personas, outbox):
    treat(personas, date(2026, 2, 1))
    out = io.StringIO()
    with time_machine.travel(datetime(2026, 2, 22, 9, tzinfo=UTC), tick=False):
        call_command("worker", "--once", "--name", "cron", stdout=out)
    assert out.getvalue().strip() == "cron: missed 1, planned 6, sent 1"
    assert len(outbox) == 1
    with time_machine.travel(datetime(2026, 2, 22, 9, 5, tzinfo=UTC), tick=False):
        call_command("worker", "--once", "--name", "cron", stdout=out)
    assert out.getvalue().strip().endswith("cron: nothing due")


def test_a_bad_sms_url_stops_the_worker_before_it_starts(db, settings):
    settings.SMS_URL = "twilio://AC1:tok@api.twilio.com"
    with pytest.raises(ConfigError, match="needs"):
        call_command("worker", "--once", stdout=io.StringIO())


def test_the_command_line_reports_a_bad_sms_url_as_a_configuration_error(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "disctrack.cli", "check"], capture_output=True, text=True, timeout=120,
        env={"PATH": "/usr/bin:/bin", "DISCTRACK_HOME": str(tmp_path), "DISCTRACK_SMS_URL": "pigeon:"},
    )
    assert result.returncode != 0 and "DISCTRACK_SMS_URL='pigeon:' is not understood" in result.stderr
