"""Sites (clinics), their physicians, and staff membership with a role per site."""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models

from disctrack.registry.choices import ADJUDICATE_ROLES, IDENTITY_ROLES, WRITE_ROLES, Role


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not an IANA timezone such as Europe/Madrid")


class Site(models.Model):
    code = models.CharField(
        max_length=32,
        unique=True,
        validators=[RegexValidator(r"^[a-z0-9][a-z0-9-]*$", "Use lower-case letters, digits and -")],
    )
    name = models.CharField(max_length=200)
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    protocol = models.CharField(
        max_length=64, default="default", help_text="Follow-up protocol the site uses."
    )
    sms_enabled = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)


class Physician(models.Model):
    """A treating physician; a site's physicians are compared in the outcome reports."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="physicians")
    name = models.CharField(max_length=200)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["site", "name"], name="physician_unique_name")]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "site"], name="membership_one_role_per_site")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()} at {self.site})"

    @property
    def can_write(self) -> bool:
        return self.role in WRITE_ROLES

    @property
    def can_adjudicate(self) -> bool:
        return self.role in ADJUDICATE_ROLES

    @property
    def can_see_identity(self) -> bool:
        return self.role in IDENTITY_ROLES
