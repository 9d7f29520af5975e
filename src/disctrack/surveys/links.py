"""The address a patient opens a questionnaire link at."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse


def survey_url(token: str) -> str:
    """The full link for a token, at the registry's public address (DISCTRACK_BASE_URL)."""
    return f"{settings.BASE_URL}{reverse('survey-start', args=[token])}"
