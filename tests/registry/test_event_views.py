"""Recording withdrawal, death or loss to follow-up."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse

from disctrack.registry.models import Event, TimePointStatus

pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
def frozen():
    with time_machine.travel("2026-03-10 10:00:00+00:00", tick=False):
        yield


def _url(patient) -> str:
    return reverse("event-record", args=[patient.registry_id])


def test_the_url_name_other_apps_use(patient):
    assert _url(patient) == f"/patients/{patient.registry_id}/events/new/"


def test_withdrawal_closes_the_pending_questionnaires(client_for, personas, patient):
    data = {"kind": "withdrawal", "occurred_on": "2026-03-02", "reason": "no longer wishes to take part"}
    response = client_for(personas.coordinator).post(_url(patient), data)
    assert response.status_code == 302
    patient.refresh_from_db()
    assert patient.status == "withdrawn"
    assert Event.objects.get().reason == "no longer wishes to take part"
    assert not patient.timepoints.filter(status=TimePointStatus.PENDING).exists()


def test_loss_to_follow_up_keeps_questionnaires_pending(client_for, personas, patient):
    data = {"kind": "lost_to_follow_up", "occurred_on": "2026-03-02", "reason": ""}
    client_for(personas.coordinator).post(_url(patient), data)
    patient.refresh_from_db()
    assert patient.status == "lost"
    assert patient.timepoints.filter(status=TimePointStatus.PENDING).exists()


def test_a_withdrawal_needs_its_reason(client_for, personas, patient):
    data = {"kind": "withdrawal", "occurred_on": "2026-03-02", "reason": ""}
    response = client_for(personas.coordinator).post(_url(patient), data)
    assert response.status_code == 400
    assert ('<a href="#id_reason">Reason or circumstances</a>: Record why the patient withdrew'
            in response.content.decode())
    patient.refresh_from_db()
    assert patient.status == "active" and not Event.objects.exists()


def test_a_second_death_is_refused_and_the_page_hides_the_action(client_for, personas, patient):
    client = client_for(personas.clinician)
    client.post(_url(patient), {"kind": "death", "occurred_on": "2026-03-01", "reason": ""})
    response = client.post(_url(patient), {"kind": "death", "occurred_on": "2026-03-02", "reason": ""})
    assert response.status_code == 400
    assert "The patient is recorded as deceased" in response.content.decode()
    assert Event.objects.count() == 1
    detail = client.get(reverse("patient-detail", args=[patient.registry_id])).content.decode()
    assert _url(patient) not in detail


def test_the_page_links_to_recording_a_subsequent_surgery(client_for, personas, patient):
    page = client_for(personas.coordinator).get(_url(patient)).content.decode()
    treatment_url = reverse("treatment-record", args=[patient.registry_id])
    assert f'href="{treatment_url}?role=subsequent_surgery"' in page
