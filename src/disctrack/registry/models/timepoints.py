"""Expected follow-up time points of a treated patient: the dates its questionnaires are due.

Laid out by `registry.schedule` when an index treatment is recorded; closed only by
`registry.actions.timepoints.close_timepoint`.
"""

from __future__ import annotations

from datetime import date

from django.db import models

from disctrack.protocols import Protocol, get_protocol
from disctrack.registry.models.patients import Patient
from disctrack.registry.models.treatments import Treatment


class TimePointStatus(models.TextChoices):
    PENDING = "pending", "Pending"  # not answered; open or not depends on today's date
    ANSWERED = "answered", "Answered"
    MISSED = "missed", "Missed"  # window closed without an answer
    WITHDRAWN = "withdrawn", "Withdrawn"
    DEAD = "dead", "Deceased"
    STOPPED = "stopped", "Stopped by protocol"  # e.g. after a subsequent surgery


CLOSED_STATUSES = frozenset(
    {TimePointStatus.MISSED, TimePointStatus.WITHDRAWN, TimePointStatus.DEAD, TimePointStatus.STOPPED}
)


class Channel(models.TextChoices):
    WEB = "web", "Web link"
    CLINIC = "clinic", "In clinic (tablet)"
    PAPER = "paper", "Paper form"
    PHONE = "phone", "Telephone"


class TimePoint(models.Model):
    """One expected questionnaire set: which instruments, in which window of dates."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="timepoints")
    treatment = models.ForeignKey(Treatment, on_delete=models.PROTECT, related_name="timepoints")
    protocol = models.CharField(max_length=64)
    protocol_version = models.PositiveIntegerField()
    code = models.CharField(max_length=16)
    label = models.CharField(max_length=64)
    months = models.PositiveIntegerField()
    opens_on = models.DateField()
    target_on = models.DateField()
    closes_on = models.DateField()
    instruments = models.JSONField()
    status = models.CharField(
        max_length=12, choices=TimePointStatus.choices, default=TimePointStatus.PENDING
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    channel = models.CharField(max_length=8, choices=Channel.choices, blank=True)
    closed_reason = models.CharField(max_length=200, blank=True)
    # The follow-up worker's claim on planning this time point's reminders (the escalation
    # ladder): set when they are queued, cleared by the follow-up app when the window moves
    # so the worker plans them again. Only disctrack.followup writes it.
    ladder_planned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["target_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["treatment", "code"], name="timepoint_once_per_treatment")
        ]
        indexes = [
            models.Index(fields=["status", "opens_on"]),
            models.Index(fields=["patient", "target_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.patient} {self.label}"

    def planned_protocol(self) -> Protocol:
        """The protocol version the time point was planned with (its windows and reminders)."""
        return get_protocol(self.protocol, self.protocol_version)

    def is_open_on(self, day: date) -> bool:
        return self.status == TimePointStatus.PENDING and self.opens_on <= day <= self.closes_on

    def is_overdue_on(self, day: date) -> bool:
        return self.status == TimePointStatus.PENDING and self.target_on < day <= self.closes_on
