"""Corrections of identity, episode and imaging carry a reason; contact preferences."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from tests.registry.postdata import episode_post

from disctrack.registry.models import AuditEntry, PatientIdentity

IDENTITY = {
    "given_name": "Ana", "family_name": "Synthetica", "date_of_birth": "1980-03-14",
    "sex": "female", "medical_record_number": "MRN-0001", "email": "ana.synthetic@example.test",
    "mobile_phone": "+34600123456", "postal_code": "28001",
}


def _identity_url(patient) -> str:
    return reverse("identity-edit", args=[patient.registry_id])


def test_the_url_names_other_apps_use(patient):
    episode = patient.episodes.get()
    assert _identity_url(patient) == f"/patients/{patient.registry_id}/identity/"
    assert reverse("episode-edit", args=[episode.id]) == f"/episodes/{episode.id}/edit/"
    assert reverse("contact-preferences", args=[patient.registry_id]) == (
        f"/patients/{patient.registry_id}/contact/")


def test_identity_is_corrected_with_the_reason_in_the_audit_trail(client_for, personas, patient):
    response = client_for(personas.coordinator).post(
        _identity_url(patient), {**IDENTITY, "reason": "spelling on the referral letter"})
    assert response.status_code == 302
    assert PatientIdentity.objects.get().family_name == "Synthetica"
    entry = AuditEntry.objects.get(model="registry.PatientIdentity", action="update")
    assert entry.changes == {"family_name": ["Synthetic", "Synthetica"]}
    assert entry.reason == "spelling on the referral letter"


def test_identity_correction_needs_a_reason_and_valid_fields(client_for, personas, patient):
    data = {**IDENTITY, "email": "nope", "reason": ""}
    response = client_for(personas.coordinator).post(_identity_url(patient), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert '<a href="#id_reason">Reason for the change</a>: This field is required.' in page
    assert '<a href="#id_email">E-mail</a>: Enter a valid email address.' in page
    assert PatientIdentity.objects.get().family_name == "Synthetic"
    assert "Ana Synthetic" in page  # the header shows the stored name, not the typed one


def test_episode_correction_with_reason(client_for, personas, patient):
    episode = patient.episodes.get()
    url = reverse("episode-edit", args=[episode.id])
    response = client_for(personas.clinician).post(url, episode_post(**{"weight_kg": "81"}))
    assert response.status_code == 302
    assert response["Location"] == reverse("patient-detail", args=[patient.registry_id])
    episode.refresh_from_db()
    assert episode.weight_kg == 81.0
    entry = AuditEntry.objects.get(model="registry.Episode", action="update")
    assert entry.changes == {"weight_kg": [78.0, 81.0]}


def test_changing_the_levels_leads_to_the_imaging(client_for, personas, patient):
    episode = patient.episodes.get()
    client = client_for(personas.clinician)
    response = client.post(reverse("episode-edit", args=[episode.id]), episode_post(levels=["L3-L4", "L4-L5"]))
    imaging_url = reverse("imaging-edit", args=[episode.id])
    assert response["Location"] == imaging_url
    page = client.get(imaging_url).content.decode()
    assert "The findings at L5-S1, no longer a painful level, will be removed." in page
    data = {"imaging-L3-L4-pfirrmann_grade": "2", "imaging-L3-L4-modic": "0",
            "imaging-L4-L5-pfirrmann_grade": "4", "imaging-L4-L5-modic": "1",
            "imaging-L4-L5-high_intensity_zone": "on", "reason": "levels corrected"}
    assert client.post(imaging_url, data).status_code == 302
    rows = {row.level: row for row in episode.imaging.all()}
    assert set(rows) == {"L3-L4", "L4-L5"}
    assert rows["L4-L5"].high_intensity_zone and not rows["L4-L5"].annular_fissure
    actions = sorted(AuditEntry.objects.filter(model="registry.LevelImaging")
                     .exclude(action="create", reason="").values_list("action", flat=True))
    assert actions == ["create", "delete", "update"]


def test_imaging_needs_every_grade_and_a_reason(client_for, personas, patient):
    episode = patient.episodes.get()
    data = {"imaging-L4-L5-pfirrmann_grade": "", "imaging-L4-L5-modic": "0",
            "imaging-L5-S1-pfirrmann_grade": "3", "imaging-L5-S1-modic": "0", "reason": ""}
    response = client_for(personas.clinician).post(reverse("imaging-edit", args=[episode.id]), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert '<a href="#id_imaging-L4-L5-pfirrmann_grade">Pfirrmann grade at L4-L5</a>' in page
    assert '<a href="#id_reason">Reason for the change</a>' in page
    assert episode.imaging.get(level="L4-L5").pfirrmann_grade == 4


def test_the_diagnosis_cannot_move_past_the_treatment(client_for, personas, patient):
    episode = patient.episodes.get()
    response = client_for(personas.clinician).post(
        reverse("episode-edit", args=[episode.id]), episode_post(diagnosed_on="2026-03-01"))
    assert response.status_code == 400
    assert "The diagnosis cannot follow the first treatment (2026-02-01)" in response.content.decode()
    episode.refresh_from_db()
    assert episode.diagnosed_on == date(2026, 1, 5)


def test_contact_preferences_opt_out_and_language(client_for, personas, patient):
    url = reverse("contact-preferences", args=[patient.registry_id])
    data = {"email_opt_out": "on", "language": "es", "reason": "asked by telephone"}
    response = client_for(personas.coordinator).post(url, data)
    assert response.status_code == 302
    patient.refresh_from_db()
    assert (patient.email_opt_out, patient.sms_opt_out, patient.language) == (True, False, "es")
    entry = AuditEntry.objects.get(model="registry.Patient", action="update")
    assert entry.changes == {"email_opt_out": [False, True], "language": ["en", "es"]}
    assert entry.reason == "asked by telephone"


def test_an_unknown_language_is_refused(client_for, personas, patient):
    url = reverse("contact-preferences", args=[patient.registry_id])
    response = client_for(personas.coordinator).post(url, {"language": "xx"})
    assert response.status_code == 400
    patient.refresh_from_db()
    assert patient.language == "en"
