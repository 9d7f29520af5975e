"""Reminders stop the moment a time point is answered; opt-outs and closed follow-up hold at once."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from tests.followup.answers import MONTH_1, enter
from tests.followup.conftest import treat

from disctrack.followup.models import MessageStatus, TaskStatus
from disctrack.registry.actions import do_record_event, do_set_contact_preferences
from disctrack.registry.models import TimePointStatus


def _at(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def invited(personas, work, outbox):
    """A patient invited to the 1-month questionnaire on 22 February 2026."""
    patient = treat(personas, date(2026, 2, 1))
    with time_machine.travel(_at(2026, 2, 22, 9), tick=False):
        work()
    assert len(outbox) == 1
    return patient


def test_answering_cancels_every_queued_reminder_and_task(personas, invited, work, outbox):
    m1 = invited.timepoints.get(code="m1")
    with time_machine.travel(_at(2026, 2, 23, 10), tick=False):
        enter(personas.coordinator, m1, MONTH_1)
    statuses = dict(m1.messages.values_list("ladder_day", "status"))
    assert statuses == {0: "sent", 3: "cancelled", 7: "cancelled", 10: "cancelled",
                        14: "cancelled", 21: "cancelled"}
    for day in (25, 27):
        with time_machine.travel(_at(2026, 3, day, 9), tick=False):
            work()
    assert len(outbox) == 1
    assert not m1.tasks.exists()


def test_an_answer_while_the_worker_holds_a_step_still_stops_it(personas, invited):
    """The worker reads the status as it takes the step, so a claimed reminder is not sent."""
    from disctrack.followup.delivery import Dispatcher
    from disctrack.followup.worker import claim_one, process

    m1 = invited.timepoints.get(code="m1")
    with time_machine.travel(_at(2026, 2, 25, 9), tick=False):
        pk = claim_one("w1")
        enter(personas.coordinator, m1, MONTH_1)
        assert process(pk, "w1", Dispatcher()) == MessageStatus.CANCELLED
    reminder = m1.messages.get(pk=pk)
    assert (reminder.status, reminder.last_error) == ("cancelled", "the time point is answered")
    assert not reminder.tries.exists()


def test_an_e_mail_opt_out_holds_for_the_very_next_message(personas, invited, work, outbox):
    with time_machine.travel(_at(2026, 2, 24, 9), tick=False):
        do_set_contact_preferences(personas.coordinator, invited, email_opt_out=True, reason="asked")
    with time_machine.travel(_at(2026, 2, 25, 9), tick=False):
        work()
    assert len(outbox) == 1
    reminder = invited.timepoints.get(code="m1").messages.get(ladder_day=3)
    assert (reminder.status, reminder.last_error) == ("skipped", "the patient opted out of e-mail")


def test_an_sms_opt_out_skips_the_sms_but_not_the_call(personas, invited, work, settings, tmp_path):
    personas.site_a.sms_enabled = True
    personas.site_a.save()
    settings.SMS_URL = f"file:{tmp_path}"
    do_set_contact_preferences(personas.coordinator, invited, sms_opt_out=True, reason="asked")
    m1 = invited.timepoints.get(code="m1")
    with time_machine.travel(_at(2026, 3, 4, 9), tick=False):
        work()
    with time_machine.travel(_at(2026, 3, 8, 9), tick=False):
        work()
    assert m1.messages.get(step="sms").last_error == "the patient opted out of SMS"
    assert not (tmp_path / "sms.jsonl").exists()
    assert m1.tasks.get().kind == "call"


@pytest.mark.parametrize("kind, reason, expected", [
    ("withdrawal", "no longer wishes to take part", TimePointStatus.WITHDRAWN),
    ("death", "", TimePointStatus.DEAD),
])
def test_withdrawal_or_death_stops_every_message(personas, invited, work, outbox, kind, reason, expected):
    with time_machine.travel(_at(2026, 2, 24, 9), tick=False):
        do_record_event(personas.coordinator, invited.episodes.get(), kind=kind,
                        occurred_on=date(2026, 2, 24), reason=reason)
    with time_machine.travel(_at(2026, 3, 9, 9), tick=False):
        work()
    m1 = invited.timepoints.get(code="m1")
    assert m1.status == expected
    assert set(m1.messages.exclude(ladder_day=0).values_list("status", flat=True)) == {"cancelled"}
    assert len(outbox) == 1 and not m1.tasks.filter(status=TaskStatus.OPEN).exists()


def test_a_patient_lost_to_follow_up_is_not_invited_and_closes_as_missed(personas, work, outbox):
    patient = treat(personas, date(2026, 2, 1))
    do_record_event(personas.coordinator, patient.episodes.get(), kind="lost_to_follow_up",
                    occurred_on=date(2026, 2, 10))
    with time_machine.travel(_at(2026, 2, 22, 9), tick=False):
        work()
    assert outbox == [] and not patient.timepoints.get(code="m1").messages.exists()
    with time_machine.travel(_at(2026, 3, 22, 22, 59), tick=False):  # 23:59 in Madrid: still open
        work()
    assert patient.timepoints.get(code="m1").status == TimePointStatus.PENDING
    with time_machine.travel(_at(2026, 3, 22, 23, 0), tick=False):  # midnight: the window has closed
        work()
    assert patient.timepoints.get(code="m1").status == TimePointStatus.MISSED


def test_a_patient_without_an_e_mail_address_is_skipped_with_the_reason(personas, work, outbox):
    patient = treat(personas, date(2026, 2, 1), email="")
    with time_machine.travel(_at(2026, 2, 22, 9), tick=False):
        work()
    assert outbox == []
    invitation = patient.timepoints.get(code="m1").messages.get(ladder_day=0)
    assert (invitation.status, invitation.last_error) == (MessageStatus.SKIPPED, "no e-mail address on file")
