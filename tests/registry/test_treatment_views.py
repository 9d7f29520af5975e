"""Recording a treatment, and correcting one with a reason."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from tests.conftest import enrollment_data
from tests.registry.postdata import msc_post

from disctrack.registry.actions import do_enroll_patient
from disctrack.registry.models import AuditEntry, Treatment


@pytest.fixture
def enrolled(personas):
    """A patient at site A with no treatment yet."""
    return do_enroll_patient(personas.coordinator, personas.site_a, **enrollment_data())


def _record_url(patient) -> str:
    return reverse("treatment-record", args=[patient.registry_id])


def test_the_url_names_other_apps_use(patient):
    treatment = patient.episodes.get().treatments.get()
    assert _record_url(patient) == f"/patients/{patient.registry_id}/treatments/new/"
    assert reverse("treatment-edit", args=[treatment.id]) == f"/treatments/{treatment.id}/edit/"


def test_the_first_treatment_is_the_index_and_lays_out_follow_up(client_for, personas, enrolled):
    response = client_for(personas.clinician).post(_record_url(enrolled), msc_post(personas.physician_a))
    assert response.status_code == 302
    assert response["Location"] == reverse("patient-detail", args=[enrolled.registry_id])
    treatment = Treatment.objects.get()
    assert (treatment.role, treatment.kind, treatment.msc_count_million) == ("index", "msc", 23.0)
    assert enrolled.timepoints.filter(code="baseline", target_on=date(2026, 2, 1)).exists()
    assert AuditEntry.objects.filter(model="registry.Treatment", action="create").count() == 1


def test_the_form_shows_fieldsets_per_kind_and_works_without_script(client_for, personas, enrolled):
    page = client_for(personas.coordinator).get(_record_url(enrolled)).content.decode()
    assert '<fieldset data-kinds="bmc msc other_biologic prp">' in page
    assert '<fieldset data-kinds="fusion">' in page
    assert '<fieldset data-kinds="conservative">' in page
    assert 'name="role"' not in page  # the first treatment is always the index


def test_values_of_another_kinds_fieldset_are_not_kept(client_for, personas, enrolled):
    data = msc_post(personas.physician_a, fusion_approach="TLIF", sessions="12", components=["cbt"])
    client_for(personas.coordinator).post(_record_url(enrolled), data)
    treatment = Treatment.objects.get()
    assert (treatment.fusion_approach, treatment.sessions, treatment.components) == ("", None, [])


def test_a_missing_dose_is_named_and_nothing_is_stored(client_for, personas, enrolled):
    data = msc_post(personas.physician_a, msc_count_million="")
    response = client_for(personas.coordinator).post(_record_url(enrolled), data)
    assert response.status_code == 400
    assert ('<a href="#id_msc_count_million">MSC dose (million cells per level)</a>: '
            "Record the MSC dose for culture-expanded cells") in response.content.decode()
    assert not Treatment.objects.exists()
    assert not enrolled.timepoints.exists()


def test_a_fusion_needs_its_approach(client_for, personas, enrolled):
    data = {"kind": "fusion", "performed_on": "2026-02-01", "levels": ["L4-L5"],
            "physician": personas.physician_a.pk}
    response = client_for(personas.coordinator).post(_record_url(enrolled), data)
    assert response.status_code == 400
    assert '<a href="#id_fusion_approach">Fusion approach</a>: Choose the fusion approach' in response.content.decode()


def test_a_treatment_before_the_diagnosis_is_refused_on_its_date(client_for, personas, enrolled):
    data = msc_post(personas.physician_a, performed_on="2025-12-01")
    response = client_for(personas.coordinator).post(_record_url(enrolled), data)
    assert response.status_code == 400
    assert "A treatment cannot precede the episode&#x27;s diagnosis" in response.content.decode()
    assert not Treatment.objects.exists()


def test_another_sites_physician_is_not_offered(client_for, personas, enrolled):
    response = client_for(personas.coordinator).post(
        _record_url(enrolled), msc_post(personas.physician_b))
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_a_later_surgery_asks_why(client_for, personas, patient):
    client = client_for(personas.clinician)
    page = client.get(_record_url(patient) + "?role=subsequent_surgery").content.decode()
    assert '<option value="subsequent_surgery" selected>' in page
    data = {"kind": "fusion", "role": "subsequent_surgery", "performed_on": "2026-09-01",
            "levels": ["L4-L5"], "physician": personas.physician_a.pk, "fusion_approach": "TLIF"}
    response = client.post(_record_url(patient), data)
    assert response.status_code == 400
    assert "Say why the subsequent surgery was done" in response.content.decode()
    data["reason"] = "persistent pain after the injection"
    assert client.post(_record_url(patient), data).status_code == 302
    surgery = Treatment.objects.get(kind="fusion")
    assert (surgery.role, surgery.reason) == ("subsequent_surgery", "persistent pain after the injection")


def test_correcting_the_date_reschedules_pending_time_points(client_for, personas, patient):
    treatment = patient.episodes.get().treatments.get()
    url = reverse("treatment-edit", args=[treatment.id])
    client = client_for(personas.coordinator)
    page = client.get(url).content.decode()
    assert "Changing the date moves the 9 pending follow-up time points" in page
    data = msc_post(personas.physician_a, performed_on="2026-02-15", change_reason="date mistyped")
    response = client.post(url, data, follow=True)
    assert "pending follow-up time points were rescheduled" in response.content.decode()
    assert patient.timepoints.get(code="m3").target_on == date(2026, 5, 15)
    entry = AuditEntry.objects.get(model="registry.Treatment", action="update")
    assert entry.changes == {"performed_on": ["2026-02-01", "2026-02-15"]}
    assert entry.reason == "date mistyped"


def test_a_correction_without_a_reason_is_refused(client_for, personas, patient):
    treatment = patient.episodes.get().treatments.get()
    url = reverse("treatment-edit", args=[treatment.id])
    response = client_for(personas.coordinator).post(url, msc_post(personas.physician_a, msc_count_million="40"))
    assert response.status_code == 400
    assert '<a href="#id_change_reason">Reason for the change</a>: This field is required.' in response.content.decode()
    treatment.refresh_from_db()
    assert treatment.msc_count_million == 23.0
