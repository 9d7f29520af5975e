"""Recording treatments, which also lays out the patient's follow-up time points."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from disctrack.registry.actions._util import apply_changes, require_reason
from disctrack.registry.actions.schedule import create_timepoints, protocol_for, reschedule_pending
from disctrack.registry.actions.timepoints import close_timepoint
from disctrack.registry.audit import Actor, audit_change, audit_create, snapshot
from disctrack.registry.choices import SURGICAL_KINDS, TreatmentRole
from disctrack.registry.locking import for_change
from disctrack.registry.models import Episode, TimePointStatus, Treatment, sorted_levels


def _role_for(episode: Episode, kind: str, requested: str | None) -> str:
    """The first treatment of an episode is its index; a later surgery is a subsequent one."""
    index = episode.treatments.filter(role=TreatmentRole.INDEX).first()
    if index is None:
        if requested not in (None, "", TreatmentRole.INDEX):
            raise ValidationError({"role": "The episode has no index treatment yet; record it first"})
        return TreatmentRole.INDEX
    if requested == TreatmentRole.INDEX:
        raise ValidationError({"role": f"The episode already has an index treatment ({index})"})
    if requested:
        return requested
    return TreatmentRole.SUBSEQUENT_SURGERY if kind in SURGICAL_KINDS else TreatmentRole.ADDITIONAL


def _check_order(episode: Episode, treatment: Treatment) -> None:
    index = episode.treatments.filter(role=TreatmentRole.INDEX).exclude(pk=treatment.pk).first()
    if index and treatment.performed_on < index.performed_on:
        raise ValidationError(
            {"performed_on": f"Later treatments cannot precede the index treatment ({index.performed_on})"}
        )
    if treatment.performed_on < episode.diagnosed_on:
        raise ValidationError({"performed_on": "A treatment cannot precede the episode's diagnosis"})


def _stop_after_surgery(actor: Actor, episode: Episode, surgery: Treatment) -> None:
    """Apply the protocol's rule for a biologic's follow-up after a subsequent surgery."""
    index = episode.treatments.filter(role=TreatmentRole.INDEX).first()
    if index is None or protocol_for(index).after_subsequent_surgery != "stop":
        return
    pending = index.timepoints.filter(status=TimePointStatus.PENDING, target_on__gt=surgery.performed_on)
    for tp in pending.select_related("patient"):
        close_timepoint(actor, tp, TimePointStatus.STOPPED, f"subsequent surgery on {surgery.performed_on}",
                        audit_reason="protocol stops follow-up after surgery")


@transaction.atomic
def do_record_treatment(actor: Actor, episode: Episode, data: dict[str, Any]) -> Treatment:
    """Record a treatment; an index treatment gets its follow-up time points."""
    data = dict(data)
    role = _role_for(episode, data.get("kind", ""), data.pop("role", None))
    treatment = Treatment(episode=episode, role=role)
    apply_changes(treatment, data)
    treatment.full_clean()
    treatment.levels = sorted_levels(treatment.levels)
    if treatment.physician.site_id != episode.patient.site_id:
        raise ValidationError({"physician": "That physician does not work at the patient's site"})
    _check_order(episode, treatment)
    treatment.save()
    patient = episode.patient
    audit_create(actor, treatment, patient)
    for tp in create_timepoints(treatment):
        audit_create(actor, tp, patient)
    if role == TreatmentRole.SUBSEQUENT_SURGERY:
        _stop_after_surgery(actor, episode, treatment)
    return treatment


@transaction.atomic
def do_update_treatment(actor: Actor, treatment: Treatment, changes: dict[str, Any],
                        reason: str) -> Treatment:
    """Correct a treatment; a new date moves every pending time point, never answered ones."""
    reason = require_reason(reason)
    treatment = for_change(Treatment.objects).get(pk=treatment.pk)
    if "role" in changes or "episode" in changes or "episode_id" in changes:
        raise ValidationError({"role": "A treatment's role and episode cannot be changed"})
    before = snapshot(treatment)
    apply_changes(treatment, changes)
    treatment.full_clean()
    treatment.levels = sorted_levels(treatment.levels)
    _check_order(treatment.episode, treatment)
    treatment.save()
    patient = treatment.episode.patient
    audit_change(actor, treatment, before, patient, reason)
    if before["performed_on"] != treatment.performed_on.isoformat() and treatment.role == TreatmentRole.INDEX:
        reschedule_pending(actor, treatment, f"rescheduled: {reason}")
    return treatment
