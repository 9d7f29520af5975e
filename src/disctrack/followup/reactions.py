"""What the follow-up engine does when something happens in the apps below it.

Connected to the registry's and the surveys' signals in `disctrack/wiring.py`; each runs in
the transaction of the action that sent the signal.
"""

from __future__ import annotations

from disctrack.followup.ladder import cancel_work
from disctrack.followup.models import SafetyAlert
from disctrack.followup.safety import signals
from disctrack.registry.audit import audit_create
from disctrack.registry.models import TimePoint, TimePointStatus

SAFETY_ACTOR = "system: safety check"


def stop_work(sender, *, timepoint, status, reason, now, **kwargs) -> None:
    """A time point closed: cancel its queued messages and open tasks.

    Cancelled in the closing transaction, so no worker takes them after it commits. The
    worker also reads the status when it takes a step; only a message it had already
    prepared before the closing committed can still leave.
    """
    cancel_work([timepoint.pk], reason or TimePointStatus(status).label.lower(), now)


def plan_again(sender, *, timepoint, reason, now, **kwargs) -> None:
    """A pending time point's window moved: its queued steps go, the worker plans anew.

    Steps already taken (sent, skipped, given up) are not repeated (`ladder.plan_steps`).
    """
    cancel_work([timepoint.pk], reason, now)
    TimePoint.objects.filter(pk=timepoint.pk).update(ladder_planned_at=None)
    timepoint.ladder_planned_at = None


def check_safety(sender, *, actor, timepoint, responses, now, **kwargs) -> None:
    """Answers were submitted: raise a safety alert for a clinician when they call for one."""
    reasons = signals(timepoint, responses, timepoint.planned_protocol().safety)
    if reasons:
        alert = SafetyAlert.objects.create(
            timepoint=timepoint, patient=timepoint.patient, reasons=reasons, created_at=now
        )
        audit_create(SAFETY_ACTOR, alert, timepoint.patient, "answers suggest a complication")
