"""Two browsers sending the same questionnaire at once: exactly one set of answers is kept."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from tests.surveys.helpers import BASELINE

from disctrack.registry.models import TimePointStatus
from disctrack.surveys.actions import LinkUnusable, do_enter_response, do_save_draft, do_submit_link
from disctrack.surveys.models import Response


def race(*calls):
    """Run the calls at the same moment, each in its own thread and connection."""
    start = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        start.wait()
        try:
            outcomes[index] = call()
        except Exception as exc:  # the loser's error is the outcome under test
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.fixture
def drafted_link(transactional_db, survey_link):
    link, _ = survey_link
    for instrument, answers in BASELINE.items():
        do_save_draft(link, instrument, answers)
    return link


@pytest.mark.postgres
def test_a_double_submit_keeps_one_set_of_answers(drafted_link):
    outcomes = race(lambda: do_submit_link(drafted_link), lambda: do_submit_link(drafted_link))
    assert sum(isinstance(o, list) for o in outcomes) == 1
    assert [o.reason for o in outcomes if isinstance(o, LinkUnusable)] == ["submitted"]
    assert Response.objects.filter(timepoint=drafted_link.timepoint).count() == len(BASELINE)


@pytest.mark.postgres
def test_staff_entry_and_the_patient_racing_keep_one_answer(drafted_link, personas):
    outcomes = race(
        lambda: do_submit_link(drafted_link),
        lambda: do_enter_response(personas.coordinator, drafted_link.timepoint, BASELINE, channel="phone"),
    )
    assert sum(isinstance(o, list) for o in outcomes) == 1
    timepoint = drafted_link.timepoint
    timepoint.refresh_from_db()
    assert timepoint.status == TimePointStatus.ANSWERED
    assert Response.objects.filter(timepoint=timepoint).count() == len(BASELINE)
