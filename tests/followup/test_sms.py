"""SMS through a Twilio-compatible API on loopback, and the development adapters."""

from __future__ import annotations

import base64
import io
import json
import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from tests.followup.conftest import treat

from disctrack.config import ConfigError
from disctrack.followup.models import MessageStatus
from disctrack.followup.sms import ConsoleSms, FileSms, TwilioSms, sms_backend

SMS_DAY = datetime(2026, 3, 4, 9, tzinfo=UTC)  # day 10 of the 1-month window, 10:00 in Madrid


@pytest.fixture
def patient(personas, work):
    personas.site_a.sms_enabled = True
    personas.site_a.save()
    patient = treat(personas, date(2026, 2, 1))
    with time_machine.travel(SMS_DAY - timedelta(days=10), tick=False):
        work()  # plans the ladder and sends the invitation e-mail
    return patient


def _sms(patient):
    return patient.timepoints.get(code="m1").messages.get(step="sms")


def test_the_sms_is_posted_to_the_messages_api_with_only_the_clinic_and_the_link(patient, sms_api, work):
    with time_machine.travel(SMS_DAY, tick=False):
        work()
    [request] = sms_api.requests
    assert request["path"] == "/2010-04-01/Accounts/AC123/Messages.json"
    assert request["auth"] == "Basic " + base64.b64encode(b"AC123:secret").decode()
    assert request["form"]["To"] == "+34600123456" and request["form"]["From"] == "+15550100"
    assert request["form"]["Body"].startswith("Clinic A: please answer your questionnaire: http://testserver/s/")
    sms = _sms(patient)
    assert request["key"] == str(sms.idempotency_key)
    assert (sms.status, sms.provider_message_id) == (MessageStatus.SENT, "SM" + "1".zfill(32))


def test_a_provider_outage_is_retried_with_backoff(patient, sms_api, work):
    sms_api.replies = [(503, {"code": 20503, "message": "Service unavailable"})]
    with time_machine.travel(SMS_DAY, tick=False):
        work()
    sms = _sms(patient)
    assert sms.status == MessageStatus.QUEUED and sms.last_error == "HTTP 503 error 20503: Service unavailable"
    with time_machine.travel(sms.next_attempt_at, tick=False):
        work()
    assert _sms(patient).status == MessageStatus.SENT and len(sms_api.requests) == 2


def test_an_invalid_number_is_recorded_as_bounced(patient, sms_api, work):
    sms_api.replies = [(400, {"code": 21211, "message": "The 'To' number is not a valid phone number."})]
    with time_machine.travel(SMS_DAY, tick=False):
        work()
    sms = _sms(patient)
    assert sms.status == MessageStatus.BOUNCED and "21211" in sms.last_error


def test_a_number_that_replied_stop_is_opted_out_of_sms(patient, sms_api, work):
    sms_api.replies = [(400, {"code": 21610, "message": "Attempt to send to unsubscribed recipient"})]
    with time_machine.travel(SMS_DAY, tick=False):
        work()
    patient.refresh_from_db()
    assert _sms(patient).status == MessageStatus.BOUNCED and patient.sms_opt_out


def test_a_site_without_sms_sends_none(patient, personas, sms_api, work):
    personas.site_a.sms_enabled = False
    personas.site_a.save()
    with time_machine.travel(SMS_DAY, tick=False):
        work()
    assert sms_api.requests == [] and _sms(patient).last_error == "SMS is not enabled at the site"


@pytest.mark.parametrize("url, expected", [
    ("twilio://AC1:tok@api.twilio.com?from=%2B15550100",
     TwilioSms("https://api.twilio.com", "AC1", "tok", "+15550100")),
    ("twilio://AC1:t%2Fk@127.0.0.1:8080?from=%2B15550100&tls=0",
     TwilioSms("http://127.0.0.1:8080", "AC1", "t/k", "+15550100")),
    ("console:", ConsoleSms()),
])
def test_sms_urls_name_the_adapter(url, expected):
    assert sms_backend(url) == expected


def test_a_file_url_without_a_path_writes_into_the_home_folder(settings):
    assert sms_backend("file:") == FileSms(settings.HOME / "sms-outbox")


@pytest.mark.parametrize("url, message", [
    ("twilio://AC1:tok@api.twilio.com", "needs ?from="),
    ("twilio://AC1:tok@api.twilio.com?from=5550100", "needs ?from="),
    ("twilio://api.twilio.com?from=%2B15550100", "must be twilio://ACCOUNT_SID:AUTH_TOKEN@host"),
    ("twilio://AC1:tok@h?from=%2B15550100&tls=maybe", "tls='maybe' is not a boolean"),
    ("smpp://x", "is not understood"),
])
def test_a_bad_sms_url_is_a_configuration_error(url, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        sms_backend(url)


def test_the_development_adapters_print_or_append(tmp_path):
    stream = io.StringIO()
    assert ConsoleSms(stream).send("+34600123456", "hello", "k1") == "console-k1"
    assert stream.getvalue() == "SMS to +34600123456 [k1]: hello\n"
    FileSms(tmp_path).send("+34600123456", "hola", "k2")
    assert json.loads((tmp_path / "sms.jsonl").read_text()) == {"to": "+34600123456", "body": "hola", "key": "k2"}
