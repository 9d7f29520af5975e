"""From the patient page, staff reach each answered questionnaire (to read or correct it)
and can open an open time point on a clinic tablet."""

from __future__ import annotations

from django.urls import reverse
from tests.surveys.helpers import BASELINE

from disctrack.surveys.actions import current_responses, do_enter_response


def test_answered_time_point_links_to_each_current_response(client_for, personas, patient):
    baseline = patient.timepoints.get(code="baseline")
    do_enter_response(personas.coordinator, baseline, {**BASELINE, "work_status": {"work_status": "full_time"}}, channel="paper")
    page = client_for(personas.coordinator).get(reverse("patient-detail", args=[patient.registry_id]))
    assert page.status_code == 200
    html = page.content.decode()
    for response in current_responses(baseline).values():
        assert reverse("response-detail", args=[response.pk]) in html
