"""The audit pages: administrators only, filtered by user, record type and date."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse
from tests.conftest import enrollment_data

from disctrack.registry.actions import do_enroll_patient, do_update_identity


def _patient_audit(patient) -> str:
    return reverse("patient-audit", args=[patient.registry_id])


def test_the_url_names_other_apps_use(patient):
    assert _patient_audit(patient) == f"/patients/{patient.registry_id}/audit/"
    assert reverse("audit-log") == "/audit/"


def test_an_administrator_reads_a_patients_trail_with_old_and_new_values(client_for, personas, patient):
    with time_machine.travel("2026-03-10 10:00:00+00:00", tick=False):
        do_update_identity(personas.coordinator, patient, {"family_name": "Synthetica"}, "spelling")
    response = client_for(personas.admin).get(_patient_audit(patient))
    assert response.status_code == 200
    page = response.content.decode()
    assert "<strong>family_name</strong>: Synthetic → Synthetica" in page
    assert "2026-03-10 11:00:00 CET" in page  # shown in the site's time
    assert "spelling" in page


@pytest.mark.parametrize("role", ["coordinator", "clinician", "analyst", "readonly"])
def test_only_administrators_read_the_trail(client_for, personas, patient, role):
    client = client_for(getattr(personas, role))
    assert client.get(_patient_audit(patient)).status_code == 403
    assert client.get(reverse("audit-log")).status_code == 403


def test_the_site_log_filters_by_user_record_type_and_date(client_for, personas, patient):
    with time_machine.travel("2026-03-10 10:00:00+00:00", tick=False):
        do_update_identity(personas.clinician, patient, {"postal_code": "28002"}, "moved house")
    client = client_for(personas.admin)
    by_user = client.get(reverse("audit-log"), {"user": "clinician"}).context["page"].object_list
    assert [entry.reason for entry in by_user] == ["moved house"]
    by_model = client.get(reverse("audit-log"), {"model": "registry.Treatment"}).context["page"]
    assert {entry.model for entry in by_model} == {"registry.Treatment"}
    # Madrid's 10 March runs from 09 March 23:00 UTC.
    by_day = client.get(reverse("audit-log"), {"date_from": "2026-03-10", "date_to": "2026-03-10"})
    assert [entry.reason for entry in by_day.context["page"].object_list] == ["moved house"]
    assert "Dates in Europe/Madrid." in by_day.content.decode()


def test_time_points_audited_before_they_moved_to_the_registry_are_found_as_time_points(
        client_for, personas, patient):
    from disctrack.registry.models import AuditEntry

    m1 = patient.timepoints.get(code="m1")
    old = AuditEntry.objects.create(at=patient.enrolled_at, actor="system: follow-up worker", action="update",
                                    model="followup.TimePoint", object_id=str(m1.pk),
                                    registry_id=patient.registry_id, site=personas.site_a,
                                    changes={"status": ["pending", "missed"]}, reason="written by 0.1")
    response = client_for(personas.admin).get(reverse("audit-log"), {"model": "registry.TimePoint"})
    found = list(response.context["page"].object_list)
    assert old in found and {entry.model for entry in found} == {"registry.TimePoint", "followup.TimePoint"}
    choices = [value for value, _ in response.context["form"].fields["model"].choices]
    assert "registry.TimePoint" in choices and "followup.TimePoint" not in choices


def test_an_inverted_date_range_is_named(client_for, personas, patient):
    response = client_for(personas.admin).get(
        reverse("audit-log"), {"date_from": "2026-03-10", "date_to": "2026-03-01"})
    assert '<a href="#id_date_to">To</a>: The end date is before the start date' in response.content.decode()
    assert not response.context["page"].object_list


def test_the_site_log_shows_no_other_sites_entries(client_for, personas, patient):
    elsewhere = do_enroll_patient(personas.outsider, personas.site_b, **enrollment_data())
    page = client_for(personas.admin).get(reverse("audit-log")).content.decode()
    assert patient.registry_id in page
    assert elsewhere.registry_id not in page


def test_administrators_find_the_audit_log_once_in_the_navigation(client_for, personas, patient):
    page = client_for(personas.admin).get(reverse("patient-list")).content.decode()
    assert page.count(f'href="{reverse("audit-log")}"') == 1
    page = client_for(personas.coordinator).get(reverse("patient-list")).content.decode()
    assert reverse("audit-log") not in page


def test_the_navigation_provider_offers_the_audit_log_to_administrators(rf, personas):
    from disctrack.registry.views.navigation import navigation

    request = rf.get("/")
    request.user = personas.admin
    assert navigation(request) == {"app_nav": [{"url": "/staff/", "label": "Staff"},
                                               {"url": "/audit/", "label": "Audit log"}]}
    request.user = personas.coordinator
    assert navigation(request) == {}


def test_a_trail_longer_than_the_pages_reach_says_so_and_offers_the_filters(client_for, personas, patient,
                                                                            monkeypatch):
    """A network's trail holds millions of entries: the page counts only as far as its pages
    reach (the newest CAP) and says so, instead of counting the whole trail."""
    from disctrack.core import paging

    monkeypatch.setattr(paging.CappedPaginator, "cap", 3)
    from disctrack.registry.models import AuditEntry

    assert AuditEntry.objects.filter(site=personas.site_a).count() > 3
    page = client_for(personas.admin).get(reverse("audit-log"), {"page": 99})
    assert page.context["page"].paginator.count == 3
    assert "the newest 3 only; filter to reach older ones" in page.content.decode()
    filtered = client_for(personas.admin).get(reverse("audit-log"), {"model": "registry.Patient"})
    assert "filter to reach older ones" not in filtered.content.decode()


def test_the_record_types_are_named_for_people(client_for, personas, patient):
    response = client_for(personas.admin).get(reverse("audit-log"))
    choices = dict(response.context["form"].fields["model"].choices)
    assert choices["registry.Complication"] == "Complication"
    assert choices["auth.User"] == "User"
