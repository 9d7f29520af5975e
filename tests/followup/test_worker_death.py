"""A worker killed in the middle of a send: nothing lost, and a repeat only where it must be.

A kill is simulated by raising SimulatedCrash (not an Exception, so nothing catches it) at
one point of the send, then closing the worker's SMTP connection as the kernel would. The
next worker takes the message over when the lease has run out. bench/bench_worker_kills.py
does the same with SIGKILL at random moments.
"""

from __future__ import annotations

import email
import json
import smtplib
import time
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from tests.followup.conftest import treat

from disctrack.followup import steps
from disctrack.followup.delivery import Dispatcher
from disctrack.followup.models import AttemptOutcome, MessageStatus
from disctrack.followup.worker import LEASE, run_pass, summary

OPENED = datetime(2026, 2, 22, 9, tzinfo=UTC)  # the 1-month window opens; 10:00 in Madrid
SMS_DAY = datetime(2026, 3, 4, 9, tzinfo=UTC)  # day 10 of the window: the SMS reminder


class SimulatedCrash(BaseException):
    """The worker process is killed here."""


def crash(*args, **kwargs):
    raise SimulatedCrash


@pytest.fixture
def patient(personas):
    return treat(personas, date(2026, 2, 1))


def _invitation(patient):
    return patient.timepoints.get(code="m1").messages.get(ladder_day=0)


def _killed_pass(worker: str, when: datetime) -> None:
    """A pass that dies at the patched point; its connection goes as the process would."""
    dispatcher = Dispatcher()
    with time_machine.travel(when, tick=False), pytest.raises(SimulatedCrash):
        run_pass(worker, dispatcher)
    dispatcher.close()


def _after_lease(when: datetime, worker: str = "w2"):
    with time_machine.travel(when + LEASE + timedelta(seconds=1), tick=False):
        return run_pass(worker)


def _received(server, count: int) -> list[email.message.Message]:
    """The server's messages once it holds `count` (it works in its own thread)."""
    deadline = time.monotonic() + 5
    while len(server.messages) < count and time.monotonic() < deadline:
        time.sleep(0.01)
    return [email.message_from_string(m["data"]) for m in server.messages]


def _tries(message) -> list[tuple[str, str]]:
    return list(message.tries.values_list("worker", "outcome"))


# ---- e-mail over SMTP --------------------------------------------------------------------

def test_killed_before_the_end_of_the_message_it_goes_once_after_the_lease(patient, smtp_server, monkeypatch):
    real_docmd = smtplib.SMTP.docmd
    monkeypatch.setattr(smtplib.SMTP, "docmd",
                        lambda smtp, cmd, *args: crash() if cmd == "DATA" else real_docmd(smtp, cmd, *args))
    _killed_pass("w1", OPENED)
    monkeypatch.undo()
    assert smtp_server.messages == []  # the server never had the whole message
    _after_lease(OPENED)
    assert len(_received(smtp_server, 1)) == 1
    invitation = _invitation(patient)
    assert invitation.status == MessageStatus.SENT
    assert _tries(invitation) == [("w1", AttemptOutcome.INTERRUPTED), ("w2", AttemptOutcome.SENT)]


def test_killed_after_the_hand_over_is_recorded_it_is_not_sent_again(patient, smtp_server, monkeypatch):
    real = steps.record_handed_over

    def recorded_then_killed(*args):
        real(*args)
        raise SimulatedCrash

    monkeypatch.setattr(steps, "record_handed_over", recorded_then_killed)
    _killed_pass("w1", OPENED)
    monkeypatch.undo()
    assert len(_received(smtp_server, 1)) == 1
    assert summary(_after_lease(OPENED)) == "unconfirmed 1"
    time.sleep(0.1)
    assert len(smtp_server.messages) == 1
    invitation = _invitation(patient)
    [attempt] = invitation.tries.all()
    assert (invitation.status, invitation.sent_at) == (MessageStatus.SENT, attempt.started_at)
    assert invitation.provider_message_id == attempt.provider_message_id == _received(smtp_server, 1)[0]["Message-ID"]
    assert (attempt.outcome, attempt.finished_at) == (AttemptOutcome.HANDED_OVER, OPENED + LEASE + timedelta(seconds=1))
    assert invitation.last_error == attempt.error == (
        "handed to the mail server, but its reply was not seen (the worker stopped); not sent again")
    assert attempt.get_outcome_display() == "Handed to the mail server (reply not seen)"


def test_a_handed_over_message_stays_sent_when_its_time_point_closed_meanwhile(patient, smtp_server, monkeypatch):
    from disctrack.registry.actions.timepoints import close_timepoint
    from disctrack.registry.models import TimePointStatus

    monkeypatch.setattr(steps, "record_sent", crash)
    _killed_pass("w1", OPENED)
    monkeypatch.undo()
    close_timepoint("system: test", patient.timepoints.get(code="m1"), TimePointStatus.STOPPED, "test")
    assert summary(_after_lease(OPENED)) == "unconfirmed 1"
    assert _invitation(patient).status == MessageStatus.SENT  # it went out before the closing


