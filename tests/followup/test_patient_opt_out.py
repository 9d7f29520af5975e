"""The patient's own opt-out link at the foot of each e-mail: it holds at once."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from tests.followup.conftest import treat

from disctrack.followup.content import opt_out_token
from disctrack.followup.models import MessageStatus

INVITED = datetime(2026, 2, 22, 9, tzinfo=UTC)


@pytest.fixture
def invited(personas, work, outbox):
    patient = treat(personas, date(2026, 2, 1), language="es")
    with time_machine.travel(INVITED, tick=False):
        work()
    return patient


def _opt_out_path(outbox) -> str:
    return re.search(r"http://testserver(/followup/opt-out/\S+/)", outbox[0].body).group(1)


def test_the_link_asks_first_then_stops_e_mail_at_once(invited, client, work, outbox):
    path = _opt_out_path(outbox)
    page = client.get(path)
    assert page.status_code == 200 and "¿Dejar de recibir correos electrónicos de Clinic A?" in page.content.decode()
    invited.refresh_from_db()
    assert not invited.email_opt_out  # a mail scanner following links changes nothing
    done = client.post(path)
    invited.refresh_from_db()
    assert done.status_code == 200 and invited.email_opt_out and "Hecho" in done.content.decode()
    with time_machine.travel(INVITED + timedelta(days=3), tick=False):
        work()
    assert len(outbox) == 1
    reminder = invited.timepoints.get(code="m1").messages.get(ladder_day=3)
    assert reminder.status == MessageStatus.SKIPPED


def test_a_forged_or_altered_link_is_not_found(invited, client):
    assert client.get(reverse("opt-out", args=["not-a-token"])).status_code == 404
    token = opt_out_token(invited.pk, "email")
    assert client.post(reverse("opt-out", args=[token[:-2] + "xx"])).status_code == 404
    invited.refresh_from_db()
    assert not invited.email_opt_out


def test_the_sms_channel_has_its_own_link(invited, client):
    client.post(reverse("opt-out", args=[opt_out_token(invited.pk, "sms")]))
    invited.refresh_from_db()
    assert invited.sms_opt_out and not invited.email_opt_out
