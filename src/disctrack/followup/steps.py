"""Taking one claimed ladder step: check it, prepare it, and record what became of it.

`prepare` commits the survey link and an `Attempt` row before anything leaves; `record_*`
commits the outcome after. Over SMTP, `record_handed_over` commits in between, as soon as the
server has the whole message and before its reply is read.

A worker killed in between leaves the row claimed; when the lease runs out another worker
finds the attempt. One handed over is recorded as sent ("reply not seen") and not sent
again; one only started is marked interrupted and the message sent again with the same
Message-ID / SMS idempotency key: an SMTP server discards a message it did not get whole,
and an SMS provider that honours the key drops the repeat (see docs/followup.md).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction

from disctrack.core.timing import local_today, next_sending_moment, within_hours
from disctrack.followup.content import email_text, opt_out_url, sms_text
from disctrack.followup.delivery import Envelope, SendError
from disctrack.followup.ladder import SYSTEM
from disctrack.followup.models import (
    EMAIL_STEPS,
    TASK_STEPS,
    Attempt,
    AttemptOutcome,
    FollowupTask,
    MessageStatus,
    OutboundMessage,
    Step,
    TaskKind,
    TaskStatus,
)
from disctrack.followup.sms import UNSUBSCRIBED
from disctrack.registry.actions import do_set_contact_preferences
from disctrack.registry.choices import PatientStatus
from disctrack.registry.models import PatientIdentity, TimePointStatus
from disctrack.surveys.actions import do_create_link
from disctrack.surveys.links import survey_url
from disctrack.surveys.models import SurveyLink

MAX_ATTEMPTS = 10
BACKOFF_FIRST = timedelta(minutes=2)
BACKOFF_LONGEST = timedelta(hours=4)


def backoff(attempts: int) -> timedelta:
    """2, 4, 8 ... minutes after the n-th failed try, at most 4 hours."""
    return min(BACKOFF_FIRST * 2 ** max(attempts - 1, 0), BACKOFF_LONGEST)


def _contact(patient, field: str) -> str:
    try:
        return getattr(patient.identity, field)
    except PatientIdentity.DoesNotExist:
        return ""


def unsendable(msg: OutboundMessage, now: datetime) -> tuple[str, str] | None:
    """(status, reason) when the step must not go out now, read at the moment of sending."""
    tp, patient = msg.timepoint, msg.timepoint.patient
    if tp.status != TimePointStatus.PENDING:
        return MessageStatus.CANCELLED, f"the time point is {tp.get_status_display().lower()}"
    if local_today(patient.site.zone, now) > tp.closes_on:
        return MessageStatus.CANCELLED, "the window has closed"
    if patient.status != PatientStatus.ACTIVE:
        return MessageStatus.SKIPPED, f"the patient is {patient.get_status_display().lower()}"
    if msg.step in EMAIL_STEPS:
        if patient.email_opt_out:
            return MessageStatus.SKIPPED, "the patient opted out of e-mail"
        if not _contact(patient, "email"):
            return MessageStatus.SKIPPED, "no e-mail address on file"
    if msg.step == Step.SMS:
        if not patient.site.sms_enabled:
            return MessageStatus.SKIPPED, "SMS is not enabled at the site"
        if patient.sms_opt_out:
            return MessageStatus.SKIPPED, "the patient opted out of SMS"
        if not _contact(patient, "mobile_phone"):
            return MessageStatus.SKIPPED, "no mobile number on file"
    return None


def _finish(msg: OutboundMessage, worker: str, status: str, reason: str, now: datetime) -> None:
    OutboundMessage.objects.filter(
        pk=msg.pk, status=MessageStatus.CLAIMED, claimed_by=worker
    ).update(status=status, last_error=reason, claimed_until=None,
             sent_at=now if status == MessageStatus.SENT else None)


def _release(msg: OutboundMessage, worker: str, when: datetime, reason: str = "") -> None:
    OutboundMessage.objects.filter(
        pk=msg.pk, status=MessageStatus.CLAIMED, claimed_by=worker
    ).update(status=MessageStatus.QUEUED, next_attempt_at=when, claimed_by="",
             claimed_until=None, last_error=reason)


def _open_task(msg: OutboundMessage, now: datetime) -> str:
    kind = TaskKind.CALL if msg.step == Step.CALL_TASK else TaskKind.LETTER
    tp = msg.timepoint
    if tp.tasks.filter(kind=kind, status=TaskStatus.OPEN).exists():
        return "a task of this kind is already open"
    FollowupTask.objects.create(timepoint=tp, kind=kind, due_on=local_today(tp.patient.site.zone, now),
                                created_at=now, source=msg)
    return ""


def _fresh_link(msg: OutboundMessage, now: datetime) -> tuple[SurveyLink, str]:
    """A new link for this message; links earlier messages carried, unopened, stop working.

    Tokens are stored only hashed, so each message needs a link of its own. A link the
    patient has opened stays valid, so a reminder never breaks a questionnaire in progress;
    links of this same message's earlier tries stay valid, since a re-send after a crash
    may be the copy the patient keeps.
    """
    link, token = do_create_link(SYSTEM, msg.timepoint, now=now)
    earlier = Attempt.objects.filter(message__timepoint=msg.timepoint, link__isnull=False).exclude(
        message=msg
    )
    SurveyLink.objects.filter(
        pk__in=earlier.values("link_id"), submitted_at__isnull=True, revoked_at__isnull=True,
        last_opened_at__isnull=True,
    ).update(revoked_at=now)
    return link, token


def _envelope(msg: OutboundMessage, token: str) -> Envelope:
    patient = msg.timepoint.patient
    clinic, link, key = patient.site.name, survey_url(token), str(msg.idempotency_key)
    if msg.step == Step.SMS:
        return Envelope("sms", _contact(patient, "mobile_phone"),
                        sms_text(clinic, patient.language, link), key, clinic)
    text = email_text(msg.step, clinic, patient.language, link, opt_out_url(patient.pk, "email"))
    return Envelope("email", _contact(patient, "email"), text.body, key, clinic, text.subject)


@transaction.atomic
def prepare(message_id: int, worker: str, now: datetime) -> tuple[str, Envelope | None, int | None]:
    """(outcome, envelope, attempt id); an envelope only when something must be sent."""
    msg = OutboundMessage.objects.select_related(
        "timepoint__patient__site", "timepoint__patient__identity"
    ).get(pk=message_id)
    if msg.status != MessageStatus.CLAIMED or msg.claimed_by != worker:
        return "lost", None, None  # another worker took it over after our lease ran out
    # A try cut off after the mail server had the whole message: it went, whatever happened since.
    if msg.attempts and (handed := msg.tries.filter(outcome=AttemptOutcome.HANDED_OVER,
                                                    finished_at__isnull=True).first()) is not None:
        return _settle_unconfirmed(msg.pk, handed, worker, "the worker stopped", now), None, None
    refusal = unsendable(msg, now)
    if refusal is not None:
        _finish(msg, worker, *refusal, now)
        return refusal[0], None, None
    if msg.step in TASK_STEPS:
        _finish(msg, worker, MessageStatus.SENT, _open_task(msg, now), now)
        return "task", None, None
    protocol, zone = msg.timepoint.planned_protocol(), msg.timepoint.patient.site.zone
    if not within_hours(now, zone, protocol.sending_start, protocol.sending_end):
        _release(msg, worker, next_sending_moment(now, zone, protocol.sending_start, protocol.sending_end))
        return "deferred", None, None
    if msg.attempts:  # an earlier try may have been cut off by a killed worker
        msg.tries.filter(outcome=AttemptOutcome.STARTED).update(
            outcome=AttemptOutcome.INTERRUPTED, finished_at=now,
            error="the worker stopped before recording the result; the message may have gone out",
        )
    link, token = _fresh_link(msg, now)
    attempt = Attempt.objects.create(message=msg, worker=worker, started_at=now, link=link)
    OutboundMessage.objects.filter(pk=msg.pk).update(attempts=msg.attempts + 1)
    return "send", _envelope(msg, token), attempt.pk


@transaction.atomic
def record_sent(message_id: int, attempt_id: int, worker: str, provider_id: str,
                now: datetime) -> None:
    Attempt.objects.filter(pk=attempt_id).update(
        outcome=AttemptOutcome.SENT, finished_at=now, provider_message_id=provider_id
    )
    OutboundMessage.objects.filter(pk=message_id, status=MessageStatus.CLAIMED, claimed_by=worker).update(
        status=MessageStatus.SENT, sent_at=now, provider_message_id=provider_id, claimed_until=None,
        last_error="",
    )


def record_handed_over(attempt_id: int, provider_id: str) -> None:
    """The SMTP server has the whole message: from this commit on it is never sent again."""
    Attempt.objects.filter(pk=attempt_id, outcome=AttemptOutcome.STARTED).update(
        outcome=AttemptOutcome.HANDED_OVER, provider_message_id=provider_id
    )


def _settle_unconfirmed(message_id: int, attempt: Attempt, worker: str, why: str, now: datetime) -> str:
    note = f"handed to the mail server, but its reply was not seen ({why}); not sent again"
    Attempt.objects.filter(pk=attempt.pk).update(finished_at=now, error=note)
    OutboundMessage.objects.filter(pk=message_id, status=MessageStatus.CLAIMED, claimed_by=worker).update(
        status=MessageStatus.SENT, sent_at=attempt.started_at, provider_message_id=attempt.provider_message_id,
        claimed_until=None, last_error=note,
    )
    return "unconfirmed"


@transaction.atomic
def record_unconfirmed(message_id: int, attempt_id: int, worker: str, why: str, now: datetime) -> str:
    """The server had the whole message and its reply never came: sent, as far as we can know."""
    return _settle_unconfirmed(message_id, Attempt.objects.get(pk=attempt_id), worker, why, now)


@transaction.atomic
def record_failure(message_id: int, attempt_id: int | None, worker: str, error: SendError,
                   now: datetime) -> str:
    """Bounced when permanent; otherwise queued again after a backoff, or failed at the limit."""
    msg = OutboundMessage.objects.select_related("timepoint__patient__site").get(pk=message_id)
    outcome = AttemptOutcome.BOUNCED if error.permanent else AttemptOutcome.FAILED
    if attempt_id is None:  # it failed while being prepared: still a try, so it cannot loop forever
        msg.attempts += 1
        OutboundMessage.objects.filter(pk=msg.pk).update(attempts=msg.attempts)
    else:
        Attempt.objects.filter(pk=attempt_id).update(outcome=outcome, finished_at=now, error=str(error))
    if msg.step == Step.SMS and error.code == UNSUBSCRIBED:
        do_set_contact_preferences(SYSTEM, msg.timepoint.patient, sms_opt_out=True,
                                   reason="the SMS provider reports the number unsubscribed")
    if error.permanent:
        _finish(msg, worker, MessageStatus.BOUNCED, str(error), now)
        return MessageStatus.BOUNCED
    if msg.attempts >= MAX_ATTEMPTS:
        _finish(msg, worker, MessageStatus.FAILED, f"gave up after {msg.attempts} tries: {error}", now)
        return MessageStatus.FAILED
    protocol, zone = msg.timepoint.planned_protocol(), msg.timepoint.patient.site.zone
    retry_at = next_sending_moment(now + backoff(msg.attempts), zone, protocol.sending_start,
                                   protocol.sending_end)
    _release(msg, worker, retry_at, str(error))
    return "retry"
