"""The token is the patient's only key: stored hashed, long, expiring, single use, and
guessing it is throttled."""

from __future__ import annotations

import base64
import hashlib
from datetime import date, timedelta

import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from tests.surveys.helpers import BASELINE, submit_baseline

from disctrack.core.models import ThrottleFailure
from disctrack.registry.actions import do_record_event
from disctrack.surveys.actions import do_create_link, do_enter_response
from disctrack.surveys.models import SurveyLink


def start(client, token):
    return client.get(reverse("survey-start", args=[token]))


def test_the_token_is_stored_only_as_its_sha256_hash(survey_link):
    link, token = survey_link
    stored = SurveyLink.objects.filter(pk=link.pk).values().get()
    assert stored["token_hash"] == hashlib.sha256(token.encode()).hexdigest()
    assert token not in {str(value) for value in stored.values()}


def test_the_token_carries_at_least_128_random_bits(survey_link):
    _, token = survey_link
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    assert len(raw) * 8 >= 128


def test_an_unknown_token_is_a_friendly_404_and_counts_as_a_guess(client, personas):
    response = start(client, "not-a-real-token")
    assert response.status_code == 404
    assert "We could not find this questionnaire" in response.content.decode()
    assert ThrottleFailure.objects.filter(scope="survey").count() == 1


def test_guessing_is_blocked_with_429_but_a_valid_token_still_opens(client, survey_link):
    # Issue #10: a valid link is never refused for failures at its address (behind a
    # shared address they may be someone else's; a 256-bit token cannot be guessed).
    _, token = survey_link
    for attempt in range(settings.SURVEY_GUESS_LIMIT):
        start(client, f"guess-{attempt}")
    blocked = start(client, "yet-another-guess")
    assert blocked.status_code == 429
    assert "Too many attempts" in blocked.content.decode()
    assert blocked["Retry-After"] == "900"
    assert start(client, token).status_code == 200


def test_the_block_is_per_address_and_ends_after_15_minutes(survey_link):
    _, token = survey_link
    guesser = Client(REMOTE_ADDR="203.0.113.9")
    began = timezone.now()
    with time_machine.travel(began, tick=False):
        for attempt in range(settings.SURVEY_GUESS_LIMIT):
            start(guesser, f"guess-{attempt}")
        assert start(guesser, "another-guess").status_code == 429
        assert start(Client(REMOTE_ADDR="198.51.100.7"), "a-first-guess").status_code == 404
    with time_machine.travel(began + timedelta(minutes=16), tick=False):
        assert start(guesser, "another-guess").status_code == 404


def test_valid_tokens_do_not_count_as_guesses(client, survey_link):
    _, token = survey_link
    for _ in range(settings.SURVEY_GUESS_LIMIT + 1):
        assert start(client, token).status_code == 200
    assert not ThrottleFailure.objects.exists()


def test_an_expired_link_is_410_and_says_to_contact_the_clinic(client, patient, personas):
    baseline = patient.timepoints.get(code="baseline")
    made = timezone.now()
    with time_machine.travel(made, tick=False):
        _, token = do_create_link(personas.coordinator, baseline, valid_days=3)
    with time_machine.travel(made + timedelta(days=3, seconds=1), tick=False):
        response = start(client, token)
    assert response.status_code == 410
    page = response.content.decode()
    assert "This link has expired" in page
    assert "Please contact Clinic A" in page


def test_a_used_link_is_410(client, survey_link):
    _, token = survey_link
    submit_baseline(client, token)
    response = start(Client(), token)
    assert response.status_code == 410


def test_other_links_close_when_one_is_submitted(client, survey_link, personas):
    link, token = survey_link
    _, older_token = do_create_link(personas.coordinator, link.timepoint)
    submit_baseline(client, token)
    response = start(Client(), older_token)
    assert response.status_code == 410
    assert "already received" in response.content.decode()


def test_a_link_to_answers_entered_by_staff_says_they_were_received(client, survey_link, personas):
    link, token = survey_link
    do_enter_response(personas.coordinator, link.timepoint, BASELINE, channel="paper")
    response = start(client, token)
    assert response.status_code == 410
    assert "Your answers were already received" in response.content.decode()


def test_a_link_of_a_withdrawn_patient_is_410(client, survey_link, personas):
    link, token = survey_link
    episode = link.timepoint.patient.episodes.get()
    do_record_event(personas.coordinator, episode, kind="withdrawal", occurred_on=date(2026, 3, 1),
                    reason="moved abroad")
    response = start(client, token)
    assert response.status_code == 410
    assert "This questionnaire is closed" in response.content.decode()


def test_opening_the_link_marks_it_opened(client, survey_link):
    link, token = survey_link
    start(client, token)
    link.refresh_from_db()
    assert link.last_opened_at is not None