def test_killed_after_the_server_accepted_it_is_not_sent_again(patient, smtp_server, monkeypatch):
    monkeypatch.setattr(steps, "record_sent", crash)
    _killed_pass("w1", OPENED)
    monkeypatch.undo()
    _after_lease(OPENED)
    time.sleep(0.1)
    assert len(_received(smtp_server, 1)) == 1
    assert _invitation(patient).status == MessageStatus.SENT


def test_killed_in_the_one_commit_window_it_goes_twice_with_one_message_id(patient, smtp_server, monkeypatch):
    """The residual window: the server has the whole message, the hand-over is not committed."""
    monkeypatch.setattr(steps, "record_handed_over", crash)
    _killed_pass("w1", OPENED)
    monkeypatch.undo()
    _after_lease(OPENED)
    first, second = _received(smtp_server, 2)
    assert first["Message-ID"] == second["Message-ID"]
    assert _tries(_invitation(patient)) == [("w1", AttemptOutcome.INTERRUPTED), ("w2", AttemptOutcome.SENT)]


def test_a_reply_that_never_comes_after_the_hand_over_is_not_retried(patient, smtp_server, monkeypatch):
    real = steps.record_handed_over

    def dropped(smtp):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")  # what smtplib says

    def recorded_then_dropped(*args):
        real(*args)
        monkeypatch.setattr(smtplib.SMTP, "getreply", dropped)

    monkeypatch.setattr(steps, "record_handed_over", recorded_then_dropped)
    with time_machine.travel(OPENED, tick=False):
        counts = run_pass("w1")
    assert summary(counts) == "missed 1, planned 6, unconfirmed 1"
    invitation = _invitation(patient)
    assert invitation.status == MessageStatus.SENT
    assert invitation.last_error.startswith("handed to the mail server, but its reply was not seen (the server's reply")


def test_a_refusal_after_the_end_of_the_message_is_retried(patient, smtp_server):
    smtp_server.refusals = ["451 4.3.0 try again later"]
    with time_machine.travel(OPENED, tick=False):
        run_pass("w1")
    invitation = _invitation(patient)
    assert invitation.status == MessageStatus.QUEUED and invitation.last_error == "SMTP 451: 4.3.0 try again later"
    assert _tries(invitation) == [("w1", AttemptOutcome.FAILED)]


# ---- SMS ---------------------------------------------------------------------------------

@pytest.fixture
def sms_patient(personas, settings):
    personas.site_a.sms_enabled = True
    personas.site_a.save()
    patient = treat(personas, date(2026, 2, 1))
    with time_machine.travel(SMS_DAY - timedelta(days=10), tick=False):
        run_pass("w0")  # plans the ladder and sends the invitation e-mail
    return patient


def _sms(patient):
    return patient.timepoints.get(code="m1").messages.get(step="sms")


def _crash_on_recording_the_sms(patient, monkeypatch) -> None:
    """The reminder e-mails due the same day go; the worker dies once the SMS has gone."""
    real, sms = steps.record_sent, _sms(patient)
    monkeypatch.setattr(steps, "record_sent",
                        lambda message_id, *args: crash() if message_id == sms.pk else real(message_id, *args))


def test_an_sms_killed_after_the_provider_took_it_is_posted_again_with_its_key(sms_patient, sms_api, monkeypatch):
    _crash_on_recording_the_sms(sms_patient, monkeypatch)
    _killed_pass("w1", SMS_DAY)
    monkeypatch.undo()
    _after_lease(SMS_DAY)
    sms = _sms(sms_patient)
    # A provider that honours Idempotency-Key delivers the second post as the first.
    assert [r["key"] for r in sms_api.requests] == [str(sms.idempotency_key)] * 2
    assert sms.status == MessageStatus.SENT
    assert _tries(sms) == [("w1", AttemptOutcome.INTERRUPTED), ("w2", AttemptOutcome.SENT)]


def test_an_sms_killed_before_it_was_posted_is_posted_once(sms_patient, sms_api, monkeypatch):
    monkeypatch.setattr("disctrack.followup.sms.TwilioSms.send", crash)
    _killed_pass("w1", SMS_DAY)
    monkeypatch.undo()
    assert sms_api.requests == []
    _after_lease(SMS_DAY)
    assert len(sms_api.requests) == 1 and _sms(sms_patient).status == MessageStatus.SENT


def test_the_sms_file_keeps_one_line_per_key_when_a_killed_worker_sends_again(sms_patient, settings, tmp_path,
                                                                               monkeypatch):
    settings.SMS_URL = f"file:{tmp_path}"
    _crash_on_recording_the_sms(sms_patient, monkeypatch)
    _killed_pass("w1", SMS_DAY)
    monkeypatch.undo()
    _after_lease(SMS_DAY)
    lines = [json.loads(line) for line in (tmp_path / "sms.jsonl").read_text().splitlines()]
    assert [line["key"] for line in lines] == [str(_sms(sms_patient).idempotency_key)]
    assert _sms(sms_patient).status == MessageStatus.SENT
