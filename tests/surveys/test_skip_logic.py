"""Items with ask_if are asked only when the earlier answer calls for them."""

from __future__ import annotations

from tests.surveys.helpers import post_step, step_url

from disctrack.surveys.models import Response

WORK_STEP = 5


def test_the_follow_up_question_says_when_it_applies(client, survey_link):
    _, token = survey_link
    page = client.get(step_url(token, WORK_STEP)).content.decode()
    assert 'data-ask-if="work_status-work_status"' in page
    assert "Answer only if your answer to question 1 was: Working part-time; Unemployed;" in page


def test_a_follow_up_answer_that_no_longer_applies_is_dropped(client, survey_link):
    link, token = survey_link
    stale = {"work_status": "full_time", "not_working_due_to_back": "yes"}
    response = post_step(client, token, WORK_STEP, stale)
    assert response.status_code == 302
    stored = Response.objects.get(timepoint=link.timepoint, instrument="work_status")
    assert stored.answers == {"work_status": "full_time"}


def test_a_follow_up_that_applies_must_be_answered(client, survey_link):
    link, token = survey_link
    response = post_step(client, token, WORK_STEP, {"work_status": "retired"})
    assert response.status_code == 400
    assert "Question 2: Is the reason you are not working" in response.content.decode()
    assert not Response.objects.filter(timepoint=link.timepoint).exists()


def test_painkiller_frequency_is_skipped_for_none(client, survey_link):
    link, token = survey_link
    response = post_step(client, token, 6, {"analgesic": "none", "analgesic_frequency": "daily"})
    assert response.status_code == 302
    stored = Response.objects.get(timepoint=link.timepoint, instrument="analgesic_use")
    assert stored.answers == {"analgesic": "none"}
