"""The call worklist and the call log: who is due, overdue and to call; each call's next step."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.urls import reverse
from tests.followup.conftest import treat

from disctrack.followup.models import CallLog, MessageStatus, Step, TaskStatus
from disctrack.registry.choices import PatientStatus
from disctrack.registry.models import TimePointStatus

CALL_DAY = datetime(2026, 3, 8, 10, tzinfo=UTC)  # day 14 of the 1-month window: the call task


@pytest.fixture
def to_call(personas, work, settings, tmp_path):
    """Ana, treated on 1 February 2026, unanswered at 1 month: on the list to call."""
    settings.SMS_URL = f"file:{tmp_path}"
    patient = treat(personas, date(2026, 2, 1))
    for moment in (datetime(2026, 2, 22, 9, tzinfo=UTC), CALL_DAY):
        with time_machine.travel(moment, tick=False):
            work()
    assert patient.timepoints.get(code="m1").tasks.get().status == TaskStatus.OPEN
    return patient


@pytest.fixture
def at_call_day():
    with time_machine.travel(CALL_DAY, tick=False):
        yield


def _m1(patient):
    return patient.timepoints.get(code="m1")


def _log(client, patient, outcome, note=""):
    return client.post(reverse("call-log", args=[_m1(patient).pk]), {"outcome": outcome, "note": note})


def test_the_coordinator_sees_who_to_call_with_their_number(personas, to_call, client_for, at_call_day):
    response = client_for(personas.coordinator).get(reverse("worklist"), {"site": "site-a"})
    assert response.status_code == 200
    to_call_section = response.context["worklist"].sections[0]
    assert to_call_section.title == "To call" and [t.timepoint for t in to_call_section.rows] == [_m1(to_call)]
    overdue = response.context["worklist"].sections[1]
    assert [tp.code for tp in overdue.rows] == ["m1"]  # target 1 March has passed
    page = response.content.decode()
    assert "Ana Synthetic" in page and "+34600123456" in page and to_call.registry_id in page
    assert "Reminder e-mail" in page  # the last message sent, by its name


def test_an_analyst_sees_the_list_without_names_or_numbers(personas, to_call, client_for, at_call_day):
    response = client_for(personas.analyst).get(reverse("worklist"), {"site": "site-a"})
    page = response.content.decode()
    assert response.status_code == 200 and to_call.registry_id in page
    assert "Ana Synthetic" not in page and "+34600123456" not in page and "Log a call" not in page


def test_the_outsider_cannot_see_another_sites_worklist(personas, to_call, client_for, at_call_day):
    client = client_for(personas.outsider)
    assert client.get(reverse("worklist"), {"site": "site-a"}).status_code == 404
    own = client.get(reverse("worklist"))
    assert own.status_code == 200 and own.context["worklist"].site == personas.site_b
    assert to_call.registry_id not in own.content.decode()


def test_staff_must_log_in(client, to_call):
    response = client.get(reverse("worklist"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_reached_closes_the_call_and_e_mails_a_fresh_link(personas, to_call, client_for, at_call_day, work, outbox):
    response = _log(client_for(personas.coordinator), to_call, "reached", "will do it tonight")
    assert response.status_code == 302 and response["Location"] == reverse("worklist") + "?site=site-a"
    call = CallLog.objects.get()
    assert (call.outcome, call.note, call.by, call.task.status) == ("reached", "will do it tonight",
                                                                    personas.coordinator, TaskStatus.DONE)
    work()
    after_call = _m1(to_call).messages.get(step=Step.EMAIL_AFTER_CALL)
    assert after_call.status == MessageStatus.SENT and outbox[-1].to == ["ana.synthetic@example.test"]


def test_no_answer_keeps_the_call_and_gives_up_after_three_tries(personas, to_call, client_for, at_call_day):
    client = client_for(personas.coordinator)
    _log(client, to_call, "no_answer")
    task = _m1(to_call).tasks.get()
    assert (task.status, task.no_answer_count, task.due_on) == (TaskStatus.OPEN, 1, date(2026, 3, 10))
    _log(client, to_call, "no_answer")
    _log(client, to_call, "no_answer")
    task.refresh_from_db()
    assert (task.status, task.outcome) == (TaskStatus.DONE, "no answer 3 times")


def test_a_wrong_number_stops_sms_and_brings_the_letter_forward(personas, to_call, client_for, at_call_day):
    _log(client_for(personas.coordinator), to_call, "wrong_number")
    m1 = _m1(to_call)
    assert dict(m1.tasks.values_list("kind", "status")) == {"call": "done", "letter": "open"}
    assert m1.messages.get(step="letter_task").status == MessageStatus.CANCELLED


def test_answered_by_phone_goes_on_to_enter_the_answers(personas, to_call, client_for, at_call_day):
    response = _log(client_for(personas.coordinator), to_call, "answered_by_phone")
    assert response.status_code == 302
    assert response["Location"] == reverse("response-enter", args=[_m1(to_call).pk])
    assert CallLog.objects.get().outcome == "answered_by_phone"


def test_declined_closes_the_time_point_as_missed(personas, to_call, client_for, at_call_day):
    _log(client_for(personas.coordinator), to_call, "declined", "too busy")
    m1 = _m1(to_call)
    assert (m1.status, m1.closed_reason) == (TimePointStatus.MISSED, "declined on the telephone: too busy")
    assert not m1.messages.filter(status=MessageStatus.QUEUED).exists()


def test_withdrew_records_the_withdrawal_and_stops_all_follow_up(personas, to_call, client_for, at_call_day):
    _log(client_for(personas.coordinator), to_call, "withdrew", "moving abroad")
    to_call.refresh_from_db()
    assert to_call.status == PatientStatus.WITHDRAWN
    assert to_call.episodes.get().events.get().reason == "moving abroad"
    assert set(to_call.timepoints.filter(code__in=["m1", "m3", "m60"]).values_list("status", flat=True)) == {"withdrawn"}
    assert not _m1(to_call).messages.filter(status=MessageStatus.QUEUED).exists()


def test_an_unknown_outcome_is_refused_and_nothing_recorded(personas, to_call, client_for, at_call_day):
    response = _log(client_for(personas.coordinator), to_call, "voicemail")
    assert response.status_code == 400 and not CallLog.objects.exists()


def test_a_call_about_an_answered_time_point_is_refused(personas, to_call, client_for, at_call_day):
    m1 = _m1(to_call)
    m1.status = TimePointStatus.ANSWERED
    m1.save(update_fields=["status"])
    response = _log(client_for(personas.coordinator), to_call, "reached")
    assert response.status_code == 400 and "1 month is answered" in response.content.decode()
    assert not CallLog.objects.exists()


def test_the_read_only_member_cannot_log_a_call(personas, to_call, client_for, at_call_day):
    client = client_for(personas.readonly)
    assert client.get(reverse("call-log", args=[_m1(to_call).pk])).status_code == 403
    assert _log(client, to_call, "reached").status_code == 403
    assert not CallLog.objects.exists()


def test_the_outsider_cannot_log_a_call(personas, to_call, client_for, at_call_day):
    assert _log(client_for(personas.outsider), to_call, "withdrew").status_code == 404
    to_call.refresh_from_db()
    assert not CallLog.objects.exists() and to_call.status == PatientStatus.ACTIVE


def test_the_call_page_shows_the_messages_and_the_form(personas, to_call, client_for, at_call_day):
    response = client_for(personas.coordinator).get(reverse("call-log", args=[_m1(to_call).pk]))
    page = response.content.decode()
    assert response.status_code == 200 and "Telephone call task" in page and "Reached: will answer online" in page


@pytest.fixture
def letter(to_call, work):
    with time_machine.travel(datetime(2026, 3, 15, 9, tzinfo=UTC), tick=False):
        work()
    return _m1(to_call).tasks.get(kind="letter")


def test_a_letter_posted_closes_its_task(personas, letter, client_for):
    response = client_for(personas.coordinator).post(reverse("task-complete", args=[letter.pk]),
                                                     {"outcome": "letter posted"})
    letter.refresh_from_db()
    assert response.status_code == 302 and (letter.status, letter.outcome) == (TaskStatus.DONE, "letter posted")


@pytest.mark.parametrize("persona, status", [("readonly", 403), ("outsider", 404)])
def test_only_the_sites_writers_close_a_task(personas, letter, client_for, persona, status):
    response = client_for(getattr(personas, persona)).post(reverse("task-complete", args=[letter.pk]))
    letter.refresh_from_db()
    assert response.status_code == status and letter.status == TaskStatus.OPEN
