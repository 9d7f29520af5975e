"""Report pages never wait for a computation they can avoid: stale-while-computing.

The analysis is replaced by a cheap stand-in; what is tested is which report a page gets,
that one computation per report runs at a time, and what a visitor sees meanwhile.
"""

from __future__ import annotations

import threading

import pytest
from django.urls import reverse
from django.utils import timezone

from disctrack.registry.models import AuditEntry
from disctrack.reports import service
from disctrack.reports.models import ReportComputation
from disctrack.reports.service import ReportPending, Selection, get_report

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def fake_analysis(monkeypatch):
    """compute_payload stand-in counting its calls; threads started are collected to join."""
    calls = []
    threads: list[threading.Thread] = []
    gate = threading.Event()  # a background computation finishes only when the test joins it

    def compute_payload(selection, **kwargs):
        if threading.current_thread() is not threading.main_thread():
            gate.wait(timeout=30)
        calls.append(selection)
        return {"report": {"number": len(calls)}, "figures": {}, "figures_png": {}, "seconds": 0.0}

    def in_background(scope, compute):
        thread = real_in_background(scope, compute)
        if thread:
            threads.append(thread)
        return thread

    real_in_background = service.in_background
    monkeypatch.setattr(service, "compute_payload", compute_payload)
    monkeypatch.setattr(service, "in_background", in_background)

    def join():
        gate.set()
        for thread in threads:
            thread.join(timeout=60)
        return len(threads)

    return calls, join


def record_a_change(site):
    AuditEntry.objects.create(at=timezone.now(), actor="test", action="update", model="Patient",
                              object_id="1", site=site)


def test_the_first_report_is_computed_in_the_background_and_then_served(personas, fake_analysis):
    calls, join = fake_analysis
    selection = Selection.of([personas.site_a.id])
    with pytest.raises(ReportPending):
        get_report(selection, background=True)
    assert join() == 1
    payload = get_report(selection, background=True)
    assert payload["report"] == {"number": 1}
    assert payload["freshness"]["current"] is True
    assert len(calls) == 1, "a stored report is not computed again"


def test_after_a_change_the_old_report_is_served_while_the_new_one_is_computed(personas, fake_analysis):
    calls, join = fake_analysis
    selection = Selection.of([personas.site_a.id])
    get_report(selection, background=False)
    record_a_change(personas.site_a)
    stale = get_report(selection, background=True)
    assert stale["report"] == {"number": 1} and stale["freshness"]["current"] is False
    join()
    fresh = get_report(selection, background=True)
    assert fresh["report"] == {"number": 2} and fresh["freshness"]["current"] is True


def test_a_change_at_another_site_leaves_the_report_current(personas, fake_analysis):
    calls, _ = fake_analysis
    selection = Selection.of([personas.site_a.id])
    get_report(selection, background=False)
    record_a_change(personas.site_b)
    assert get_report(selection, background=True)["freshness"]["current"] is True
    assert len(calls) == 1


def test_one_computation_per_report_at_a_time_and_a_failure_is_reported(personas):
    release = threading.Event()
    first = service.in_background("scope-x", lambda: release.wait(30))
    assert first is not None
    assert service.in_background("scope-x", lambda: None) is None, "the lease is held"
    release.set()
    first.join(timeout=30)

    def broken():
        raise ValueError("no treated patients")

    service.in_background("scope-x", broken).join(timeout=30)
    computation = ReportComputation.objects.get(scope="scope-x")
    assert computation.running_since is None
    assert computation.last_error == "ValueError: no treated patients"


def test_a_lease_left_by_a_killed_process_expires(personas):
    ReportComputation.objects.create(scope="scope-y", running_since=timezone.now() - service.COMPUTATION_LEASE * 2)
    thread = service.in_background("scope-y", lambda: None)
    assert thread is not None
    thread.join(timeout=30)


def test_public_page_and_json_say_the_report_is_being_computed(client, personas, settings, fake_analysis):
    settings.REPORTS_IN_BACKGROUND = True
    _, join = fake_analysis
    page = client.get(reverse("public-outcomes"))
    assert page.status_code == 503 and page["Retry-After"] == "15"
    assert "The outcome report is being computed" in page.content.decode()
    assert '<meta http-equiv="refresh" content="15">' in page.content.decode()
    join()
    ReportComputation.objects.update(last_error="ValueError: boom")
    ReportComputation.objects.update(running_since=timezone.now())  # still at it
    service.ReportSnapshot.objects.all().delete()
    answer = client.get(reverse("public-outcomes-json"))
    assert answer.status_code == 503
    assert answer.json() == {"status": "computing", "retry_after": 15, "last_error": "ValueError: boom"}


def test_staff_report_page_while_computing(client_for, personas, settings, fake_analysis):
    settings.REPORTS_IN_BACKGROUND = True
    _, join = fake_analysis
    page = client_for(personas.analyst).get(reverse("reports-overview"))
    join()
    assert page.status_code == 503
    assert "reloads itself" in page.content.decode()


def test_an_out_of_date_report_says_so_and_when_it_was_computed():
    from django.template.loader import render_to_string

    stale = render_to_string("reports/_freshness.html", {
        "freshness": {"current": False, "computed_at": "2026-11-24T16:23:02+00:00"}})
    assert "computed 2026-11-24 16:23 UTC" in " ".join(stale.split())
    assert "current figures are being computed" in stale
    current = render_to_string("reports/_freshness.html", {
        "freshness": {"current": True, "computed_at": "2026-11-24T16:23:02+00:00"}})
    assert current.strip() == ""
