"""Complications with their adjudication, and withdrawal, death or loss to follow-up."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from disctrack.registry.actions._util import apply_changes
from disctrack.registry.actions.timepoints import close_timepoint
from disctrack.registry.audit import Actor, audit_change, audit_create, snapshot
from disctrack.registry.choices import (
    AdjudicationStatus,
    EventKind,
    PatientStatus,
    Relatedness,
    Severity,
    TreatmentRole,
)
from disctrack.registry.locking import for_change
from disctrack.registry.models import Complication, Episode, Event, Patient, TimePointStatus


@transaction.atomic
def do_record_complication(actor: Actor, episode: Episode, data: dict[str, Any]) -> Complication:
    complication = Complication(
        episode=episode,
        reported_at=timezone.now(),
        reported_by=None if isinstance(actor, str) else actor,
    )
    apply_changes(complication, data)
    complication.full_clean()
    complication.save()
    audit_create(actor, complication, episode.patient)
    return complication


@transaction.atomic
def do_adjudicate_complication(actor: Actor, complication: Complication, *, status: str,
                               note: str, severity: str | None = None,
                               relatedness: str | None = None,
                               category: str | None = None) -> Complication:
    """A clinician confirms or rejects a reported complication, and may reclassify it."""
    if isinstance(actor, str):
        raise ValidationError({"adjudicated_by": "Only a clinician can adjudicate"})
    if status not in (AdjudicationStatus.CONFIRMED, AdjudicationStatus.REJECTED):
        raise ValidationError({"status": "Adjudicate as confirmed or rejected"})
    if not (note or "").strip():
        raise ValidationError({"adjudication_note": "Give the reasoning for the adjudication"})
    if severity is not None and severity not in Severity.values:
        raise ValidationError({"severity": f"{severity!r} is not a severity"})
    if relatedness is not None and relatedness not in Relatedness.values:
        raise ValidationError({"relatedness": f"{relatedness!r} is not a relatedness grade"})
    complication = for_change(Complication.objects).get(pk=complication.pk)
    before = snapshot(complication)
    complication.status = status
    complication.adjudication_note = note.strip()
    complication.adjudicated_by = actor
    complication.adjudicated_at = timezone.now()
    for field, value in (("severity", severity), ("relatedness", relatedness), ("category", category)):
        if value is not None:
            setattr(complication, field, value)
    complication.full_clean()
    complication.save()
    audit_change(actor, complication, before, complication.episode.patient, note.strip())
    return complication


_STATUS_AFTER = {
    EventKind.WITHDRAWAL: (PatientStatus.WITHDRAWN, TimePointStatus.WITHDRAWN),
    EventKind.DEATH: (PatientStatus.DEAD, TimePointStatus.DEAD),
    # Lost patients' pending time points stay pending: they close as missed, honestly.
    EventKind.LOST_TO_FOLLOW_UP: (PatientStatus.LOST, None),
}


def _refuse_before_index(episode: Episode, event: Event) -> None:
    index = episode.treatments.filter(role=TreatmentRole.INDEX).first()
    if index is not None and event.occurred_on < index.performed_on:
        raise ValidationError({"occurred_on": _(
            "%(what)s cannot be dated before the index treatment (%(treatment)s on %(date)s)"
        ) % {"what": event.get_kind_display(), "treatment": index.get_kind_display(),
             "date": index.performed_on.isoformat()}})


@transaction.atomic
def do_record_event(actor: Actor, episode: Episode, *, kind: str, occurred_on,
                    reason: str = "") -> Event:
    """Withdrawal or death closes the pending time points; loss to follow-up marks the patient."""
    if kind not in EventKind.values:
        raise ValidationError({"kind": f"{kind!r} is not an event; use {', '.join(EventKind.values)}"})
    event = Event(episode=episode, kind=kind, occurred_on=occurred_on, reason=(reason or "").strip(),
                  recorded_at=timezone.now(), recorded_by=None if isinstance(actor, str) else actor)
    event.full_clean()
    _refuse_before_index(episode, event)
    patient = for_change(Patient.objects).get(pk=episode.patient_id)
    if patient.status == PatientStatus.DEAD:
        raise ValidationError({"kind": "The patient is recorded as deceased"})
    event.save()
    audit_create(actor, event, patient)
    patient_status, timepoint_status = _STATUS_AFTER[EventKind(kind)]
    before = snapshot(patient)
    patient.status = patient_status
    patient.save(update_fields=["status"])
    audit_change(actor, patient, before, patient, f"{kind} recorded")
    if timepoint_status is not None:
        reason = f"{event.get_kind_display()} on {occurred_on}"
        for tp in patient.timepoints.filter(status=TimePointStatus.PENDING):
            tp.patient = patient
            close_timepoint(actor, tp, timepoint_status, reason)
    return event
