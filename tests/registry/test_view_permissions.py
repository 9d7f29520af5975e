"""Every patient page: another site's patient is a 404, a write without the role a 403.

The database is checked afterwards: a refused request writes nothing (every write audits).
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from tests.registry.postdata import complication_post, msc_post

from disctrack.registry.actions import do_record_complication
from disctrack.registry.models import AuditEntry, Complication, Event, Treatment
from disctrack.surveys.models import SurveyLink


@pytest.fixture
def records(patient, personas):
    episode = patient.episodes.get()
    treatment = episode.treatments.get()
    complication = do_record_complication(
        personas.coordinator, episode, complication_post(occurred_on=treatment.performed_on))
    return {
        "registry_id": patient.registry_id, "episode": episode.id, "treatment": treatment.id,
        "complication": complication.id,
        "timepoint": patient.timepoints.get(code="baseline").id,
        "physician": personas.physician_a,
    }


# (URL name, keys of its arguments, what a POST sends)
WRITES = [
    ("treatment-record", ["registry_id"], lambda r: msc_post(r["physician"], performed_on="2026-06-01")),
    ("treatment-edit", ["treatment"], lambda r: msc_post(r["physician"], change_reason="x")),
    ("complication-record", ["registry_id"], lambda r: complication_post()),
    ("complication-adjudicate", ["complication"], lambda r: {
        "status": "confirmed", "adjudication_note": "x", "category": "other", "severity": "mild",
        "relatedness": "possible"}),
    ("event-record", ["registry_id"], lambda r: {"kind": "lost_to_follow_up", "occurred_on": "2026-03-01"}),
    ("identity-edit", ["registry_id"], lambda r: {"given_name": "Changed", "reason": "x"}),
    ("episode-edit", ["episode"], lambda r: {"weight_kg": "90", "reason": "x"}),
    ("imaging-edit", ["episode"], lambda r: {"imaging-L4-L5-pfirrmann_grade": "5", "reason": "x"}),
    ("contact-preferences", ["registry_id"], lambda r: {"email_opt_out": "on", "language": "es"}),
    ("timepoint-link", ["registry_id", "timepoint"], lambda r: {}),
    ("surgery-status-record", ["episode"], lambda r: {"surgery_status_known_on": "2026-03-01"}),
]
READS = [("patient-detail", ["registry_id"]), ("patient-audit", ["registry_id"])]
POST_ONLY = {"timepoint-link"}
GET_ONLY = {name for name, _ in READS}


def _url(records, name, keys) -> str:
    return reverse(name, args=[records[key] for key in keys])


def _state() -> tuple:
    return (AuditEntry.objects.count(), Treatment.objects.count(), Complication.objects.count(),
            Event.objects.count(), SurveyLink.objects.count())


@pytest.mark.parametrize("name,keys", [(n, k) for n, k, _ in WRITES] + READS)
def test_another_sites_patient_is_not_found_on_every_page(client_for, personas, records, name, keys):
    client = client_for(personas.outsider)
    before = _state()
    if name not in POST_ONLY:
        assert client.get(_url(records, name, keys)).status_code == 404
    if name not in GET_ONLY:
        assert client.post(_url(records, name, keys), {}).status_code == 404
    assert _state() == before


@pytest.mark.parametrize("role", ["readonly", "analyst"])
@pytest.mark.parametrize("name,keys,post", WRITES)
def test_roles_without_write_get_403_on_every_write(client_for, personas, records, role, name, keys, post):
    client = client_for(getattr(personas, role))
    before = _state()
    if name not in POST_ONLY:
        assert client.get(_url(records, name, keys)).status_code == 403
    assert client.post(_url(records, name, keys), post(records)).status_code == 403
    assert _state() == before


@pytest.mark.parametrize("role", ["readonly", "analyst"])
def test_roles_without_write_still_read_the_patient(client_for, personas, records, role):
    assert client_for(getattr(personas, role)).get(
        reverse("patient-detail", args=[records["registry_id"]])).status_code == 200


@pytest.mark.parametrize("name,keys", [(n, k) for n, k, _ in WRITES] + READS)
def test_anonymous_visitors_are_sent_to_log_in(client, records, name, keys):
    before = _state()
    response = client.post(_url(records, name, keys), {})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert _state() == before


def test_an_unknown_patient_is_not_found_like_a_hidden_one(client_for, personas, records):
    assert client_for(personas.coordinator).get(
        reverse("patient-detail", args=["DT-ZZZZ-ZZZZ"])).status_code == 404
