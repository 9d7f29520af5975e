"""The audit trail: append-only, written only by actions."""

from __future__ import annotations

from django.conf import settings
from django.db import models

# Record types whose model moved to another app: each entry keeps the label it was written
# with (the trail is append-only), and the record type is shown and filtered by the current one.
FORMER_LABELS = {"registry.TimePoint": ("followup.TimePoint",)}
_CURRENT_LABEL = {old: new for new, olds in FORMER_LABELS.items() for old in olds}


def current_label(label: str) -> str:
    return _CURRENT_LABEL.get(label, label)


def labels_of(label: str) -> tuple[str, ...]:
    """Every label the record type was written with, the current one first."""
    return (label, *FORMER_LABELS.get(label, ()))


class AuditTrailIsAppendOnly(Exception):
    """An audit entry was about to be changed or deleted; entries are only ever added."""


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditTrailIsAppendOnly("Audit entries cannot be changed")

    def delete(self):
        raise AuditTrailIsAppendOnly("Audit entries cannot be deleted")


class AuditEntry(models.Model):
    """Who changed what, when, from which value to which, and why."""

    at = models.DateTimeField(db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor = models.CharField(max_length=150, help_text="User name, 'patient' or 'system: ...'.")
    action = models.CharField(max_length=10)  # create / update / delete
    model = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    registry_id = models.CharField(max_length=16, blank=True, db_index=True)
    site = models.ForeignKey(
        "registry.Site", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    changes = models.JSONField(default=dict, help_text="{field: [old, new]}")
    reason = models.TextField(blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.model} {self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AuditTrailIsAppendOnly("Audit entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditTrailIsAppendOnly("Audit entries cannot be deleted")
