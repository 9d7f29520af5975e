"""Work for staff: calls and letters from the ladder, the calls made, and safety alerts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from disctrack.followup.models.queue import OutboundMessage
from disctrack.registry.models import Complication, Patient, TimePoint


class TaskKind(models.TextChoices):
    CALL = "call", "Telephone the patient"
    LETTER = "letter", "Post a paper questionnaire"


class TaskStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class FollowupTask(models.Model):
    timepoint = models.ForeignKey(TimePoint, on_delete=models.PROTECT, related_name="tasks")
    kind = models.CharField(max_length=8, choices=TaskKind.choices)
    status = models.CharField(max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    due_on = models.DateField(help_text="The site's calendar day from which the task shows.")
    created_at = models.DateTimeField()
    source = models.ForeignKey(
        OutboundMessage, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    no_answer_count = models.PositiveSmallIntegerField(default=0)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["timepoint", "kind"],
                condition=Q(status="open"),
                name="followup_task_one_open_per_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.timepoint}"


class CallOutcome(models.TextChoices):
    REACHED = "reached", "Reached: will answer online"
    NO_ANSWER = "no_answer", "No answer"
    WRONG_NUMBER = "wrong_number", "Wrong number"
    ANSWERED_BY_PHONE = "answered_by_phone", "Answered by telephone (entered now)"
    DECLINED = "declined", "Declined this questionnaire"
    WITHDREW = "withdrew", "Withdrew from the registry"


class CallLog(models.Model):
    timepoint = models.ForeignKey(TimePoint, on_delete=models.PROTECT, related_name="calls")
    task = models.ForeignKey(
        FollowupTask, null=True, blank=True, on_delete=models.PROTECT, related_name="calls"
    )
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=20, choices=CallOutcome.choices)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"call about {self.timepoint}: {self.outcome}"


class AlertStatus(models.TextChoices):
    OPEN = "open", "Awaiting review"
    COMPLICATION = "complication", "Complication recorded"
    DISMISSED = "dismissed", "Dismissed"


class SafetyAlert(models.Model):
    """Answers that suggest a complication, for a clinician to review and adjudicate."""

    timepoint = models.OneToOneField(
        TimePoint, on_delete=models.PROTECT, related_name="safety_alert"
    )
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="safety_alerts")
    reasons = models.JSONField(help_text="[{code, text}] of each signal found.")
    status = models.CharField(max_length=14, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    created_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution_note = models.TextField(blank=True)
    complication = models.ForeignKey(
        Complication, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"safety alert for {self.timepoint}"
