"""Correcting a submitted response makes a new version with a reason; the old one stays."""

from __future__ import annotations

import pytest
from django.urls import reverse
from tests.surveys.helpers import BASELINE, fields

from disctrack.registry.models import AuditEntry
from disctrack.surveys.actions import do_enter_response
from disctrack.surveys.models import Response


@pytest.fixture
def nrs(patient, personas):
    baseline = patient.timepoints.get(code="baseline")
    do_enter_response(personas.coordinator, baseline, BASELINE, channel="paper")
    return Response.objects.get(timepoint=baseline, instrument="nrs_pain")


def correct_url(response):
    return reverse("response-correct", args=[response.pk])


def correction(back=2, leg=3, reason="paper form misread"):
    return {**fields("nrs_pain", {"back": back, "leg": leg}), "reason": reason}


def test_the_form_is_filled_with_the_current_answers(client_for, personas, nrs):
    page = client_for(personas.coordinator).get(correct_url(nrs)).content.decode()
    assert 'id="q-nrs_pain-back-6" value="6" checked' in page
    assert 'id="q-nrs_pain-leg-3" value="3" checked' in page
    assert 'name="reason"' in page


def test_a_correction_is_version_2_and_version_1_is_unchanged(client_for, personas, nrs):
    response = client_for(personas.clinician).post(correct_url(nrs), correction(back=2))
    corrected = Response.objects.get(supersedes=nrs)
    assert response.status_code == 302
    assert response["Location"] == reverse("response-detail", args=[corrected.pk])
    assert corrected.version == 2
    assert corrected.answers == {"back": 2, "leg": 3}
    assert corrected.scores["nrs_back"] == 2
    assert corrected.correction_reason == "paper form misread"
    assert corrected.entered_by == personas.clinician
    original = Response.objects.get(pk=nrs.pk)
    assert original.version == 1
    assert original.answers == {"back": 6, "leg": 3}
    assert original.scores["nrs_back"] == 6
    assert AuditEntry.objects.filter(model="surveys.Response", object_id=str(corrected.pk),
                                     reason="paper form misread").exists()


def test_a_reason_is_required(client_for, personas, nrs):
    response = client_for(personas.coordinator).post(correct_url(nrs), correction(reason=" "))
    assert response.status_code == 400
    assert 'href="#id_reason">Reason for the correction</a>' in response.content.decode()
    assert not Response.objects.filter(supersedes=nrs).exists()


def test_unchanged_answers_are_not_a_correction(client_for, personas, nrs):
    response = client_for(personas.coordinator).post(correct_url(nrs), correction(back=6))
    assert response.status_code == 400
    assert "same as the current version" in response.content.decode()
    assert Response.objects.filter(instrument="nrs_pain").count() == 1


def test_an_invalid_answer_is_named(client_for, personas, nrs):
    data = {**correction(), "nrs_pain-leg": "11"}
    response = client_for(personas.coordinator).post(correct_url(nrs), data)
    assert response.status_code == 400
    assert "Question 2" in response.content.decode()
    assert "Please give a whole number from 0 to 10." in response.content.decode()
    assert not Response.objects.filter(supersedes=nrs).exists()


def test_correcting_an_old_version_starts_from_the_current_one(client_for, personas, nrs):
    client = client_for(personas.coordinator)
    client.post(correct_url(nrs), correction(back=2))
    latest = Response.objects.get(supersedes=nrs)
    response = client.post(correct_url(nrs), correction(back=1))
    assert response["Location"] == correct_url(latest)
    assert Response.objects.filter(instrument="nrs_pain").count() == 2


def test_the_outsider_sees_nothing(client_for, personas, nrs):
    client = client_for(personas.outsider)
    assert client.get(correct_url(nrs)).status_code == 404
    assert client.post(correct_url(nrs), correction()).status_code == 404
    assert not Response.objects.filter(supersedes=nrs).exists()


@pytest.mark.parametrize("persona", ["readonly", "analyst"])
def test_roles_that_cannot_write_are_refused(client_for, personas, nrs, persona):
    client = client_for(getattr(personas, persona))
    assert client.get(correct_url(nrs)).status_code == 403
    assert client.post(correct_url(nrs), correction()).status_code == 403
    assert not Response.objects.filter(supersedes=nrs).exists()
