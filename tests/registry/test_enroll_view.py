"""Enrolling a patient from the web form."""

from __future__ import annotations

from django.urls import reverse
from tests.registry.postdata import enroll_post

from disctrack.registry.models import AuditEntry, Patient

URL = "/patients/enroll/"


def test_the_url_name_other_apps_use():
    assert reverse("patient-enroll") == URL


def test_enrolling_stores_the_patient_and_opens_its_page(client_for, personas):
    response = client_for(personas.coordinator).post(URL, enroll_post(personas.site_a))
    patient = Patient.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("patient-detail", args=[patient.registry_id])
    assert (patient.site, patient.language, patient.enrolled_by) == (
        personas.site_a, "es", personas.coordinator)
    assert patient.identity.medical_record_number == "MRN-0001"
    episode = patient.episodes.get()
    assert (episode.leg_pain, episode.other_analgesics) == (False, True)
    assert episode.comorbidities == ["hypertension"]
    imaging = {row.level: row for row in episode.imaging.all()}
    assert (imaging["L4-L5"].pfirrmann_grade, imaging["L4-L5"].modic) == (4, 1)
    assert imaging["L4-L5"].annular_fissure and not imaging["L5-S1"].annular_fissure
    assert AuditEntry.objects.filter(registry_id=patient.registry_id, action="create").count() == 5


def test_imaging_of_levels_not_chosen_is_not_kept(client_for, personas):
    data = enroll_post(personas.site_a, **{"episode-levels": ["L5-S1"],
                                           "imaging-L3-L4-pfirrmann_grade": "2"})
    client_for(personas.coordinator).post(URL, data)
    episode = Patient.objects.get().episodes.get()
    assert list(episode.imaging.values_list("level", flat=True)) == ["L5-S1"]


def test_every_chosen_level_needs_its_pfirrmann_grade(client_for, personas):
    data = enroll_post(personas.site_a, **{"imaging-L5-S1-pfirrmann_grade": ""})
    response = client_for(personas.coordinator).post(URL, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'href="#id_imaging-L5-S1-pfirrmann_grade"' in page
    assert "Pfirrmann grade at L5-S1" in page
    assert not Patient.objects.exists()


def test_bad_fields_are_named_in_the_error_summary_and_nothing_is_stored(client_for, personas):
    data = enroll_post(personas.site_a, **{
        "identity-email": "not-an-address", "identity-mobile_phone": "600123456",
        "episode-height_cm": "400", "episode-leg_pain": ""})
    response = client_for(personas.coordinator).post(URL, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert '<a href="#id_identity-email">E-mail</a>: Enter a valid email address.' in page
    assert '<a href="#id_identity-mobile_phone">Mobile phone</a>' in page
    assert '<a href="#id_episode-height_cm">Height (cm)</a>' in page
    assert '<a href="#id_episode-leg_pain_0">Leg pain radiating below the knee</a>' in page
    assert not Patient.objects.exists()
    assert not AuditEntry.objects.exclude(registry_id="").exists()


def test_a_future_diagnosis_is_refused_on_the_field(client_for, personas):
    data = enroll_post(personas.site_a, **{"episode-diagnosed_on": "2999-01-01"})
    response = client_for(personas.coordinator).post(URL, data)
    assert response.status_code == 400
    assert "The diagnosis cannot be in the future" in response.content.decode()
    assert not Patient.objects.exists()


def test_the_site_is_chosen_among_the_users_write_sites(client_for, personas):
    page = client_for(personas.coordinator).get(URL).content.decode()
    assert "Clinic A" in page and "Clinic B" not in page


def test_an_outsider_cannot_enroll_at_another_site(client_for, personas):
    response = client_for(personas.outsider).post(URL, enroll_post(personas.site_a))
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Patient.objects.exists()


def test_read_only_roles_cannot_enroll(client_for, personas):
    for user in (personas.readonly, personas.analyst):
        client = client_for(user)
        assert client.get(URL).status_code == 403
        assert client.post(URL, enroll_post(personas.site_a)).status_code == 403
    assert not Patient.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
