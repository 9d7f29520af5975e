"""Moving pending time points: a corrected treatment date, a site's new protocol, a surgery."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from tests.followup.answers import enter_baseline
from tests.followup.conftest import treat

from disctrack.followup.models import MessageStatus
from disctrack.registry.actions import (
    do_change_site_protocol,
    do_record_treatment,
    do_update_treatment,
)
from disctrack.registry.models import AuditEntry, TimePointStatus


def _at(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def invited(personas, work, outbox):
    """Baseline answered in January; the 1-month invitation sent on 22 February 2026."""
    patient = treat(personas, date(2026, 2, 1))
    with time_machine.travel(_at(2026, 1, 25, 10), tick=False):
        enter_baseline(personas.coordinator, patient)
    with time_machine.travel(_at(2026, 2, 22, 9), tick=False):
        work()
    assert len(outbox) == 1
    return patient


def test_a_corrected_treatment_date_moves_pending_points_and_their_reminders(personas, invited, work, outbox):
    treatment = invited.episodes.get().treatments.get()
    with time_machine.travel(_at(2026, 2, 23, 10), tick=False):
        do_update_treatment(personas.coordinator, treatment, {"performed_on": date(2026, 2, 8)},
                            reason="date mistyped")
    baseline, m1 = invited.timepoints.get(code="baseline"), invited.timepoints.get(code="m1")
    assert (baseline.status, baseline.target_on) == (TimePointStatus.ANSWERED, date(2026, 2, 1))
    assert (m1.opens_on, m1.target_on, m1.closes_on) == (date(2026, 3, 1), date(2026, 3, 8), date(2026, 3, 29))
    assert m1.ladder_planned_at is None
    assert set(m1.messages.exclude(ladder_day=0).values_list("status", "last_error")) == {("cancelled", "rescheduled")}
    with time_machine.travel(_at(2026, 2, 27, 9), tick=False):
        work()  # the old day-3 and day-7 reminders would have been due by now
    assert len(outbox) == 1
    with time_machine.travel(_at(2026, 3, 1, 9), tick=False):
        work()
    queued = m1.messages.filter(status=MessageStatus.QUEUED).order_by("due_at")
    # The invitation already went, so the new plan starts with the first reminder.
    assert [(m.ladder_day, m.due_at) for m in queued] == [
        (3, _at(2026, 3, 4, 8)), (7, _at(2026, 3, 8, 8)), (10, _at(2026, 3, 11, 8)),
        (14, _at(2026, 3, 15, 8)), (21, _at(2026, 3, 22, 8))]
    assert len(outbox) == 1
    assert AuditEntry.objects.filter(model="registry.TimePoint", object_id=str(m1.pk),
                                     reason="rescheduled: date mistyped").exists()


def test_a_site_changing_protocol_moves_pending_points_and_stops_dropped_ones(personas, invited, work):
    with time_machine.travel(_at(2026, 2, 23, 10), tick=False):
        changed = do_change_site_protocol(personas.admin, personas.site_a, "ichom")
    personas.site_a.refresh_from_db()
    assert personas.site_a.protocol == "ichom"
    points = {tp.code: tp for tp in invited.timepoints.all()}
    assert (points["baseline"].protocol, points["baseline"].status) == ("default", TimePointStatus.ANSWERED)
    for code in ("m1", "m3", "m36", "m48"):
        assert points[code].status == TimePointStatus.STOPPED
        assert points[code].closed_reason == "not in protocol ichom v1"
    for code in ("m6", "m12", "m24", "m60"):
        assert (points[code].protocol, points[code].status) == ("ichom", TimePointStatus.PENDING)
    assert "complication_check" in points["m6"].instruments and "pgic" not in points["m6"].instruments
    assert {tp.code for tp in changed} == {"m1", "m3", "m36", "m48", "m6", "m12", "m24", "m60"}
    assert set(points["m1"].messages.exclude(ladder_day=0).values_list("status", flat=True)) == {"cancelled"}
    assert AuditEntry.objects.filter(model="registry.Site", reason="site follows protocol ichom v1").exists()


def test_an_unknown_protocol_is_refused_and_nothing_moves(personas, invited):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        do_change_site_protocol(personas.admin, personas.site_a, "nope")
    assert "unknown follow-up protocol 'nope'" in refused.value.message_dict["protocol"][0]
    assert set(invited.timepoints.values_list("protocol", flat=True)) == {"default"}


def test_under_a_stop_protocol_a_subsequent_surgery_ends_the_biologics_follow_up(personas, work, outbox):
    do_change_site_protocol(personas.admin, personas.site_a, "ichom")
    personas.site_a.refresh_from_db()
    patient = treat(personas, date(2026, 2, 1))
    with time_machine.travel(_at(2026, 7, 2, 9), tick=False):
        work()  # the 6-month window opens: invited
    with time_machine.travel(_at(2026, 7, 16, 9), tick=False):
        do_record_treatment(personas.coordinator, patient.episodes.get(), {
            "kind": "fusion", "role": "subsequent_surgery", "performed_on": date(2026, 7, 15),
            "levels": ["L4-L5"], "physician": personas.physician_a, "fusion_approach": "TLIF",
            "reason": "persistent pain",
        })
        work()
    m6 = patient.timepoints.get(code="m6")
    assert m6.status == TimePointStatus.STOPPED
    assert set(m6.messages.exclude(ladder_day=0).values_list("status", flat=True)) == {"cancelled"}
    assert len(outbox) == 1
