"""Time: invitations at 09:00 in the site's timezone across daylight-saving changes, never at
night, and month ends (one month after 31 January is the end of February)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from tests.followup.conftest import treat

from disctrack.followup.models import MessageStatus


def _at(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def _ladder_due(tp) -> dict[int, datetime]:
    return dict(tp.messages.values_list("ladder_day", "due_at"))


# (site, treated on, window opens on, due day 0 (UTC), due day 3 (UTC)): the change falls
# between the invitation and the first reminder, and both stay at 09:00 local.
DST_CASES = [
    pytest.param("site_a", date(2026, 3, 4), _at(2026, 3, 28, 8), _at(2026, 3, 31, 7), id="Madrid-March"),
    pytest.param("site_a", date(2026, 9, 30), _at(2026, 10, 23, 7), _at(2026, 10, 26, 8), id="Madrid-October"),
    pytest.param("site_b", date(2026, 2, 14), _at(2026, 3, 7, 14), _at(2026, 3, 10, 13), id="NewYork-March"),
    pytest.param("site_b", date(2026, 10, 7), _at(2026, 10, 31, 13), _at(2026, 11, 3, 14), id="NewYork-November"),
]


@pytest.mark.parametrize("site_name, treated, first, second", DST_CASES)
def test_messages_go_at_nine_local_on_both_sides_of_a_daylight_saving_change(
        personas, work, outbox, site_name, treated, first, second):
    site = getattr(personas, site_name)
    patient = treat(personas, treated, site=site,
                    physician=personas.physician_a if site == personas.site_a else personas.physician_b)
    m1 = patient.timepoints.get(code="m1")
    with time_machine.travel(first - timedelta(hours=5), tick=False):
        work()  # 04:00 local on the opening day: the ladder is planned, nothing sent
    assert _ladder_due(m1)[0] == first and _ladder_due(m1)[3] == second
    assert outbox == []
    with time_machine.travel(first - timedelta(minutes=1), tick=False):
        work()  # a minute early
    assert outbox == []
    with time_machine.travel(first, tick=False):
        work()
    assert len(outbox) == 1
    with time_machine.travel(second, tick=False):
        work()
    assert len(outbox) == 2


def test_a_worker_running_at_night_waits_for_the_sending_hours(personas, work, outbox):
    patient = treat(personas, date(2026, 3, 4))
    m1 = patient.timepoints.get(code="m1")
    with time_machine.travel(_at(2026, 3, 28, 8), tick=False):
        work()
    with time_machine.travel(_at(2026, 4, 1, 1, 0), tick=False):  # 03:00 in Madrid, reminder overdue
        work()
    assert len(outbox) == 1  # only the invitation, which went on 28 March
    reminder = m1.messages.get(ladder_day=3)
    assert reminder.status == MessageStatus.QUEUED
    assert reminder.next_attempt_at == _at(2026, 4, 1, 7)  # 09:00 Madrid summer time
    with time_machine.travel(_at(2026, 4, 1, 7, 0), tick=False):
        work()
    assert len(outbox) == 2


def test_a_window_opened_in_the_evening_invites_next_morning(personas, work, outbox):
    patient = treat(personas, date(2026, 3, 4))
    m1 = patient.timepoints.get(code="m1")
    with time_machine.travel(_at(2026, 3, 28, 20, 30), tick=False):  # 21:30 in Madrid
        work()
    assert outbox == []
    assert _ladder_due(m1)[0] == _at(2026, 3, 29, 7)  # Sunday 09:00, summer time since 02:00


@pytest.mark.parametrize("treated, window", [
    (date(2026, 1, 31), (date(2026, 2, 21), date(2026, 2, 28), date(2026, 3, 21))),
    (date(2028, 1, 31), (date(2028, 2, 22), date(2028, 2, 29), date(2028, 3, 21))),
])
def test_one_month_after_31_january_is_the_end_of_february(personas, treated, window):
    patient = treat(personas, treated)
    m1 = patient.timepoints.get(code="m1")
    assert (m1.opens_on, m1.target_on, m1.closes_on) == window
