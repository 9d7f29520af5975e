"""The audit trail: append-only, written only by actions, each entry chained to the one before."""

from __future__ import annotations

from django.conf import settings
from django.db import models, router, transaction
from django.utils import timezone

from disctrack.registry.models import audit_chain

# Record types whose model moved to another app: each entry keeps the label it was written
# with (the trail is append-only), and the record type is shown and filtered by the current one.
FORMER_LABELS = {"registry.TimePoint": ("followup.TimePoint",)}
# The apps whose records the actions audit (with the staff accounts).
AUDITED_APPS = ("registry", "surveys", "followup")


def labels_of(label: str) -> tuple[str, ...]:
    """Every label the record type was written with, the current one first."""
    return (label, *FORMER_LABELS.get(label, ()))


def record_types() -> list[tuple[str, str]]:
    """(label, name) of every kind of record the trail can hold, by name: the filter's
    choices, known without reading the trail (millions of entries in a network)."""
    from django.apps import apps

    kinds = [model for model in apps.get_models()
             if model._meta.app_label in AUDITED_APPS and model not in (AuditEntry, AuditChainHead)]
    kinds.append(apps.get_model(settings.AUTH_USER_MODEL))
    return sorted(((m._meta.label, str(m._meta.verbose_name).capitalize()) for m in kinds),
                  key=lambda kind: kind[1])


class AuditTrailIsAppendOnly(Exception):
    """An audit entry was about to be changed or deleted; entries are only ever added."""


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditTrailIsAppendOnly("Audit entries cannot be changed")

    def delete(self):
        raise AuditTrailIsAppendOnly("Audit entries cannot be deleted")

    def bulk_create(self, objs, *args, **kwargs):
        raise TypeError("Audit entries are written one at a time: each is chained to the one before")


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
    # The hash chain (models/audit_chain.py), checked by `disctrack audit verify`.
    prev_hash = models.CharField(max_length=64, editable=False)
    row_hash = models.CharField(max_length=64, editable=False)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.model} {self.object_id}"

    def save(self, *args, using=None, **kwargs):
        """Append the entry to the chain: under the chain's lock, link it to the head and move
        the head to it, in the caller's transaction."""
        if not self._state.adding:
            raise AuditTrailIsAppendOnly("Audit entries cannot be changed")
        using = using or router.db_for_write(type(self), instance=self)
        if timezone.is_naive(self.at):  # as the database would store it, so the hash matches
            self.at = timezone.make_aware(self.at, timezone.get_default_timezone())
        head_table = AuditChainHead._meta.db_table
        # No savepoint: an entry that cannot be chained fails the whole action.
        with transaction.atomic(using=using, savepoint=False):
            self.id, self.prev_hash = audit_chain.claim_link(using, self._meta.db_table, head_table)
            self.row_hash = audit_chain.entry_hash(
                {name: getattr(self, name) for name in audit_chain.CHAINED_FIELDS})
            super().save(using=using, force_insert=True)
            audit_chain.move_head(using, head_table, self.id, self.row_hash)

    def delete(self, *args, **kwargs):
        raise AuditTrailIsAppendOnly("Audit entries cannot be deleted")


class AuditChainHead(models.Model):
    """The last entry of the chain, moved in the transaction that appends one.

    One row. Verification expects to meet this entry: entries removed from the end of the
    trail leave the head naming an entry that is gone. The database refuses to delete it and
    to move it backwards (migration 0005).
    """

    ONLY = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=ONLY)
    last_entry_id = models.BigIntegerField()
    last_hash = models.CharField(max_length=64)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="registry_auditchainhead_one_row")]

    def __str__(self) -> str:
        return f"audit chain head: entry {self.last_entry_id}"
