"""Staff enter a paper or telephone questionnaire on the patient's behalf."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse
from tests.surveys.helpers import BASELINE, BASELINE_ODI, entry_fields

from disctrack.registry.models import TimePointStatus
from disctrack.surveys.models import Response, ResponseStatus

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


@pytest.fixture
def baseline(patient):
    return patient.timepoints.get(code="baseline")


def enter_url(timepoint):
    return reverse("response-enter", args=[timepoint.pk])


def test_the_page_shows_every_instrument_of_the_time_point(client_for, personas, baseline):
    page = client_for(personas.coordinator).get(enter_url(baseline)).content.decode()
    for title in ("Oswestry Disability Index", "Pain numeric rating scales", "EQ-5D-5L",
                  "PROMIS Global Health", "Work status", "Painkiller use"):
        assert title in page
    assert 'name="channel"' in page and 'name="completed_on"' in page


@time_machine.travel(NOW, tick=False)
def test_a_coordinator_enters_a_paper_form(client_for, personas, baseline):
    response = client_for(personas.coordinator).post(
        enter_url(baseline), entry_fields(BASELINE, completed_on="2026-03-01", language="es")
    )
    assert response.status_code == 302
    baseline.refresh_from_db()
    assert baseline.status == TimePointStatus.ANSWERED
    assert baseline.channel == "paper"
    assert baseline.answered_at == datetime(2026, 3, 1, 11, 0, tzinfo=UTC)  # noon in Madrid
    odi = Response.objects.get(timepoint=baseline, instrument="odi")
    assert response["Location"] == reverse("response-detail", args=[odi.pk])
    assert odi.status == ResponseStatus.SUBMITTED
    assert odi.scores["odi"] == BASELINE_ODI
    assert odi.entered_by == personas.coordinator
    assert odi.language == "es"
    assert Response.objects.filter(timepoint=baseline).count() == 6


@time_machine.travel(NOW, tick=False)
def test_entered_today_means_now(client_for, personas, baseline):
    client_for(personas.clinician).post(
        enter_url(baseline), entry_fields(BASELINE, channel="phone", completed_on="2026-03-10")
    )
    baseline.refresh_from_db()
    assert baseline.answered_at == NOW
    assert baseline.channel == "phone"


def test_a_missing_answer_names_the_instrument_and_question(client_for, personas, baseline):
    answers = {**BASELINE, "nrs_pain": {"back": 6}}
    response = client_for(personas.coordinator).post(enter_url(baseline), entry_fields(answers))
    page = response.content.decode()
    assert response.status_code == 400
    assert "Pain numeric rating scales (back and leg): Question 2: On average over the past week, how bad has your leg pain" in page
    assert 'href="#q-nrs_pain-leg-0"' in page
    assert not Response.objects.filter(timepoint=baseline).exists()
    baseline.refresh_from_db()
    assert baseline.status == TimePointStatus.PENDING


@time_machine.travel(NOW, tick=False)
def test_a_future_date_and_a_missing_channel_are_refused(client_for, personas, baseline):
    data = entry_fields(BASELINE, completed_on="2026-03-11")
    del data["channel"]
    response = client_for(personas.coordinator).post(enter_url(baseline), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "The form cannot have been completed in the future." in page
    assert 'href="#id_channel_0">How the answers were given</a>' in page
    assert not Response.objects.filter(timepoint=baseline).exists()


def test_an_answered_time_point_is_not_entered_twice(client_for, personas, baseline):
    client = client_for(personas.coordinator)
    client.post(enter_url(baseline), entry_fields(BASELINE))
    response = client.post(enter_url(baseline), entry_fields({**BASELINE, "nrs_pain": {"back": 1, "leg": 1}}))
    assert response.status_code == 409
    assert "record a correction" in response.content.decode()
    assert Response.objects.get(timepoint=baseline, instrument="nrs_pain").answers == {"back": 6, "leg": 3}


def test_the_outsider_sees_nothing(client_for, personas, baseline):
    client = client_for(personas.outsider)
    assert client.get(enter_url(baseline)).status_code == 404
    assert client.post(enter_url(baseline), entry_fields(BASELINE)).status_code == 404
    assert not Response.objects.exists()


@pytest.mark.parametrize("persona", ["readonly", "analyst"])
def test_roles_that_cannot_write_are_refused(client_for, personas, baseline, persona):
    client = client_for(getattr(personas, persona))
    assert client.get(enter_url(baseline)).status_code == 403
    assert client.post(enter_url(baseline), entry_fields(BASELINE)).status_code == 403
    assert not Response.objects.exists()


def test_staff_must_log_in(client, baseline):
    response = client.get(enter_url(baseline))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_page_stays_in_english_for_a_spanish_browser(client_for, personas, baseline):
    client = client_for(personas.coordinator)
    data = {**entry_fields(BASELINE), "odi-odi_8": ""}
    del data["odi-odi_3"]
    page = client.post(enter_url(baseline), data, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "There is a problem" in page
    assert "Please answer this question." in page
    assert "(optional)" in page
