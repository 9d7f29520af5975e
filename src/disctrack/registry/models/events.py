"""Complications (with a clinician's adjudication) and follow-up events."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from disctrack.registry.choices import (
    AdjudicationStatus,
    ComplicationCategory,
    EventKind,
    Relatedness,
    Severity,
)
from disctrack.registry.models.episodes import Episode
from disctrack.registry.models.patients import refuse_future
from disctrack.registry.models.treatments import Treatment


class Complication(models.Model):
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="complications")
    treatment = models.ForeignKey(
        Treatment, null=True, blank=True, on_delete=models.PROTECT, related_name="complications"
    )
    category = models.CharField(max_length=32, choices=ComplicationCategory.choices)
    occurred_on = models.DateField()
    severity = models.CharField(max_length=20, choices=Severity.choices)
    relatedness = models.CharField(max_length=12, choices=Relatedness.choices)
    description = models.TextField(blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reported_at = models.DateTimeField()
    status = models.CharField(
        max_length=12, choices=AdjudicationStatus.choices, default=AdjudicationStatus.PENDING
    )
    adjudicated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    adjudicated_at = models.DateTimeField(null=True, blank=True)
    adjudication_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_category_display()} ({self.get_severity_display()}) on {self.occurred_on}"

    def clean(self) -> None:
        refuse_future("occurred_on", self.occurred_on, "A complication")
        if self.treatment_id and self.treatment.episode_id != self.episode_id:
            raise ValidationError({"treatment": "That treatment belongs to another episode"})
        if self.treatment_id and self.occurred_on and self.occurred_on < self.treatment.performed_on:
            raise ValidationError(
                {"occurred_on": "A complication of a treatment cannot precede the treatment"}
            )


class Event(models.Model):
    """Withdrawal, death or loss to follow-up: ends or pauses follow-up."""

    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    occurred_on = models.DateField()
    reason = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-occurred_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.occurred_on}"

    def clean(self) -> None:
        refuse_future("occurred_on", self.occurred_on, "An event")
        if self.kind == EventKind.WITHDRAWAL and not self.reason:
            raise ValidationError({"reason": "Record why the patient withdrew"})
