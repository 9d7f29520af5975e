"""The escalation ladder: planned when the window opens, in order, at sending hours."""

from __future__ import annotations

from datetime import UTC, date, datetime

import time_machine
from tests.followup.conftest import treat

from disctrack.followup.models import MessageStatus, OutboundMessage, TaskKind
from disctrack.registry.models import TimePointStatus


def _at(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_window_opening_plans_the_default_ladder_in_order(personas, work):
    patient = treat(personas, date(2026, 2, 1))
    with time_machine.travel(_at(2026, 2, 22, 12, 0), tick=False):
        work()
    m1 = patient.timepoints.get(code="m1")
    steps = list(m1.messages.order_by("due_at").values_list("step", "ladder_day", "due_at"))
    # Madrid is UTC+1 in February: 09:00 local is 08:00 UTC. Day 0 is today, at once.
    assert steps == [
        ("email", 0, _at(2026, 2, 22, 12, 0)),
        ("email_reminder", 3, _at(2026, 2, 25, 8, 0)),
        ("email_reminder", 7, _at(2026, 3, 1, 8, 0)),
        ("sms", 10, _at(2026, 3, 4, 8, 0)),
        ("call_task", 14, _at(2026, 3, 8, 8, 0)),
        ("letter_task", 21, _at(2026, 3, 15, 8, 0)),
    ]
    assert m1.messages.get(step="email").status == MessageStatus.SENT
    assert patient.timepoints.get(code="baseline").status == TimePointStatus.MISSED


def test_each_step_is_taken_on_its_day(personas, work, outbox, settings):
    patient = treat(personas, date(2026, 2, 1))
    personas.site_a.sms_enabled = True
    personas.site_a.save()
    settings.SMS_URL = "file:" + str(settings.HOME / "sms-test")
    m1 = patient.timepoints.get(code="m1")
    for day in (22, 25, 26):
        with time_machine.travel(_at(2026, 2, day, 9, 0), tick=False):
            work()
    assert [m.subject for m in outbox] == ["Clinic A: a questionnaire for you", "Clinic A: a reminder"]
    with time_machine.travel(_at(2026, 3, 4, 9, 0), tick=False):
        work()
    assert OutboundMessage.objects.get(timepoint=m1, step="sms").status == MessageStatus.SENT
    with time_machine.travel(_at(2026, 3, 8, 9, 0), tick=False):
        work()
    assert list(m1.tasks.values_list("kind", flat=True)) == [TaskKind.CALL]
    with time_machine.travel(_at(2026, 3, 15, 9, 0), tick=False):
        work()
    assert list(m1.tasks.values_list("kind", "status")) == [("call", "open"), ("letter", "open")]
    with time_machine.travel(_at(2026, 3, 23, 9, 0), tick=False):
        work()
    m1.refresh_from_db()
    assert m1.status == TimePointStatus.MISSED
    assert list(m1.tasks.values_list("kind", "status")) == [("call", "cancelled"), ("letter", "cancelled")]
