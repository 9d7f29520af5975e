"""The one write the registry's own actions do not offer: restoring how a time point closed.

In a running registry a time point is closed as missed by the follow-up worker when its
window passes unanswered, and as stopped by a protocol rule. The import has no such event
to replay, so it restores the recorded status here, validated and audited like any action.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from disctrack.registry.actions.timepoints import close_timepoint
from disctrack.registry.audit import Actor
from disctrack.registry.locking import for_change
from disctrack.registry.models import TimePoint, TimePointStatus

RESTORABLE = (TimePointStatus.MISSED, TimePointStatus.STOPPED)


@transaction.atomic
def do_restore_timepoint_closure(actor: Actor, timepoint: TimePoint, *, status: str,
                                 closed_reason: str = "") -> TimePoint:
    """Close a pending time point as missed or stopped, as the source registry recorded it."""
    if status not in RESTORABLE:
        raise ValidationError({"status": f"{status!r} cannot be restored; use missed or stopped "
                               "(answered time points come from responses, withdrawn and dead "
                               "ones from events)"})
    closed_reason = (closed_reason or "").strip()
    if status == TimePointStatus.STOPPED and not closed_reason:
        raise ValidationError({"closed_reason": "Say why follow-up stopped"})
    timepoint = for_change(TimePoint.objects).select_related("patient__site").get(
        pk=timepoint.pk)
    if timepoint.status != TimePointStatus.PENDING:
        raise ValidationError({"status": f"{timepoint.label} is already "
                               f"{timepoint.get_status_display().lower()}"})
    today = timezone.now().astimezone(timepoint.patient.site.zone).date()
    if status == TimePointStatus.MISSED and timepoint.closes_on >= today:
        raise ValidationError({"status": f"{timepoint.label} is open until {timepoint.closes_on}; "
                               "it cannot have been missed yet"})
    close_timepoint(actor, timepoint, status, closed_reason, audit_reason="closure restored by import")
    return timepoint
