"""Writing the audit trail. Only actions call these, inside their transaction."""

from __future__ import annotations

import datetime
import decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import models
from django.utils import timezone

from disctrack.core.redact import mask
from disctrack.registry.models import AuditEntry, Patient

Actor = AbstractBaseUser | str  # a staff user, or "patient" / "system: <what>"


# Secrets stay out of the trail: a password hash is not a clinical fact; nor is a column
# derived from others (the identity's search form of its names).
_NEVER_RECORDED = frozenset({"password", "search_text"})


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def snapshot(obj: models.Model) -> dict[str, Any]:
    """The stored values of a model's concrete fields (foreign keys as ids)."""
    return {
        field.attname: _jsonable(getattr(obj, field.attname))
        for field in obj._meta.concrete_fields
        if not field.primary_key and field.attname not in _NEVER_RECORDED
    }


def audit_entry(actor: Actor, action: str, obj: models.Model, *, changes: dict,
                reason: str = "") -> AuditEntry:
    """An entry written as given, for changes a snapshot must not show (a new password)."""
    return _entry(actor, action, obj, None, changes, reason)


def _masked(value: Any) -> Any:
    """Values as recorded: a survey or opt-out link pasted into a note keeps no token."""
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, list | tuple):
        return [_masked(item) for item in value]
    if isinstance(value, dict):
        return {key: _masked(item) for key, item in value.items()}
    return value


def _entry(actor: Actor, action: str, obj: models.Model, patient: Patient | None,
           changes: dict, reason: str) -> AuditEntry:
    changes, reason = _masked(changes), mask(reason)
    user = None if isinstance(actor, str) else actor
    return AuditEntry.objects.create(
        at=timezone.now(),
        user=user,
        actor=actor if isinstance(actor, str) else actor.get_username(),
        action=action,
        model=obj._meta.label,
        object_id=str(obj.pk),
        registry_id=patient.registry_id if patient else "",
        site_id=patient.site_id if patient else getattr(obj, "site_id", None),
        changes=changes,
        reason=reason,
    )


def audit_create(actor: Actor, obj: models.Model, patient: Patient | None = None,
                 reason: str = "") -> AuditEntry:
    changes = {name: [None, value] for name, value in snapshot(obj).items() if value not in ("", None, [])}
    return _entry(actor, "create", obj, patient, changes, reason)


def audit_change(actor: Actor, obj: models.Model, before: dict[str, Any],
                 patient: Patient | None = None, reason: str = "") -> AuditEntry | None:
    """Record what differs from `before` (a snapshot); nothing when nothing changed."""
    after = snapshot(obj)
    changes = {name: [before.get(name), value] for name, value in after.items()
               if before.get(name) != value}
    if not changes:
        return None
    return _entry(actor, "update", obj, patient, changes, reason)


def audit_delete(actor: Actor, obj: models.Model, patient: Patient | None = None,
                 reason: str = "") -> AuditEntry:
    changes = {name: [value, None] for name, value in snapshot(obj).items() if value not in ("", None, [])}
    return _entry(actor, "delete", obj, patient, changes, reason)
