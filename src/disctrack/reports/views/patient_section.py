"""The patient page's candidacy box: it loads the candidacy fragment after the page, so the
page never waits for the models (registry/static/registry/patient.js).

Added to the registry's patient page by `disctrack/wiring.py`; kept apart from the
candidacy view so that connecting it at start-up does not load the statistics.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import reverse

from disctrack.registry.views.sections import PatientPage


def candidacy_section(page: PatientPage) -> str:
    url = reverse("candidacy", args=[page.patient.registry_id])
    return render_to_string("reports/_patient_candidacy.html", {"candidacy_url": url},
                            request=page.request)
