"""Closing a time point: the one place where a time point stops being pending.

Answered, missed, withdrawn, deceased, stopped by the protocol or restored by an import:
every route calls `close_timepoint`, which audits the change and sends `timepoint_closed`,
on which the follow-up app cancels the time point's queued messages and open tasks in the
same transaction.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction

from disctrack.core.timing import local_today, now_utc
from disctrack.registry.audit import Actor, audit_change, snapshot
from disctrack.registry.models import Site, TimePoint, TimePointStatus
from disctrack.registry.signals import timepoint_closed

# How the audit trail names the follow-up worker, which closes missed windows each pass.
WORKER_ACTOR = "system: follow-up worker"

# From which status each closing may happen: a missed time point can still be answered
# late (a paper form that arrives after the window), nothing else reopens.
_CLOSABLE_FROM = {TimePointStatus.ANSWERED: (TimePointStatus.PENDING, TimePointStatus.MISSED)}
_PENDING_ONLY = (TimePointStatus.PENDING,)


def close_timepoint(actor: Actor, tp: TimePoint, status: str, reason: str = "", *,
                    now: datetime | None = None, answered_at: datetime | None = None,
                    channel: str = "", audit_reason: str | None = None) -> bool:
    """Close `tp` with `status` and stop its follow-up work; False if it was already closed.

    The change is a conditional UPDATE, so two closings racing each other close it once.
    `answered_at` and `channel` go with ANSWERED; `reason` is kept as the closed reason of
    the other statuses and written to the audit trail (or `audit_reason`, when it differs).
    """
    if status == TimePointStatus.PENDING or status not in TimePointStatus.values:
        raise ValueError(f"{status!r} does not close a time point")
    now = now or now_utc()
    fields: dict = {"status": status}
    if status == TimePointStatus.ANSWERED:
        fields.update(answered_at=answered_at or now, channel=channel)
    else:
        fields["closed_reason"] = reason
    before = snapshot(tp)
    with transaction.atomic():
        changed = TimePoint.objects.filter(
            pk=tp.pk, status__in=_CLOSABLE_FROM.get(status, _PENDING_ONLY)
        ).update(**fields)
        if changed != 1:
            return False
        for name, value in fields.items():
            setattr(tp, name, value)
        audit_change(actor, tp, before, tp.patient, reason if audit_reason is None else audit_reason)
        timepoint_closed.send(TimePoint, actor=actor, timepoint=tp, status=status, reason=reason,
                              now=now)
    return True


def close_missed(today: date | None = None) -> int:
    """Close as missed every pending time point whose window closed before today.

    `today` is each site's own calendar day unless given (the demo generator passes the day
    it simulates). Returns how many time points were closed.
    """
    closed = 0
    for site in Site.objects.all():
        day = today or local_today(site.zone)
        overdue = TimePoint.objects.filter(
            patient__site=site, status=TimePointStatus.PENDING, closes_on__lt=day
        ).select_related("patient")
        for tp in overdue:
            closed += close_timepoint(WORKER_ACTOR, tp, TimePointStatus.MISSED,
                                      f"window closed on {tp.closes_on} without an answer")
    return closed
