"""A patient answers the baseline questionnaires through the link, page by page, and sends."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from tests.surveys.helpers import (
    BASELINE,
    BASELINE_ODI,
    answer_every_step,
    fields,
    post_step,
    step_url,
    submit_baseline,
)

from disctrack.registry.models import TimePointStatus
from disctrack.surveys.models import Response, ResponseIsImmutable, ResponseStatus


def test_welcome_names_the_clinic_and_the_time_but_not_the_patient(client, survey_link):
    link, token = survey_link
    response = client.get(reverse("survey-start", args=[token]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Clinic A" in page
    assert "Before your treatment" in page
    assert re.search(r"About \d+ minutes", page)
    assert "Ana" not in page and "Synthetic" not in page and link.timepoint.patient.registry_id not in page
    assert '<body class="patient">' in page
    assert "Log out" not in page
    assert reverse("survey-step", args=[token, 1]) in page


def test_every_page_is_uncached_and_keeps_its_address_from_other_sites(client, survey_link):
    _, token = survey_link
    without_forms = (reverse("survey-start", args=[token]), reverse("survey-saved", args=[token]),
                     reverse("survey-start", args=["nope"]))
    for url in without_forms:
        response = client.get(url)
        assert response["Cache-Control"] == "no-store"
        assert response["Referrer-Policy"] == "no-referrer"
    # Pages that post keep the referrer on this site, or browsers would post Origin: null.
    response = client.get(step_url(token, 1))
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "same-origin"


def test_each_question_is_a_fieldset_with_a_legend_and_labelled_radios(client, survey_link):
    _, token = survey_link
    page = client.get(step_url(token, 1)).content.decode()
    assert "Questionnaire 1 of 6" in page
    assert '<progress max="6" value="1"' in page
    assert page.count('<fieldset class="question"') == 10
    assert page.count("<legend>") == 10
    radios = re.findall(r'<input type="radio" name="odi-odi_1" id="([^"]+)"', page)
    assert len(radios) == 6
    assert all(f'<label for="{radio}">' in page for radio in radios)
    assert 'name="csrfmiddlewaretoken"' in page


def test_next_saves_the_instrument_as_a_draft_and_moves_on(client, survey_link):
    link, token = survey_link
    response = post_step(client, token, 1)
    assert response.status_code == 302
    assert response["Location"] == step_url(token, 2)
    draft = Response.objects.get(timepoint=link.timepoint, instrument="odi")
    assert draft.status == ResponseStatus.DRAFT
    assert draft.answers == BASELINE["odi"]
    assert draft.channel == "web"


def test_a_missing_answer_is_named_and_nothing_is_stored(client, survey_link):
    link, token = survey_link
    incomplete = {k: v for k, v in BASELINE["odi"].items() if k != "odi_3"}
    response = post_step(client, token, 1, incomplete)
    page = response.content.decode()
    assert response.status_code == 400
    assert 'href="#q-odi-odi_3-0">Question 3: Lifting</a>: Please answer this question.' in page
    assert not Response.objects.filter(timepoint=link.timepoint).exists()


def test_an_answer_outside_the_options_is_refused(client, survey_link):
    link, token = survey_link
    response = post_step(client, token, 3, {**BASELINE["eq5d5l"], "vas": "150"})
    assert response.status_code == 400
    assert "Please give a whole number from 0 to 100." in response.content.decode()
    tampered = post_step(client, token, 1, {**BASELINE["odi"], "odi_2": "9"})
    assert tampered.status_code == 400
    assert "Question 2: Personal care" in tampered.content.decode()
    assert not Response.objects.filter(timepoint=link.timepoint).exists()


def test_save_for_later_keeps_a_partial_page_and_the_link_resumes_there(client, survey_link):
    link, token = survey_link
    post_step(client, token, 1)
    partial = {"back": 7}
    response = post_step(client, token, 2, partial, go="save")
    assert response["Location"] == reverse("survey-saved", args=[token])
    assert "Your answers are saved" in client.get(response["Location"]).content.decode()
    assert Response.objects.get(timepoint=link.timepoint, instrument="nrs_pain").answers == {"back": 7}

    returning = Client()
    welcome = returning.get(reverse("survey-start", args=[token])).content.decode()
    assert "You have finished 1 of 6 questionnaires" in welcome
    assert f'href="{step_url(token, 2)}">Continue' in welcome
    page = returning.get(step_url(token, 2)).content.decode()
    assert 'name="nrs_pain-back" id="q-nrs_pain-back-7" value="7" checked' in page
    first = returning.get(step_url(token, 1)).content.decode()
    assert 'id="q-odi-odi_1-4" value="4" checked' in first


def test_back_keeps_the_page_answers_and_goes_to_the_previous_one(client, survey_link):
    link, token = survey_link
    response = post_step(client, token, 2, {"leg": 2}, go="back")
    assert response["Location"] == step_url(token, 1)
    assert Response.objects.get(timepoint=link.timepoint, instrument="nrs_pain").answers == {"leg": 2}


def test_review_lists_the_answers_in_words(client, survey_link):
    _, token = survey_link
    answer_every_step(client, token)
    page = client.get(reverse("survey-review", args=[token])).content.decode()
    assert "My pain is very severe right now." in page
    assert "Working part-time" in page
    assert "Send my answers" in page


def test_sending_early_is_refused_and_the_time_point_stays_open(client, survey_link):
    link, token = survey_link
    post_step(client, token, 1)
    response = client.post(reverse("survey-review", args=[token]))
    assert response.status_code == 400
    link.timepoint.refresh_from_db()
    assert link.timepoint.status == TimePointStatus.PENDING


def test_submitting_scores_answers_and_closes_the_time_point(client, survey_link):
    link, token = survey_link
    response = submit_baseline(client, token)
    assert response["Location"] == reverse("survey-done", args=[token])
    timepoint = link.timepoint
    timepoint.refresh_from_db()
    assert timepoint.status == TimePointStatus.ANSWERED
    assert timepoint.channel == "web"
    odi = Response.objects.get(timepoint=timepoint, instrument="odi")
    assert odi.status == ResponseStatus.SUBMITTED
    assert odi.scores["odi"] == BASELINE_ODI
    link.refresh_from_db()
    assert link.submitted_at is not None
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200
    assert "Your answers were received on" in thanks.content.decode()
    assert "nothing more to do" in thanks.content.decode()


def test_a_submitted_response_cannot_change(client, survey_link):
    link, token = survey_link
    submit_baseline(client, token)
    odi = Response.objects.get(timepoint=link.timepoint, instrument="odi")
    odi.answers = {**odi.answers, "odi_1": 0}
    with pytest.raises(ResponseIsImmutable):
        odi.save()
    again = post_step(client, token, 1, {**BASELINE["odi"], "odi_1": 0})
    assert again.status_code == 410
    assert Response.objects.get(pk=odi.pk).answers["odi_1"] == 4


def test_reopening_a_submitted_link_says_it_was_received(client, survey_link):
    _, token = survey_link
    submit_baseline(client, token)
    response = Client().get(reverse("survey-start", args=[token]))
    assert response.status_code == 410
    assert "Your answers were already received" in response.content.decode()
    other_browser = Client().get(reverse("survey-done", args=[token]))
    assert other_browser.status_code == 410


def test_forms_need_the_csrf_token(survey_link):
    link, token = survey_link
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(step_url(token, 1), {**fields("odi", BASELINE["odi"]), "go": "next"})
    assert response.status_code == 403
    assert not Response.objects.filter(timepoint=link.timepoint).exists()
