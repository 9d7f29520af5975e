"""A response's answers, scores and versions with their reasons."""

from __future__ import annotations

import pytest
from django.urls import reverse
from tests.surveys.helpers import BASELINE

from disctrack.surveys.actions import do_correct_response, do_enter_response
from disctrack.surveys.models import Response


@pytest.fixture
def corrected_odi(patient, personas):
    baseline = patient.timepoints.get(code="baseline")
    do_enter_response(personas.coordinator, baseline, BASELINE, channel="phone")
    original = Response.objects.get(timepoint=baseline, instrument="odi")
    do_correct_response(personas.clinician, original, {**BASELINE["odi"], "odi_1": 0},
                        "section 1 ticked in the wrong box")
    return original, Response.objects.get(supersedes=original)


def detail_url(response):
    return reverse("response-detail", args=[response.pk])


def test_answers_scores_and_versions_are_shown(client_for, personas, corrected_odi):
    original, latest = corrected_odi
    page = client_for(personas.coordinator).get(detail_url(latest)).content.decode()
    assert "I have no pain right now." in page
    assert "<th scope=\"row\">odi</th><td class=\"num\">36.0</td>" in page
    assert "Version 1" in page and "Version 2" in page
    assert "Reason: section 1 ticked in the wrong box" in page
    assert "entered by clinician" in page
    assert reverse("response-correct", args=[latest.pk]) in page
    assert reverse("response-detail", args=[original.pk]) in page


def test_an_old_version_shows_its_own_answers_and_no_correction_button(client_for, personas, corrected_odi):
    original, _ = corrected_odi
    page = client_for(personas.coordinator).get(detail_url(original)).content.decode()
    assert "My pain is very severe right now." in page
    assert "superseded" in page
    assert reverse("response-correct", args=[original.pk]) not in page


@pytest.mark.parametrize("persona", ["readonly", "analyst"])
def test_readers_see_it_without_the_correction_button(client_for, personas, corrected_odi, persona):
    _, latest = corrected_odi
    response = client_for(getattr(personas, persona)).get(detail_url(latest))
    assert response.status_code == 200
    assert reverse("response-correct", args=[latest.pk]) not in response.content.decode()


def test_the_outsider_sees_nothing(client_for, personas, corrected_odi):
    _, latest = corrected_odi
    assert client_for(personas.outsider).get(detail_url(latest)).status_code == 404
    assert client_for(personas.outsider).get(reverse("response-detail", args=[999999])).status_code == 404
