"""The study key: which registry patient each study id of a de-identified export stands for.

The key never leaves the registry. A study id is random (`secrets`), not derived from the
registry id, the database id or any identity field, so the files alone cannot be linked back.
"""

from __future__ import annotations

import secrets

from django.db import models

from disctrack.registry.models import Patient


def new_study_id() -> str:
    """S- and 16 random hexadecimal digits (64 bits)."""
    return f"S-{secrets.token_hex(8)}"


class StudyKey(models.Model):
    """Made on a patient's first de-identified export and reused by every later one, so that
    successive exports name the patient alike."""

    patient = models.OneToOneField(Patient, on_delete=models.CASCADE, related_name="study_key")
    study_id = models.CharField(max_length=24, unique=True, default=new_study_id)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.study_id
