"""Reporting a complication, and its adjudication by a clinician or administrator only."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse
from tests.registry.postdata import complication_post

from disctrack.registry.actions import do_record_complication
from disctrack.registry.models import AuditEntry, Complication

pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
def frozen():
    with time_machine.travel("2026-03-10 10:00:00+00:00", tick=False):
        yield


@pytest.fixture
def complication(patient, personas):
    episode = patient.episodes.get()
    data = complication_post(occurred_on=episode.treatments.get().performed_on)
    return do_record_complication(personas.coordinator, episode, data)


def _record_url(patient) -> str:
    return reverse("complication-record", args=[patient.registry_id])


def test_the_url_name_other_apps_use(complication):
    assert reverse("complication-adjudicate", args=[complication.id]) == (
        f"/complications/{complication.id}/adjudicate/")


def test_a_coordinator_reports_a_complication_awaiting_adjudication(client_for, personas, patient):
    treatment = patient.episodes.get().treatments.get()
    data = complication_post(treatment=treatment.id)
    response = client_for(personas.coordinator).post(_record_url(patient), data)
    assert response.status_code == 302
    complication = Complication.objects.get()
    assert (complication.status, complication.treatment, complication.reported_by) == (
        "pending", treatment, personas.coordinator)
    assert AuditEntry.objects.filter(model="registry.Complication", action="create").exists()


def test_a_complication_before_its_treatment_is_refused_on_the_date(client_for, personas, patient):
    treatment = patient.episodes.get().treatments.get()
    data = complication_post(treatment=treatment.id, occurred_on="2026-01-20")
    response = client_for(personas.coordinator).post(_record_url(patient), data)
    assert response.status_code == 400
    assert ('<a href="#id_occurred_on">Date it began</a>: '
            "A complication of a treatment cannot precede the treatment") in response.content.decode()
    assert not Complication.objects.exists()


def test_a_complication_in_the_future_is_refused(client_for, personas, patient):
    response = client_for(personas.coordinator).post(_record_url(patient), complication_post(occurred_on="2026-06-01"))
    assert response.status_code == 400
    assert "A complication cannot be in the future" in response.content.decode()
    assert not Complication.objects.exists()


@pytest.mark.parametrize("adjudicator", ["clinician", "admin"])
def test_a_clinician_or_administrator_adjudicates(client_for, personas, complication, adjudicator):
    url = reverse("complication-adjudicate", args=[complication.id])
    data = {"status": "confirmed", "adjudication_note": "Typical flare, settled in days",
            "category": "post_injection_flare", "severity": "moderate", "relatedness": "definite"}
    response = client_for(getattr(personas, adjudicator)).post(url, data)
    assert response.status_code == 302
    complication.refresh_from_db()
    assert (complication.status, complication.severity, complication.relatedness) == (
        "confirmed", "moderate", "definite")
    assert complication.adjudicated_by == getattr(personas, adjudicator)


def test_the_verdict_and_its_reasoning_are_required(client_for, personas, complication):
    url = reverse("complication-adjudicate", args=[complication.id])
    data = {"status": "", "adjudication_note": "", "category": "post_injection_flare",
            "severity": "mild", "relatedness": "probable"}
    response = client_for(personas.clinician).post(url, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert '<a href="#id_status_0">Verdict</a>: This field is required.' in page
    assert '<a href="#id_adjudication_note">Reasoning</a>: This field is required.' in page
    complication.refresh_from_db()
    assert complication.status == "pending"


@pytest.mark.parametrize("role", ["coordinator", "readonly", "analyst"])
def test_other_roles_may_not_adjudicate(client_for, personas, complication, role):
    url = reverse("complication-adjudicate", args=[complication.id])
    client = client_for(getattr(personas, role))
    assert client.get(url).status_code == 403
    data = {"status": "rejected", "adjudication_note": "no", "category": "other",
            "severity": "mild", "relatedness": "unrelated"}
    assert client.post(url, data).status_code == 403
    complication.refresh_from_db()
    assert complication.status == "pending"


def test_the_patient_page_offers_adjudication_to_clinicians_only(client_for, personas, complication):
    url = reverse("patient-detail", args=[complication.episode.patient.registry_id])
    adjudicate = reverse("complication-adjudicate", args=[complication.id])
    assert adjudicate in client_for(personas.clinician).get(url).content.decode()
    assert adjudicate not in client_for(personas.coordinator).get(url).content.decode()
