"""Questionnaire responses and the tokenized links patients use to give them."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models

from disctrack.registry.models import Channel, TimePoint


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """A random token (256 bits) and the hash that is all the database keeps of it."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


class SurveyLink(models.Model):
    """A link bound to one patient's time point; it expires and dies once submitted."""

    timepoint = models.ForeignKey(TimePoint, on_delete=models.PROTECT, related_name="links")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_opened_at = models.DateTimeField(null=True, blank=True)
    # A link opened on the clinic's tablet records its answers as given in clinic.
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.WEB)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"link for {self.timepoint}"

    def is_usable_at(self, moment) -> bool:
        return self.submitted_at is None and self.revoked_at is None and moment < self.expires_at


class ResponseStatus(models.TextChoices):
    DRAFT = "draft", "In progress"
    SUBMITTED = "submitted", "Submitted"


class ResponseIsImmutable(Exception):
    """A submitted response was about to change; a correction is a new version."""


class Response(models.Model):
    """One instrument's answers at one time point, in one version.

    A submitted response never changes: a staff correction is a new version that points to
    the one it supersedes and says why.
    """

    timepoint = models.ForeignKey(TimePoint, on_delete=models.PROTECT, related_name="responses")
    instrument = models.CharField(max_length=32)
    instrument_version = models.CharField(max_length=16)
    instrument_revision = models.PositiveIntegerField()
    version = models.PositiveIntegerField(default=1)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    status = models.CharField(max_length=10, choices=ResponseStatus.choices)
    answers = models.JSONField(default=dict)
    scores = models.JSONField(default=dict)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    language = models.CharField(max_length=2, default="en")
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    correction_reason = models.TextField(blank=True)
    created_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["timepoint_id", "instrument", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["timepoint", "instrument", "version"], name="response_one_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument} v{self.version} at {self.timepoint}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            stored = Response.objects.filter(pk=self.pk).values_list("status", flat=True).first()
            if stored == ResponseStatus.SUBMITTED:
                raise ResponseIsImmutable("A submitted response cannot change; record a correction")
        super().save(*args, **kwargs)
