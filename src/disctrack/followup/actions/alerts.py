"""A clinician's review of a safety alert: record the complication, or dismiss with a reason."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from disctrack.core.timing import now_utc
from disctrack.followup.models import AlertStatus, SafetyAlert
from disctrack.registry.actions import do_record_complication
from disctrack.registry.audit import Actor, audit_change, snapshot
from disctrack.registry.locking import for_change


def _open_alert(actor: Actor, alert: SafetyAlert) -> SafetyAlert:
    if isinstance(actor, str):
        raise ValidationError({"resolved_by": "Only a clinician can review a safety alert"})
    alert = for_change(SafetyAlert.objects).select_related(
        "timepoint__treatment__episode", "patient"
    ).get(pk=alert.pk)
    if alert.status != AlertStatus.OPEN:
        raise ValidationError({"alert": f"This alert was already resolved ({alert.get_status_display().lower()})"})
    return alert


def _resolve(actor: Actor, alert: SafetyAlert, status: str, note: str, complication=None) -> SafetyAlert:
    before = snapshot(alert)
    alert.status, alert.resolution_note, alert.complication = status, note, complication
    alert.resolved_by, alert.resolved_at = actor, now_utc()
    alert.save(update_fields=["status", "resolution_note", "complication", "resolved_by", "resolved_at"])
    audit_change(actor, alert, before, alert.patient, note)
    return alert


@transaction.atomic
def do_record_alert_complication(actor: Actor, alert: SafetyAlert, data: dict[str, Any],
                                 note: str = "") -> SafetyAlert:
    """Record the complication the alert points to (awaiting adjudication) and close the alert."""
    alert = _open_alert(actor, alert)
    treatment = alert.timepoint.treatment
    complication = do_record_complication(actor, treatment.episode, {**data, "treatment": treatment})
    return _resolve(actor, alert, AlertStatus.COMPLICATION,
                    (note or "").strip() or "complication recorded", complication)


@transaction.atomic
def do_dismiss_alert(actor: Actor, alert: SafetyAlert, reason: str) -> SafetyAlert:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why this alert is not a complication"})
    return _resolve(actor, _open_alert(actor, alert), AlertStatus.DISMISSED, reason)
