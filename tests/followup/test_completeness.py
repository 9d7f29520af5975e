"""Completeness: invited, answered by channel, missed, withdrawn, dead, and the response rate."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pandas as pd
import pytest
import time_machine
from django.urls import reverse
from tests.followup.answers import MONTH_1, enter, enter_baseline
from tests.followup.conftest import treat

from disctrack.followup.completeness import by_month, by_timepoint, response_rate, timepoint_state
from disctrack.registry.actions import do_record_event

TODAY = datetime(2026, 3, 25, 10, tzinfo=UTC)


def _at(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def cohort(personas, work):
    """Four patients treated on 1 February 2026: one answers, one is missed, one withdraws, one dies."""
    answers, missed, withdraws, dies = (
        treat(personas, date(2026, 2, 1), email=f"p{i}@example.test", medical_record_number=f"MRN-{i}")
        for i in range(4))
    with time_machine.travel(_at(2026, 1, 25, 10), tick=False):
        enter_baseline(personas.coordinator, answers)
    with time_machine.travel(_at(2026, 2, 22, 9), tick=False):
        work()
    with time_machine.travel(_at(2026, 2, 24, 9), tick=False):
        do_record_event(personas.coordinator, withdraws.episodes.get(), kind="withdrawal",
                        occurred_on=date(2026, 2, 24), reason="no longer wishes to take part")
        do_record_event(personas.coordinator, dies.episodes.get(), kind="death", occurred_on=date(2026, 2, 24))
    with time_machine.travel(_at(2026, 3, 2, 10), tick=False):
        enter(personas.coordinator, answers.timepoints.get(code="m1"), MONTH_1, channel="phone")
    with time_machine.travel(TODAY, tick=False):
        work()
    return answers, missed, withdraws, dies


@pytest.fixture
def today():
    with time_machine.travel(TODAY, tick=False):
        yield


def _states(patients, code: str, on: date) -> list[str]:
    from disctrack.registry.models import TimePoint

    states = dict(TimePoint.objects.filter(code=code).annotate(state=timepoint_state(on))
                  .values_list("patient_id", "state"))
    return [states[patient.id] for patient in patients]


def test_each_time_point_has_one_state_as_of_a_date(personas, cohort, today):
    """m1's window (about 15 February to 15 March) has closed by 25 March: answered, missed
    (no answer), and the withdrawal and death of 24 February, before it closed, take the
    other two out; m3 has not opened."""
    assert _states(cohort, "m1", TODAY.date()) == ["answered", "missed", "withdrawn", "dead"]
    assert _states(cohort, "m3", TODAY.date()) == ["upcoming", "upcoming", "withdrawn", "dead"]
    m3 = cohort[0].timepoints.get(code="m3")
    assert _states(cohort[:2], "m3", m3.opens_on) == ["open", "open"]
    assert _states(cohort[:2], "m3", m3.closes_on) == ["open", "open"]
    # The day after its window closes, an unanswered pending time point is missed, even
    # before the worker closes it.
    from datetime import timedelta
    assert _states(cohort[:2], "m3", m3.closes_on + timedelta(days=1)) == ["missed", "missed"]


def test_per_time_point_counts_and_the_response_rate(personas, cohort, today):
    table = by_timepoint().set_index("timepoint")
    m1 = table.loc["m1"]
    assert (m1["invited"], m1["answered"], m1["phone"], m1["missed"], m1["withdrawn"], m1["dead"]) == (4, 1, 1, 1, 1, 1)
    assert m1["response_rate"] == 0.5  # 1 of 2 settled: the withdrawn and the dead are outside
    baseline = table.loc["baseline"]
    assert (baseline["answered"], baseline["clinic"], baseline["missed"], baseline["invited"]) == (1, 1, 3, 0)
    assert pd.isna(table.loc["m3", "response_rate"])  # nothing settled yet


def test_the_response_rate_by_month_of_the_target_date(personas, cohort, today):
    months = by_month().set_index("month")
    assert months.loc["2026-02", ["answered", "missed", "open"]].tolist() == [1, 3, 0]
    assert months.loc["2026-03", ["answered", "missed", "response_rate"]].tolist() == [1, 1, 0.5]


def test_an_empty_registry_gives_empty_tables(db):
    assert by_timepoint().empty and by_month().empty


def test_the_page_shows_each_time_point_and_month(personas, cohort, client_for, today):
    response = client_for(personas.analyst).get(reverse("completeness"))
    page = response.content.decode()
    assert response.status_code == 200 and "Clinic A" in page and "1 month" in page and "50%" in page
    assert "2026-03" in page


def test_the_outsider_sees_only_their_own_site(personas, cohort, client_for, today):
    client = client_for(personas.outsider)
    assert client.get(reverse("completeness"), {"site": "site-a"}).status_code == 404
    page = client.get(reverse("completeness")).content.decode()
    assert "Clinic B" in page and "Clinic A" not in page and "No treated patients yet" in page


def test_the_response_rate_leaves_nothing_settled_as_unknown():
    assert list(response_rate([3, 0], [1, 0])[:1]) == [0.75] and pd.isna(response_rate([0], [0])[0])
