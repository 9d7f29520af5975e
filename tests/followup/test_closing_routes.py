"""Every way a time point closes stops its follow-up at once, without waiting for the worker.

Each route below closes a time point whose reminders are queued and whose call task is open;
none of them runs the worker, so only the closing itself can have cancelled them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from tests.followup.answers import MONTH_1, enter
from tests.followup.conftest import treat

from disctrack.followup.actions import do_log_call
from disctrack.followup.ladder import open_windows
from disctrack.followup.models import FollowupTask, MessageStatus, TaskKind, TaskStatus
from disctrack.interop.actions import do_restore_timepoint_closure
from disctrack.registry.actions import do_change_site_protocol, do_record_event, do_record_treatment
from disctrack.registry.actions.timepoints import close_missed
from disctrack.registry.models import TimePointStatus
from disctrack.surveys.actions import do_create_link, do_save_draft, do_submit_link


def _at(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def _with_work(tp, now: datetime):
    """Queue the time point's reminders and open a call task for it, as the worker would."""
    with time_machine.travel(now, tick=False):
        assert open_windows() >= 1
        FollowupTask.objects.create(timepoint=tp, kind=TaskKind.CALL, due_on=now.date(), created_at=now)
    assert tp.messages.filter(status=MessageStatus.QUEUED).count() >= 2
    return tp


@pytest.fixture
def m1(personas):
    """The 1-month time point of a patient treated on 1 February 2026, with work pending."""
    patient = treat(personas, date(2026, 2, 1))
    return _with_work(patient.timepoints.get(code="m1"), _at(2026, 2, 22, 9))


def _answer_by_link(personas, tp):
    link, _ = do_create_link(personas.coordinator, tp)
    for instrument, answers in MONTH_1.items():
        do_save_draft(link, instrument, answers)
    do_submit_link(link)


def _episode(tp):
    return tp.treatment.episode


ROUTES = {
    "answered through the patient's link": (
        _answer_by_link, TimePointStatus.ANSWERED, _at(2026, 2, 23, 10)),
    "answers entered by staff": (
        lambda personas, tp: enter(personas.coordinator, tp, MONTH_1), TimePointStatus.ANSWERED,
        _at(2026, 2, 23, 10)),
    "declined on the telephone": (
        lambda personas, tp: do_log_call(personas.coordinator, tp, outcome="declined"),
        TimePointStatus.MISSED, _at(2026, 2, 23, 10)),
    "withdrew on the telephone": (
        lambda personas, tp: do_log_call(personas.coordinator, tp, outcome="withdrew"),
        TimePointStatus.WITHDRAWN, _at(2026, 2, 23, 10)),
    "withdrawal recorded": (
        lambda personas, tp: do_record_event(personas.coordinator, _episode(tp), kind="withdrawal",
                                             occurred_on=date(2026, 2, 23), reason="moved abroad"),
        TimePointStatus.WITHDRAWN, _at(2026, 2, 23, 10)),
    "death recorded": (
        lambda personas, tp: do_record_event(personas.coordinator, _episode(tp), kind="death",
                                             occurred_on=date(2026, 2, 23)),
        TimePointStatus.DEAD, _at(2026, 2, 23, 10)),
    "window closed without an answer": (
        lambda personas, tp: close_missed(), TimePointStatus.MISSED, _at(2026, 3, 23, 10)),
    "closure restored by an import": (
        lambda personas, tp: do_restore_timepoint_closure("system: import", tp, status="missed"),
        TimePointStatus.MISSED, _at(2026, 3, 23, 10)),
    "dropped by the site's new protocol": (
        lambda personas, tp: do_change_site_protocol(personas.admin, personas.site_a, "ichom"),
        TimePointStatus.STOPPED, _at(2026, 2, 23, 10)),
}


def _assert_work_stopped(tp, status: str) -> None:
    tp.refresh_from_db()
    assert tp.status == status
    assert not tp.messages.filter(status=MessageStatus.QUEUED).exists()
    assert set(tp.messages.exclude(status=MessageStatus.CANCELLED).values_list("status", flat=True)) <= {
        MessageStatus.SENT}
    assert not tp.tasks.filter(status=TaskStatus.OPEN).exists()
    assert tp.tasks.get().status in (TaskStatus.CANCELLED, TaskStatus.DONE)


@pytest.mark.parametrize("route", list(ROUTES))
def test_closing_cancels_queued_messages_and_open_tasks_at_once(route, personas, m1):
    close, status, when = ROUTES[route]
    with time_machine.travel(when, tick=False):
        close(personas, m1)
    _assert_work_stopped(m1, status)


def test_a_subsequent_surgery_under_a_stop_protocol_cancels_the_work_at_once(personas):
    do_change_site_protocol(personas.admin, personas.site_a, "ichom")
    personas.site_a.refresh_from_db()
    patient = treat(personas, date(2026, 2, 1))
    m6 = _with_work(patient.timepoints.get(code="m6"), _at(2026, 7, 2, 9))
    with time_machine.travel(_at(2026, 7, 16, 9), tick=False):
        do_record_treatment(personas.coordinator, patient.episodes.get(), {
            "kind": "fusion", "role": "subsequent_surgery", "performed_on": date(2026, 7, 15),
            "levels": ["L4-L5"], "physician": personas.physician_a, "fusion_approach": "TLIF",
            "reason": "persistent pain",
        })
    _assert_work_stopped(m6, TimePointStatus.STOPPED)


def test_a_late_paper_form_answers_a_missed_time_point_and_opens_no_work(personas, m1):
    with time_machine.travel(_at(2026, 3, 23, 10), tick=False):
        close_missed()
        enter(personas.coordinator, m1, MONTH_1, channel="paper")
    _assert_work_stopped(m1, TimePointStatus.ANSWERED)


def test_a_closed_time_point_is_not_closed_again(personas, m1):
    with time_machine.travel(_at(2026, 2, 23, 10), tick=False):
        enter(personas.coordinator, m1, MONTH_1)
        do_record_event(personas.coordinator, _episode(m1), kind="withdrawal",
                        occurred_on=date(2026, 2, 23), reason="moved abroad")
    m1.refresh_from_db()
    assert m1.status == TimePointStatus.ANSWERED
    assert m1.closed_reason == ""
