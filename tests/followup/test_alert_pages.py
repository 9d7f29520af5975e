"""The safety alert pages: the list, and a clinician's review (record or dismiss)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.urls import reverse
from tests.followup.answers import enter, month_1
from tests.followup.conftest import treat

from disctrack.followup.models import AlertStatus, SafetyAlert
from disctrack.registry.choices import AdjudicationStatus
from disctrack.registry.models import Complication


@pytest.fixture
def alert(personas):
    patient = treat(personas, date(2026, 2, 1))
    with time_machine.travel(datetime(2026, 3, 2, 10, tzinfo=UTC), tick=False):
        enter(personas.coordinator, patient.timepoints.get(code="m1"), month_1(complication_check={"fever": "yes"}))
    return SafetyAlert.objects.get()


COMPLICATION = {"action": "complication", "c-category": "discitis", "c-occurred_on": "2026-02-20",
                "c-severity": "moderate", "c-relatedness": "probable", "c-description": "fever, raised CRP"}


def test_the_list_shows_open_alerts_with_their_signals(personas, alert, client_for):
    response = client_for(personas.clinician).get(reverse("safety-alerts"))
    page = response.content.decode()
    assert response.status_code == 200 and alert.patient.registry_id in page
    assert "Have you had a fever or chills?" in page


def test_the_outsider_sees_no_alert_of_another_site(personas, alert, client_for):
    client = client_for(personas.outsider)
    assert client.get(reverse("safety-alerts"), {"site": "site-a"}).status_code == 404
    assert alert.patient.registry_id not in client.get(reverse("safety-alerts")).content.decode()
    assert client.get(reverse("safety-alert", args=[alert.pk])).status_code == 404
    assert client.post(reverse("safety-alert", args=[alert.pk]), {"action": "dismiss", "d-reason": "x"}).status_code == 404
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN


def test_a_clinician_records_the_complication_it_points_to(personas, alert, client_for):
    response = client_for(personas.clinician).post(reverse("safety-alert", args=[alert.pk]), COMPLICATION)
    assert response.status_code == 302
    alert.refresh_from_db()
    complication = Complication.objects.get()
    assert (alert.status, alert.complication, alert.resolved_by) == (
        AlertStatus.COMPLICATION, complication, personas.clinician)
    assert complication.treatment == alert.timepoint.treatment
    assert (complication.category, complication.status) == ("discitis", AdjudicationStatus.PENDING)


def test_a_clinician_dismisses_it_with_a_reason(personas, alert, client_for):
    client = client_for(personas.clinician)
    assert client.post(reverse("safety-alert", args=[alert.pk]), {"action": "dismiss"}).status_code == 400
    response = client.post(reverse("safety-alert", args=[alert.pk]),
                           {"action": "dismiss", "d-reason": "a cold; no back symptoms on the phone"})
    alert.refresh_from_db()
    assert response.status_code == 302
    assert (alert.status, alert.resolution_note) == (AlertStatus.DISMISSED, "a cold; no back symptoms on the phone")
    assert not Complication.objects.exists()


def test_a_complication_dated_before_the_treatment_is_refused_on_the_form(personas, alert, client_for):
    data = {**COMPLICATION, "c-occurred_on": "2026-01-20"}
    response = client_for(personas.clinician).post(reverse("safety-alert", args=[alert.pk]), data)
    assert response.status_code == 400 and "cannot precede the treatment" in response.content.decode()
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN and not Complication.objects.exists()


@pytest.mark.parametrize("persona", ["readonly", "coordinator"])
def test_only_clinicians_resolve_alerts(personas, alert, client_for, persona):
    client = client_for(getattr(personas, persona))
    page = client.get(reverse("safety-alert", args=[alert.pk]))
    assert page.status_code == 200 and "Record the complication" not in page.content.decode()
    assert client.post(reverse("safety-alert", args=[alert.pk]), COMPLICATION).status_code == 403
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN and not Complication.objects.exists()


def test_a_resolved_alert_is_listed_under_its_status(personas, alert, client_for):
    client = client_for(personas.clinician)
    client.post(reverse("safety-alert", args=[alert.pk]), {"action": "dismiss", "d-reason": "no"})
    assert alert.patient.registry_id not in client.get(reverse("safety-alerts")).content.decode()
    dismissed = client.get(reverse("safety-alerts"), {"status": "dismissed"})
    assert alert.patient.registry_id in dismissed.content.decode()
