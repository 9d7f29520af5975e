"""Computed reports kept for reuse: a full analysis takes seconds, a page view should not."""

from __future__ import annotations

from django.db import models


class ReportSnapshot(models.Model):
    """One computed report (JSON and SVG figures) for one selection at one data version.

    ``key`` digests the selection, the settings and the data version (the latest audit
    entry of the sites covered), so any recorded change makes a new key; old snapshots are
    pruned when new ones are stored.
    """

    key = models.CharField(max_length=64, unique=True)
    scope = models.CharField(max_length=64, db_index=True, default="",
                             help_text="Digest of the selection and settings, without the data version and day.")
    payload = models.JSONField()
    created_at = models.DateTimeField(db_index=True)
    seconds = models.FloatField(help_text="How long the computation took.")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"report {self.key[:12]} of {self.created_at:%Y-%m-%d %H:%M}"


class ReportComputation(models.Model):
    """Who is computing a report scope now: one computation per scope at a time.

    A page whose stored report is out of date is served from that report while one
    background thread computes the new one; ``running_since`` is its lease, so a process
    killed mid-computation does not block the scope for longer than the lease.
    """

    scope = models.CharField(max_length=64, unique=True)
    running_since = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"computation of {self.scope[:12]}"
