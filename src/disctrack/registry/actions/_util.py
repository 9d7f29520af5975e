"""Small helpers shared by the registry actions."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models


def require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why this recorded value is being changed"})
    return reason


def apply_changes(obj: models.Model, changes: dict[str, Any]) -> None:
    """Set fields by name, refusing names the model does not have."""
    fields = [f for f in obj._meta.concrete_fields if f.editable]
    names = {f.name for f in fields} | {f.attname for f in fields}
    unknown = sorted(set(changes) - names)
    if unknown:
        raise ValidationError({name: "Not a field of this record" for name in unknown})
    for name, value in changes.items():
        setattr(obj, name, value)


def build(model: type[models.Model], data: dict[str, Any], **fixed: Any) -> models.Model:
    """An unsaved, validated instance; unknown field names are errors, not ignored."""
    obj = model(**fixed)
    apply_changes(obj, data)
    obj.full_clean()
    return obj
