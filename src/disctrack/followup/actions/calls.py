"""Telephone calls and letters: what staff did, and the next step that follows from it."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction

from disctrack.core.timing import local_today, next_sending_moment, now_utc
from disctrack.followup.models import (
    CallLog,
    CallOutcome,
    FollowupTask,
    MessageStatus,
    OutboundMessage,
    Step,
    TaskKind,
    TaskStatus,
)
from disctrack.registry.actions import do_record_event
from disctrack.registry.actions.timepoints import close_timepoint
from disctrack.registry.audit import Actor, audit_change, audit_create, snapshot
from disctrack.registry.choices import EventKind
from disctrack.registry.locking import for_change
from disctrack.registry.models import TimePoint, TimePointStatus

# A call task with no answer comes back after this many days, up to this many tries.
RETRY_CALL_AFTER = timedelta(days=2)
CALL_TRIES = 3


def _close_task(task: FollowupTask | None, actor, outcome: str, now: datetime) -> None:
    if task is None:
        return
    task.status, task.outcome, task.closed_at, task.closed_by = TaskStatus.DONE, outcome, now, actor
    task.save(update_fields=["status", "outcome", "closed_at", "closed_by"])


def _email_link_now(tp: TimePoint, now: datetime) -> None:
    protocol, zone = tp.planned_protocol(), tp.patient.site.zone
    due = next_sending_moment(now, zone, protocol.sending_start, protocol.sending_end)
    OutboundMessage.objects.create(timepoint=tp, step=Step.EMAIL_AFTER_CALL, due_at=due,
                                   next_attempt_at=due, created_at=now)


def _no_answer(task: FollowupTask | None, actor, now: datetime) -> None:
    if task is None:
        return
    task.no_answer_count += 1
    if task.no_answer_count >= CALL_TRIES:
        task.save(update_fields=["no_answer_count"])
        _close_task(task, actor, f"no answer {task.no_answer_count} times", now)
        return
    task.due_on = local_today(task.timepoint.patient.site.zone, now) + RETRY_CALL_AFTER
    task.save(update_fields=["no_answer_count", "due_on"])


def _wrong_number(tp: TimePoint, task: FollowupTask | None, actor, now: datetime) -> None:
    """No more SMS to that number; a letter goes out now instead of waiting for its day."""
    _close_task(task, actor, "wrong number", now)
    tp.messages.filter(step__in=[Step.SMS, Step.LETTER_TASK], status=MessageStatus.QUEUED).update(
        status=MessageStatus.CANCELLED, last_error="wrong number reported on a call"
    )
    if not tp.tasks.filter(kind=TaskKind.LETTER, status=TaskStatus.OPEN).exists():
        FollowupTask.objects.create(timepoint=tp, kind=TaskKind.LETTER, created_at=now,
                                    due_on=local_today(tp.patient.site.zone, now))


def _withdraw(actor, tp: TimePoint, note: str, now: datetime) -> None:
    do_record_event(actor, tp.treatment.episode, kind=EventKind.WITHDRAWAL,
                    occurred_on=local_today(tp.patient.site.zone, now),
                    reason=note or "withdrew during a follow-up telephone call")


@transaction.atomic
def do_log_call(actor: Actor, timepoint: TimePoint, *, outcome: str, note: str = "") -> CallLog:
    """Record a call about a pending time point and take the step its outcome calls for."""
    if isinstance(actor, str):
        raise ValidationError({"by": "Only staff log calls"})
    if outcome not in CallOutcome.values:
        raise ValidationError({"outcome": f"{outcome!r} is not a call outcome"})
    note = (note or "").strip()
    tp = for_change(TimePoint.objects).select_related("patient__site", "treatment__episode").get(pk=timepoint.pk)
    if tp.status != TimePointStatus.PENDING:
        raise ValidationError({"timepoint": f"{tp.label} is {tp.get_status_display().lower()}"})
    now = now_utc()
    task = tp.tasks.filter(kind=TaskKind.CALL, status=TaskStatus.OPEN).first()
    call = CallLog.objects.create(timepoint=tp, task=task, at=now, by=actor, outcome=outcome, note=note)
    audit_create(actor, call, tp.patient)
    if outcome == CallOutcome.NO_ANSWER:
        _no_answer(task, actor, now)
    elif outcome == CallOutcome.WRONG_NUMBER:
        _wrong_number(tp, task, actor, now)
    elif outcome == CallOutcome.WITHDREW:
        _close_task(task, actor, "withdrew", now)
        _withdraw(actor, tp, note, now)
    elif outcome == CallOutcome.DECLINED:
        _close_task(task, actor, "declined", now)
        close_timepoint(actor, tp, TimePointStatus.MISSED,
                        "declined on the telephone" + (f": {note}" if note else ""), now=now)
    else:
        _close_task(task, actor, CallOutcome(outcome).label, now)
        if outcome == CallOutcome.REACHED:
            _email_link_now(tp, now)
    return call


@transaction.atomic
def do_complete_task(actor: Actor, task: FollowupTask, outcome: str = "") -> FollowupTask:
    """Staff mark a task done (a letter posted, a call handled elsewhere)."""
    task = for_change(FollowupTask.objects).select_related("timepoint__patient").get(pk=task.pk)
    if task.status != TaskStatus.OPEN:
        raise ValidationError({"task": "This task is already closed"})
    before = snapshot(task)
    _close_task(task, None if isinstance(actor, str) else actor,
                (outcome or "").strip() or "done", now_utc())
    audit_change(actor, task, before, task.timepoint.patient)
    return task
