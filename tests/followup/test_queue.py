"""The queue: one worker per step, leases, and a worker killed between any two steps.

A kill is simulated by raising SimulatedCrash (not an Exception, so nothing catches it)
between the phases the worker commits separately: claim, prepare, send, record.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from tests.followup.conftest import treat

from disctrack.followup import steps
from disctrack.followup.delivery import Dispatcher
from disctrack.followup.ladder import open_windows
from disctrack.followup.models import AttemptOutcome, MessageStatus, OutboundMessage
from disctrack.followup.worker import LEASE, claim_one, process, run_pass
from disctrack.surveys.models import SurveyLink

OPENED = datetime(2026, 2, 22, 9, tzinfo=UTC)
AFTER_LEASE = OPENED + LEASE + timedelta(seconds=1)


class SimulatedCrash(BaseException):
    """The worker process is killed here."""


@pytest.fixture
def due(personas):
    """Two patients whose 1-month invitations are due at OPENED."""
    patients = [treat(personas, date(2026, 2, 1), email=f"p{i}@example.test", medical_record_number=f"MRN-{i}")
                for i in range(2)]
    with time_machine.travel(OPENED, tick=False):
        open_windows()
    return patients


def _invitations():
    return OutboundMessage.objects.filter(ladder_day=0, timepoint__code="m1")


def test_interleaved_workers_claim_different_steps_and_each_step_once(due):
    with time_machine.travel(OPENED, tick=False):
        first, second = claim_one("w1"), claim_one("w2")
        assert claim_one("w1") is None  # nothing else is due
    assert {first, second} == set(_invitations().values_list("pk", flat=True))
    assert dict(_invitations().values_list("pk", "claimed_by")) == {first: "w1", second: "w2"}


def test_a_step_another_worker_holds_is_not_sent_twice(due, outbox):
    with time_machine.travel(OPENED, tick=False):
        mine = claim_one("w1")
        assert process(mine, "w2", Dispatcher()) == "lost"  # w2 saw it due a moment ago
        assert process(mine, "w1", Dispatcher()) == MessageStatus.SENT
    assert len(outbox) == 1


def test_a_worker_killed_after_claiming_leaves_the_step_to_another_after_the_lease(due, outbox):
    with time_machine.travel(OPENED, tick=False):
        claim_one("w1")  # ... and w1 is killed
        run_pass("w2")
    assert len(outbox) == 1  # w2 sent the other invitation; w1's is leased
    with time_machine.travel(AFTER_LEASE, tick=False):
        run_pass("w2")
    assert len(outbox) == 2
    assert set(_invitations().values_list("status", "attempts", "claimed_by")) == {("sent", 1, "w2")}


def test_a_worker_killed_after_preparing_is_taken_over_and_the_try_marked_interrupted(due, outbox):
    with time_machine.travel(OPENED, tick=False):
        pk = claim_one("w1")
        outcome, envelope, _ = steps.prepare(pk, "w1", OPENED)  # then killed before sending
    assert outcome == "send" and outbox == []
    with time_machine.travel(AFTER_LEASE, tick=False):
        run_pass("w2")
    message = OutboundMessage.objects.get(pk=pk)
    assert message.status == MessageStatus.SENT and len(outbox) == 2
    assert list(message.tries.values_list("worker", "outcome")) == [
        ("w1", AttemptOutcome.INTERRUPTED), ("w2", AttemptOutcome.SENT)]
    # The link of the interrupted try stays valid: it may be the copy the patient has.
    assert SurveyLink.objects.filter(pk__in=message.tries.values("link_id"), revoked_at__isnull=True).count() == 2


def test_a_worker_killed_after_the_server_accepted_resends_with_the_same_message_id(due, outbox, monkeypatch):
    """The documented window: the server has it, our record does not; the copy is marked."""
    def killed(*args, **kwargs):
        raise SimulatedCrash

    monkeypatch.setattr(steps, "record_sent", killed)
    with time_machine.travel(OPENED, tick=False), pytest.raises(SimulatedCrash):
        run_pass("w1")
    monkeypatch.undo()
    assert len(outbox) == 1
    with time_machine.travel(AFTER_LEASE, tick=False):
        run_pass("w2")
    resent = [m for m in outbox if m.to == outbox[0].to]
    assert len(resent) == 2 and resent[0].extra_headers["Message-ID"] == resent[1].extra_headers["Message-ID"]
    assert set(_invitations().values_list("status", flat=True)) == {"sent"}


def test_a_worker_killed_after_recording_sends_nothing_again(due, outbox):
    with time_machine.travel(OPENED, tick=False):
        run_pass("w1")
    with time_machine.travel(AFTER_LEASE, tick=False):
        run_pass("w2")
    assert len(outbox) == 2


def test_a_worker_killed_while_planning_a_ladder_leaves_it_to_the_next_pass(personas, outbox, monkeypatch):
    patient = treat(personas, date(2026, 2, 1))

    def killed(*args, **kwargs):
        raise SimulatedCrash

    monkeypatch.setattr(OutboundMessage.objects, "bulk_create", killed)
    with time_machine.travel(OPENED, tick=False), pytest.raises(SimulatedCrash):
        open_windows()
    monkeypatch.undo()
    m1 = patient.timepoints.get(code="m1")
    assert m1.ladder_planned_at is None and not m1.messages.exists()
    with time_machine.travel(OPENED, tick=False):
        run_pass("w2")
    assert m1.messages.count() == 6 and len(outbox) == 1


def test_two_workers_planning_at_once_plan_each_ladder_once(due):
    with time_machine.travel(OPENED, tick=False):
        assert open_windows() == 0  # `due` already planned both
    assert OutboundMessage.objects.filter(timepoint__code="m1").count() == 12
