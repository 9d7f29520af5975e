"""E-mail through a real SMTP conversation with a server on loopback."""

from __future__ import annotations

import email
import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from tests.followup.conftest import free_port, treat

from disctrack.followup.models import AttemptOutcome, MessageStatus
from disctrack.followup.steps import MAX_ATTEMPTS, backoff

OPENED = datetime(2026, 2, 22, 9, tzinfo=UTC)  # 10:00 in Madrid


def _parsed(message: dict) -> email.message.Message:
    return email.message_from_string(message["data"])


@pytest.fixture
def patient(personas):
    return treat(personas, date(2026, 2, 1))


def _invitation(patient):
    return patient.timepoints.get(code="m1").messages.get(ladder_day=0)


def test_the_invitation_carries_the_clinic_and_a_link_and_nothing_clinical(patient, smtp_server, work, settings):
    with time_machine.travel(OPENED, tick=False):
        work()
    [received] = smtp_server.messages
    message = _parsed(received)
    body = message.get_payload(decode=True).decode()
    assert received["to"] == ["ana.synthetic@example.test"]
    assert message["Subject"] == "Clinic A: a questionnaire for you"
    assert message["From"] == "Clinic A <no-reply@disctrack.invalid>"
    assert re.search(r"http://testserver/s/[\w-]{43}/", body)
    assert "/followup/opt-out/" in body
    clinical = ["MSC", "stem", "back", "pain", "1 month", "ODI", "Ana", "Synthetic", "L4", "disc", "injection"]
    words = re.sub(r"http\S+", "", body + message["Subject"]).lower()  # a random token may spell "l4"
    assert [word for word in clinical if word.lower() in words] == []
    sent = _invitation(patient)
    assert message["Message-ID"] == sent.provider_message_id == f"<{sent.idempotency_key}@disctrack.invalid>"


def test_a_spanish_speaking_patient_gets_the_e_mail_in_spanish(personas, smtp_server, work):
    treat(personas, date(2026, 2, 1), language="es")
    with time_machine.travel(OPENED, tick=False):
        work()
    message = _parsed(smtp_server.messages[0])
    assert message["Subject"] == "Clinic A: un cuestionario para usted"
    assert "Abra este enlace personal" in message.get_payload(decode=True).decode()


def test_a_refusing_server_is_retried_with_backoff_until_it_accepts(patient, smtp_server, work):
    smtp_server.refusals = ["451 4.3.0 Try again later", "421 4.3.2 Service not available"]
    with time_machine.travel(OPENED, tick=False):
        work()
    invitation = _invitation(patient)
    assert invitation.status == MessageStatus.QUEUED and invitation.attempts == 1
    assert invitation.next_attempt_at == OPENED + backoff(1) == OPENED + timedelta(minutes=2)
    assert "451" in invitation.last_error
    with time_machine.travel(OPENED + timedelta(minutes=1), tick=False):
        work()  # not yet
    assert _invitation(patient).attempts == 1
    with time_machine.travel(OPENED + timedelta(minutes=2), tick=False):
        work()
    assert _invitation(patient).next_attempt_at == OPENED + timedelta(minutes=2) + backoff(2)
    with time_machine.travel(OPENED + timedelta(minutes=6), tick=False):
        work()
    invitation = _invitation(patient)
    assert invitation.status == MessageStatus.SENT and len(smtp_server.messages) == 1
    assert list(invitation.tries.values_list("outcome", flat=True)) == ["failed", "failed", "sent"]
    assert "421" in invitation.tries.all()[1].error


def test_a_refused_recipient_is_recorded_as_bounced_and_not_retried(patient, smtp_server, work):
    smtp_server.refuse_rcpt["ana.synthetic@example.test"] = "550 5.1.1 No such user"
    with time_machine.travel(OPENED, tick=False):
        work()
    invitation = _invitation(patient)
    assert invitation.status == MessageStatus.BOUNCED
    assert "550" in invitation.last_error and "No such user" in invitation.last_error
    assert invitation.tries.get().outcome == AttemptOutcome.BOUNCED
    with time_machine.travel(OPENED + timedelta(hours=5), tick=False):
        work()
    assert _invitation(patient).attempts == 1 and smtp_server.messages == []


def test_an_unreachable_server_is_retried_and_finally_recorded_as_failed(patient, settings, work):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens
    moment = OPENED
    for _ in range(MAX_ATTEMPTS):
        with time_machine.travel(moment, tick=False):
            work()
        moment = _invitation(patient).next_attempt_at
    invitation = _invitation(patient)
    assert invitation.status == MessageStatus.FAILED and invitation.attempts == MAX_ATTEMPTS
    assert invitation.last_error.startswith(f"gave up after {MAX_ATTEMPTS} tries: e-mail server unreachable")
    assert invitation.tries.filter(outcome=AttemptOutcome.FAILED).count() == MAX_ATTEMPTS
