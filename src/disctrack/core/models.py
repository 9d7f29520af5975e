"""Cross-cutting records: the throttle that slows down password and token guessing."""

from __future__ import annotations

from django.db import models


class ThrottleFailure(models.Model):
    """One failed attempt (a wrong password, an unknown survey token) within a scope."""

    scope = models.CharField(max_length=32)
    key = models.CharField(max_length=128, help_text="Hashed client address or user name.")
    at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["scope", "key", "at"])]

    def __str__(self) -> str:
        return f"{self.scope} failure at {self.at:%Y-%m-%d %H:%M}"
