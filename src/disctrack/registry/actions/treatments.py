"""Recording treatments, which also lays out the patient's follow-up time points."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from disctrack.registry.actions._util import apply_changes, require_reason
from disctrack.registry.actions.schedule import create_timepoints, protocol_for, reschedule_pending
from disctrack.registry.actions.timepoints import close_timepoint
from disctrack.registry.audit import Actor, audit_change, audit_create, snapshot
from disctrack.registry.choices import SURGICAL_KINDS, TreatmentRole
from disctrack.registry.locking import for_change
from disctrack.registry.models import Episode, Event, TimePointStatus, Treatment, sorted_levels
from disctrack.registry.models.patients import latest_date_anywhere


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


def _named(record) -> str:
    what = record.get_kind_display() if isinstance(record, Treatment) else record.get_category_display()
    return _("%(what)s on %(date)s") % {"what": what, "date": record_date(record).isoformat()}


def record_date(record) -> date:
    return record.performed_on if isinstance(record, Treatment) else record.occurred_on


def _check_order(episode: Episode, treatment: Treatment) -> None:
    """Refuse a date that would put the episode's records out of order, naming the record."""
    when = treatment.performed_on
    # An index treatment is recorded ahead, so that its baseline questionnaire can be sent;
    # a later treatment is recorded once done (a planned surgery would stop follow-up now).
    if treatment.role != TreatmentRole.INDEX and when > latest_date_anywhere():
        raise ValidationError({"performed_on": _(
            "The %(role)s cannot be dated in the future; record it once it is done"
        ) % {"role": treatment.get_role_display().lower()}})
    if when < episode.diagnosed_on:
        raise ValidationError({"performed_on": "A treatment cannot precede the episode's diagnosis"})
    others = episode.treatments.exclude(pk=treatment.pk)
    if treatment.role != TreatmentRole.INDEX:
        index = others.filter(role=TreatmentRole.INDEX).first()
        if index and when < index.performed_on:
            raise ValidationError({"performed_on": _(
                "The %(role)s cannot be dated before the index treatment (%(index)s)"
            ) % {"role": treatment.get_role_display().lower(), "index": _named(index)}})
        return
    earlier = [
        others.filter(performed_on__lt=when).order_by("performed_on", "id").first(),
        episode.events.filter(occurred_on__lt=when).order_by("occurred_on", "id").first(),
        treatment.complications.filter(occurred_on__lt=when).order_by("occurred_on", "id").first()
        if treatment.pk else None,
    ]
    conflicts = sorted((r for r in earlier if r is not None), key=record_date)
    if conflicts:
        raise ValidationError({"performed_on": _(
            "The index treatment cannot be dated after the %(record)s recorded for this episode; "
            "correct that record first"
        ) % {"record": _describe(conflicts[0])}})


def _describe(record) -> str:
    if isinstance(record, Treatment):
        return _("%(role)s (%(record)s)") % {"role": record.get_role_display().lower(),
                                               "record": _named(record)}
    if isinstance(record, Event):
        return _("%(what)s recorded on %(date)s") % {"what": record.get_kind_display().lower(),
                                                     "date": record.occurred_on.isoformat()}
    return _("complication (%(record)s)") % {"record": _named(record)}


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
