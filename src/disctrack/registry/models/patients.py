"""Patients: a pseudonymous registry id, with identity kept in a table of its own."""

from __future__ import annotations

import secrets
import unicodedata
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone

from disctrack.registry.choices import Language, PatientStatus, Sex
from disctrack.registry.models.sites import Site

# No 0/O, 1/I/L: registry ids are read out over the telephone.
REGISTRY_ID_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_registry_id(choice=secrets.choice) -> str:
    """DT-XXXX-XXXX; `choice` picks each character (a seeded one gives a reproducible id)."""
    body = "".join(choice(REGISTRY_ID_ALPHABET) for _ in range(8))
    return f"DT-{body[:4]}-{body[4:]}"


phone_validator = RegexValidator(
    r"^\+[1-9][0-9]{6,14}$", "Enter the mobile number in international form, e.g. +34600123456"
)


class Patient(models.Model):
    """The clinical record's anchor. Carries no identifying data."""

    registry_id = models.CharField(max_length=16, unique=True, default=new_registry_id)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="patients")
    status = models.CharField(
        max_length=20, choices=PatientStatus.choices, default=PatientStatus.ACTIVE
    )
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.ENGLISH)
    email_opt_out = models.BooleanField(default=False)
    sms_opt_out = models.BooleanField(default=False)
    enrolled_at = models.DateTimeField()
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-enrolled_at"]
        # The patient list's order, read by the index rather than sorted (a network holds
        # 100,000 patients and more).
        indexes = [models.Index(fields=["site", "status"]), models.Index(fields=["-enrolled_at", "-id"])]

    def __str__(self) -> str:
        return self.registry_id


class PatientIdentity(models.Model):
    """Who the patient is. Shown only to roles allowed to see identity."""

    patient = models.OneToOneField(Patient, on_delete=models.PROTECT, related_name="identity")
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    date_of_birth = models.DateField(
        validators=[MinValueValidator(date(1900, 1, 1))],
    )
    sex = models.CharField(max_length=10, choices=Sex.choices)
    email = models.EmailField(blank=True)
    mobile_phone = models.CharField(max_length=16, blank=True, validators=[phone_validator])
    medical_record_number = models.CharField(max_length=64)
    postal_code = models.CharField(max_length=16, blank=True)
    # Names and record number as searched (search_form): kept with the row, so that a search
    # of a network's 100,000 patients reads one column, whatever the accents and case.
    search_text = models.CharField(max_length=300, blank=True, editable=False)

    class Meta:
        indexes = [
            models.Index(fields=["family_name", "given_name"]),
            models.Index(fields=["medical_record_number"]),
        ]

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"

    def save(self, *args, **kwargs):
        self.search_text = search_form(f"{self.family_name} {self.given_name} {self.medical_record_number}")
        fields = kwargs.get("update_fields")
        if fields is not None and "search_text" not in fields:
            kwargs["update_fields"] = [*fields, "search_text"]
        super().save(*args, **kwargs)

    def clean(self) -> None:
        refuse_future("date_of_birth", self.date_of_birth, "The date of birth")

    def age_on(self, day: date) -> int:
        before_birthday = (day.month, day.day) < (self.date_of_birth.month, self.date_of_birth.day)
        return day.year - self.date_of_birth.year - int(before_birthday)


def search_form(text: str) -> str:
    """Text as the patient search compares it: no accents, no case, no commas ("López,
    Marta" and "lopez marta" are the same)."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(plain.replace(",", " ").split())


def bounded(low: float, high: float) -> list:
    return [MinValueValidator(low), MaxValueValidator(high)]


def latest_date_anywhere() -> date:
    """Today's date where it is latest (UTC+14): any later date is in the future everywhere.

    Lets a clinical date be checked without knowing which site's calendar it was read from.
    """
    return (timezone.now() + timedelta(hours=14)).date()


def refuse_future(field: str, value: date | None, what: str) -> None:
    if value is not None and value > latest_date_anywhere():
        raise ValidationError({field: f"{what} cannot be in the future"})
