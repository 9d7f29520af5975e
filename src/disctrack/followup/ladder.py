"""The escalation ladder: planning it when a window opens, and stopping it.

Each worker pass closes missed windows (`registry.actions.timepoints.close_missed`) and then
calls `open_windows`. Planning is claimed per time point with a conditional UPDATE on
`ladder_planned_at`, so several workers never queue the same ladder twice. A time point that
closes, or whose window moves, stops its ladder through `followup.reactions`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction

from disctrack.core.timing import at_local, local_today, next_sending_moment, now_utc
from disctrack.followup.models import FollowupTask, MessageStatus, OutboundMessage, TaskStatus
from disctrack.registry.actions.timepoints import WORKER_ACTOR
from disctrack.registry.choices import PatientStatus
from disctrack.registry.models import Site, TimePoint, TimePointStatus

SYSTEM = WORKER_ACTOR


def plan_steps(tp: TimePoint, site: Site, now: datetime) -> list[OutboundMessage]:
    """The ladder's steps still to do, from the day the window opened (or today, if later).

    Steps already taken in an earlier plan (sent, skipped, given up) are not planned again;
    steps that would fall after the window closes are not planned at all.
    """
    protocol, zone = tp.planned_protocol(), site.zone
    base = max(tp.opens_on, local_today(zone, now))
    taken = set(
        tp.messages.exclude(status=MessageStatus.CANCELLED)
        .filter(ladder_index__isnull=False)
        .values_list("ladder_index", flat=True)
    )
    rows = []
    for index, step in enumerate(protocol.escalation):
        if index in taken:
            continue
        planned = at_local(base + timedelta(days=step.day), protocol.sending_start, zone)
        due = next_sending_moment(max(planned, now), zone, protocol.sending_start, protocol.sending_end)
        if local_today(zone, due) > tp.closes_on:
            continue
        rows.append(OutboundMessage(
            timepoint=tp, step=step.step, ladder_index=index, ladder_day=step.day,
            due_at=due, next_attempt_at=due, created_at=now,
        ))
    return rows


def _plan_one(tp: TimePoint, site: Site, now: datetime) -> int:
    with transaction.atomic():
        claimed = TimePoint.objects.filter(
            pk=tp.pk, status=TimePointStatus.PENDING, ladder_planned_at__isnull=True
        ).update(ladder_planned_at=now)
        if claimed != 1:
            return 0  # another worker planned it first
        return len(OutboundMessage.objects.bulk_create(plan_steps(tp, site, now)))


def open_windows(now: datetime | None = None) -> int:
    """Queue the ladder of every pending time point whose window is open today at its site."""
    now = now or now_utc()
    queued = 0
    for site in Site.objects.all():
        today = local_today(site.zone, now)
        due = TimePoint.objects.filter(
            patient__site=site, patient__status=PatientStatus.ACTIVE,
            status=TimePointStatus.PENDING, ladder_planned_at__isnull=True,
            opens_on__lte=today, closes_on__gte=today,
        )
        for tp in due:
            queued += _plan_one(tp, site, now)
    return queued


def cancel_work(timepoints, reason: str, now: datetime | None = None) -> int:
    """Cancel queued messages and open tasks of the time points (a queryset or list of ids)."""
    now = now or now_utc()
    messages = OutboundMessage.objects.filter(
        timepoint__in=timepoints, status=MessageStatus.QUEUED
    ).update(status=MessageStatus.CANCELLED, last_error=reason)
    FollowupTask.objects.filter(timepoint__in=timepoints, status=TaskStatus.OPEN).update(
        status=TaskStatus.CANCELLED, outcome=reason, closed_at=now
    )
    return messages
