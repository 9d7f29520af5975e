"""Enrolling patients and changing their identity, contact preferences and episodes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from disctrack.registry.actions._util import apply_changes, require_reason
from disctrack.registry.actions.status import refuse_status_field
from disctrack.registry.audit import Actor, audit_change, audit_create, audit_delete, snapshot
from disctrack.registry.locking import for_change
from disctrack.registry.models import (
    Episode,
    LevelImaging,
    Patient,
    PatientIdentity,
    Site,
    sorted_levels,
)


def _prefixed(exc: ValidationError, prefix: str) -> ValidationError:
    """Name the part of a compound form a field error belongs to: identity.email, ..."""
    if not hasattr(exc, "error_dict"):
        return ValidationError({prefix: exc.messages})
    return ValidationError({f"{prefix}.{name}": msgs for name, msgs in exc.message_dict.items()})


def _imaging_row(episode: Episode, data: dict[str, Any]) -> LevelImaging:
    row = LevelImaging(episode=episode)
    apply_changes(row, data)
    # One row per level is checked across the new rows below: the stored rows are the ones
    # being replaced, so checking against them would refuse every level already imaged.
    row.full_clean(validate_constraints=False)
    return row


def _imaging_rows(episode: Episode, imaging: list[dict[str, Any]]) -> list[LevelImaging]:
    rows, errors = [], {}
    for i, data in enumerate(imaging):
        try:
            rows.append(_imaging_row(episode, data))
        except ValidationError as exc:
            errors.update(_prefixed(exc, f"imaging[{i}]").message_dict)
    levels = [row.level for row in rows]
    if len(set(levels)) != len(levels):
        errors["imaging"] = ["A level has two imaging rows"]
    if errors:
        raise ValidationError(errors)
    return rows


@transaction.atomic
def do_enroll_patient(actor: Actor, site: Site, *, identity: dict[str, Any],
                      episode: dict[str, Any], imaging: list[dict[str, Any]],
                      language: str = "en", registry_id: str | None = None,
                      enrolled_at: datetime | None = None) -> Patient:
    """Enroll a patient with identity, an episode of care and per-level imaging.

    `enrolled_at` records an enrolment made earlier (an import, a paper record); default now.
    """
    refuse_status_field(episode, "episode.surgery_status_known_on")
    errors: dict[str, list[str]] = {}
    fixed = {"registry_id": registry_id} if registry_id else {}
    now = timezone.now()
    if enrolled_at is None:
        enrolled_at = now
    elif timezone.is_naive(enrolled_at):
        errors["enrolled_at"] = ["Give the enrolment time with its time zone."]
    elif enrolled_at > now:
        errors["enrolled_at"] = ["The enrolment time cannot be in the future."]
    patient = Patient(site=site, language=language, enrolled_at=now if errors else enrolled_at,
                      enrolled_by=None if isinstance(actor, str) else actor, **fixed)
    try:
        patient.full_clean(exclude=["enrolled_by"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    person = PatientIdentity(patient=patient)
    try:
        apply_changes(person, identity)
        person.full_clean(exclude=["patient"])
    except ValidationError as exc:
        errors.update(_prefixed(exc, "identity").message_dict)
    care = Episode(patient=patient)
    try:
        apply_changes(care, episode)
        care.full_clean(exclude=["patient"])
        if care.levels:
            care.levels = sorted_levels(care.levels)
    except ValidationError as exc:
        errors.update(_prefixed(exc, "episode").message_dict)
    if errors:
        raise ValidationError(errors)
    patient.save()
    person.patient = patient
    person.save()
    care.patient = patient
    care.save()
    rows = _imaging_rows(care, imaging)
    LevelImaging.objects.bulk_create(rows)
    for obj in (patient, person, care, *rows):
        audit_create(actor, obj, patient)
    return patient


@transaction.atomic
def do_update_identity(actor: Actor, patient: Patient, changes: dict[str, Any],
                       reason: str) -> PatientIdentity:
    reason = require_reason(reason)
    person = for_change(PatientIdentity.objects).get(patient=patient)
    before = snapshot(person)
    apply_changes(person, changes)
    person.full_clean()
    person.save()
    audit_change(actor, person, before, patient, reason)
    return person


@transaction.atomic
def do_set_contact_preferences(actor: Actor, patient: Patient, *, email_opt_out: bool | None = None,
                               sms_opt_out: bool | None = None, language: str | None = None,
                               reason: str = "") -> Patient:
    """Opt-outs hold at once: the follow-up worker reads them before every message."""
    patient = for_change(Patient.objects).get(pk=patient.pk)
    before = snapshot(patient)
    if email_opt_out is not None:
        patient.email_opt_out = email_opt_out
    if sms_opt_out is not None:
        patient.sms_opt_out = sms_opt_out
    if language is not None:
        patient.language = language
    patient.full_clean(exclude=["enrolled_by"])
    patient.save()
    audit_change(actor, patient, before, patient, reason)
    return patient


@transaction.atomic
def do_update_episode(actor: Actor, episode: Episode, changes: dict[str, Any],
                      reason: str) -> Episode:
    reason = require_reason(reason)
    refuse_status_field(changes)
    episode = for_change(Episode.objects).get(pk=episode.pk)
    before = snapshot(episode)
    apply_changes(episode, changes)
    episode.full_clean()
    first = episode.treatments.order_by("performed_on").first()
    if first is not None and first.performed_on < episode.diagnosed_on:
        raise ValidationError(
            {"diagnosed_on": f"The diagnosis cannot follow the first treatment ({first.performed_on})"}
        )
    episode.levels = sorted_levels(episode.levels)
    episode.save()
    audit_change(actor, episode, before, episode.patient, reason)
    return episode


@transaction.atomic
def do_set_imaging(actor: Actor, episode: Episode, imaging: list[dict[str, Any]],
                   reason: str) -> list[LevelImaging]:
    """Replace the per-level imaging of an episode, recording each row's change."""
    reason = require_reason(reason)
    patient = episode.patient
    existing = {row.level: row for row in episode.imaging.all()}
    wanted = _imaging_rows(episode, imaging)
    kept = []
    for row in wanted:
        old = existing.pop(row.level, None)
        if old is None:
            row.save()
            audit_create(actor, row, patient, reason)
            kept.append(row)
            continue
        before = snapshot(old)
        for field in ("pfirrmann_grade", "modic", "annular_fissure", "high_intensity_zone"):
            setattr(old, field, getattr(row, field))
        old.save()
        audit_change(actor, old, before, patient, reason)
        kept.append(old)
    for old in existing.values():
        audit_delete(actor, old, patient, reason)
        old.delete()
    return kept
