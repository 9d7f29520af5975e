"""No list page's query count grows with the rows it shows: each is a fixed number of queries
for a page, whatever the registry holds (a network holds 100,000 patients and more)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from tests.followup.conftest import treat

from disctrack.registry.actions import do_record_complication

TODAY = date(2026, 3, 25)
LIST_PAGES = [("patient-list", {}), ("patient-list", {"q": "Synthetic"}),
              ("patient-list", {"kind": "msc", "status": "active"}), ("audit-log", {}),
              ("completeness", {}), ("worklist", {}), ("safety-alerts", {})]


def _add_patients(personas, count: int, start: int) -> None:
    for number in range(start, start + count):
        patient = treat(personas, TODAY - timedelta(days=40 + number), family_name="Synthetic",
                        medical_record_number=f"MRN-Q{number}")
        do_record_complication(personas.coordinator, patient.episodes.get(), {
            "category": "discitis", "severity": "severe", "relatedness": "probable", "occurred_on": TODAY - timedelta(days=30),
            "description": "Flare after the injection"})


def _queries(client, name: str, params: dict) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(name), params)
    assert response.status_code == 200, name
    return len(queries)


@pytest.mark.parametrize(("name", "params"), LIST_PAGES)
def test_a_list_page_makes_the_same_queries_for_two_patients_and_for_eight(personas, client_for, name, params):
    client = client_for(personas.admin)
    with time_machine.travel(f"{TODAY.isoformat()} 10:00:00+00:00", tick=False):
        _add_patients(personas, 2, 0)
        client.get(reverse(name), params)  # the session's renewal is not the page's
        few = _queries(client, name, params)
        _add_patients(personas, 6, 2)
        many = _queries(client, name, params)
    assert many == few
