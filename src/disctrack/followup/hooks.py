"""What the follow-up engine does when something happens elsewhere in the registry.

Called by actions inside their transaction.
"""

from __future__ import annotations

from django.utils import timezone

from disctrack.followup.ladder import cancel_work, protocol_of
from disctrack.followup.models import SafetyAlert
from disctrack.followup.safety import signals
from disctrack.registry.audit import audit_create

SAFETY_ACTOR = "system: safety check"


def timepoint_answered(actor, timepoint, responses) -> None:
    """A time point was answered: stop its reminders and look for safety signals.

    Queued reminders are cancelled in the answering transaction, so none is taken after it
    commits. The worker also reads the status when it takes a step; only a message it had
    already prepared before the answer committed can still leave.
    """
    now = timezone.now()
    cancel_work([timepoint.pk], "answered", now)
    reasons = signals(timepoint, responses, protocol_of(timepoint).safety)
    if reasons:
        alert = SafetyAlert.objects.create(
            timepoint=timepoint, patient=timepoint.patient, reasons=reasons, created_at=now
        )
        audit_create(SAFETY_ACTOR, alert, timepoint.patient, "answers suggest a complication")
