"""The outbound queue: every step of a time point's escalation ladder, and each try at it.

A row is the record of what was planned, sent, skipped or given up, and why. The worker
claims a row with a conditional UPDATE and a lease (see followup/worker.py).
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q

from disctrack.registry.models import TimePoint


class Step(models.TextChoices):
    EMAIL = "email", "Invitation e-mail"
    EMAIL_REMINDER = "email_reminder", "Reminder e-mail"
    SMS = "sms", "SMS reminder"
    CALL_TASK = "call_task", "Telephone call task"
    LETTER_TASK = "letter_task", "Letter task"
    EMAIL_AFTER_CALL = "email_after_call", "Link e-mailed after a call"


EMAIL_STEPS = frozenset({Step.EMAIL, Step.EMAIL_REMINDER, Step.EMAIL_AFTER_CALL})
TASK_STEPS = frozenset({Step.CALL_TASK, Step.LETTER_TASK})


class MessageStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    CLAIMED = "claimed", "Being sent"
    SENT = "sent", "Sent"  # for a task step: the task was put on the worklist
    FAILED = "failed", "Failed"  # gave up after repeated temporary errors
    BOUNCED = "bounced", "Bounced"  # the server refused the recipient for good
    CANCELLED = "cancelled", "Cancelled"  # answered, closed or rescheduled before it was due
    SKIPPED = "skipped", "Skipped"  # due, but not sendable: opted out, no address, ...


LIVE_STATUSES = (MessageStatus.QUEUED, MessageStatus.CLAIMED)


class OutboundMessage(models.Model):
    timepoint = models.ForeignKey(TimePoint, on_delete=models.PROTECT, related_name="messages")
    step = models.CharField(max_length=20, choices=Step.choices)
    ladder_index = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Position in the protocol's ladder; empty for ad hoc."
    )
    ladder_day = models.PositiveSmallIntegerField(default=0)
    due_at = models.DateTimeField(help_text="When it was planned to go, in UTC.")
    next_attempt_at = models.DateTimeField(help_text="When the worker may next take it.")
    status = models.CharField(
        max_length=10, choices=MessageStatus.choices, default=MessageStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_by = models.CharField(max_length=64, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    provider_message_id = models.CharField(max_length=200, blank=True)
    # Fixed when queued and reused by every try: the e-mail's Message-ID and the SMS
    # provider's idempotency key, so a re-send after a crash can be recognised.
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [
            # The worker's claim query: only live rows, by when they may next be taken.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status__in=["queued", "claimed"]),
                name="outbound_due_idx",
            ),
            models.Index(fields=["timepoint", "status"], name="outbound_tp_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_step_display()} for {self.timepoint} ({self.status})"

    @property
    def channel(self) -> str:
        if self.step in EMAIL_STEPS:
            return "email"
        if self.step == Step.SMS:
            return "sms"
        return "task"


class AttemptOutcome(models.TextChoices):
    STARTED = "started", "In progress"
    # The SMTP server has the whole message; its reply is awaited (for a few milliseconds) or,
    # once `finished_at` is set, was never seen: the worker stopped or the connection dropped.
    HANDED_OVER = "handed_over", "Handed to the mail server (reply not seen)"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    BOUNCED = "bounced", "Bounced"
    INTERRUPTED = "interrupted", "Interrupted (worker stopped; may have been sent)"


class Attempt(models.Model):
    """One try at sending: written before the message leaves, completed after."""

    message = models.ForeignKey(OutboundMessage, on_delete=models.PROTECT, related_name="tries")
    worker = models.CharField(max_length=64)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(
        max_length=12, choices=AttemptOutcome.choices, default=AttemptOutcome.STARTED
    )
    error = models.TextField(blank=True)
    provider_message_id = models.CharField(max_length=200, blank=True)
    link = models.ForeignKey(
        "surveys.SurveyLink", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["started_at", "id"]

    def __str__(self) -> str:
        return f"try at {self.message} by {self.worker}: {self.outcome}"
