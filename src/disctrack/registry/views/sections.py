"""Sections that the apps above the registry add to the patient page.

The registry cannot import those apps (docs/architecture.md): each registers a function that
renders its section, in `disctrack/wiring.py`, in the order the page shows them (between the
episodes and the complications). Without any, the page shows what the registry holds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.http import HttpRequest
from django.utils.safestring import SafeString

from disctrack.registry.models import Membership, Patient


@dataclass(frozen=True)
class PatientPage:
    """What a section knows of the page it is drawn on; access is already checked."""

    request: HttpRequest
    patient: Patient
    membership: Membership | None
    today: date  # on the site's calendar
    can_write: bool


SectionRenderer = Callable[[PatientPage], str | None]
_sections: list[SectionRenderer] = []


def add_patient_section(render: SectionRenderer) -> None:
    """Show `render(page)`'s HTML on every patient page, after the sections added before it."""
    if render not in _sections:
        _sections.append(render)


def render_patient_sections(page: PatientPage) -> list[SafeString]:
    return [SafeString(html) for render in _sections if (html := render(page))]
