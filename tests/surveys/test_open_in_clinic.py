"""Staff open the questionnaire on the clinic's tablet for the patient to answer there."""

from __future__ import annotations

import pytest
from django.urls import reverse
from tests.surveys.helpers import submit_baseline

from disctrack.surveys.models import Response, SurveyLink


@pytest.fixture
def baseline(patient):
    return patient.timepoints.get(code="baseline")


def open_url(timepoint):
    return reverse("survey-open-in-clinic", args=[timepoint.pk])


def test_the_page_warns_that_the_device_is_logged_out(client_for, personas, baseline):
    page = client_for(personas.coordinator).get(open_url(baseline)).content.decode()
    assert "This logs you out of DiscTrack on this device" in page
    assert not SurveyLink.objects.exists()


def test_opening_logs_staff_out_and_lands_on_the_questionnaire(client_for, personas, baseline):
    client = client_for(personas.coordinator)
    response = client.post(open_url(baseline))
    assert response.status_code == 302
    token = response["Location"].split("/")[2]
    assert response["Location"] == reverse("survey-start", args=[token])
    assert "_auth_user_id" not in client.session
    link = SurveyLink.objects.get()
    assert link.channel == "clinic"
    assert link.created_by == personas.coordinator
    assert (link.expires_at - link.created_at).days == 1
    assert client.get(response["Location"]).status_code == 200


def test_answers_given_on_the_tablet_are_recorded_as_in_clinic(client_for, personas, baseline):
    client = client_for(personas.coordinator)
    token = client.post(open_url(baseline))["Location"].split("/")[2]
    submit_baseline(client, token)
    baseline.refresh_from_db()
    assert baseline.channel == "clinic"
    assert set(Response.objects.values_list("channel", flat=True)) == {"clinic"}


def test_an_answered_time_point_cannot_be_opened(client_for, personas, baseline):
    client = client_for(personas.coordinator)
    token = client.post(open_url(baseline))["Location"].split("/")[2]
    submit_baseline(client, token)
    again = client_for(personas.coordinator).post(open_url(baseline))
    assert again.status_code == 409
    assert SurveyLink.objects.count() == 1


def test_the_outsider_sees_nothing(client_for, personas, baseline):
    client = client_for(personas.outsider)
    assert client.get(open_url(baseline)).status_code == 404
    assert client.post(open_url(baseline)).status_code == 404
    assert not SurveyLink.objects.exists()


@pytest.mark.parametrize("persona", ["readonly", "analyst"])
def test_roles_that_cannot_write_are_refused(client_for, personas, baseline, persona):
    client = client_for(getattr(personas, persona))
    assert client.post(open_url(baseline)).status_code == 403
    assert "_auth_user_id" in client.session
    assert not SurveyLink.objects.exists()
