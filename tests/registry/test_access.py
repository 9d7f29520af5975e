"""Access functions: another site's record is a 404, a missing role a 403."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from disctrack.registry.access import (
    ADJUDICATE,
    IDENTITY,
    MANAGE,
    READ,
    WRITE,
    access_complication,
    access_episode,
    access_patient,
    access_treatment,
    site_ids,
    visible_patients,
)
from disctrack.registry.actions import do_record_complication


@pytest.fixture
def records(patient, personas):
    episode = patient.episodes.get()
    complication = do_record_complication(personas.coordinator, episode, {
        "category": "post_injection_flare", "occurred_on": episode.treatments.get().performed_on,
        "severity": "mild", "relatedness": "probable"})
    return {
        "patient": (access_patient, patient.registry_id),
        "episode": (access_episode, episode.id),
        "treatment": (access_treatment, episode.treatments.get().id),
        "complication": (access_complication, complication.id),
    }


@pytest.mark.parametrize("kind", ["patient", "episode", "treatment", "complication"])
def test_another_sites_record_is_not_found_whatever_the_need(records, personas, kind):
    access, key = records[kind]
    for need in (READ, WRITE):
        with pytest.raises(Http404):
            access(personas.outsider, key, need)


@pytest.mark.parametrize("kind", ["patient", "episode", "treatment", "complication"])
def test_an_unknown_id_is_not_found_like_a_hidden_one(records, personas, kind):
    access, key = records[kind]
    missing = "DT-XXXX-XXXX" if isinstance(key, str) else key + 1000
    with pytest.raises(Http404):
        access(personas.coordinator, missing)


@pytest.mark.parametrize("kind", ["patient", "episode", "treatment", "complication"])
def test_read_only_and_analyst_may_read_but_not_write(records, personas, kind):
    access, key = records[kind]
    for user in (personas.readonly, personas.analyst):
        assert access(user, key, READ) is not None
        with pytest.raises(PermissionDenied):
            access(user, key, WRITE)


def test_roles_decide_identity_adjudication_and_management(records, personas):
    _, registry_id = records["patient"]
    expected = {
        "coordinator": {IDENTITY},
        "clinician": {IDENTITY, ADJUDICATE},
        "analyst": set(),
        "readonly": {IDENTITY},
        "admin": {IDENTITY, ADJUDICATE, MANAGE},
    }
    for name, allowed in expected.items():
        user = getattr(personas, name)
        for need in (IDENTITY, ADJUDICATE, MANAGE):
            if need in allowed:
                access_patient(user, registry_id, need)
            else:
                with pytest.raises(PermissionDenied):
                    access_patient(user, registry_id, need)


def test_visible_patients_are_those_of_the_users_sites(patient, personas):
    assert list(visible_patients(personas.analyst)) == [patient]
    assert not visible_patients(personas.outsider).exists()
    assert site_ids(personas.outsider) == [personas.site_b.id]


def test_an_inactive_user_reaches_nothing(patient, personas):
    personas.coordinator.is_active = False
    with pytest.raises(Http404):
        access_patient(personas.coordinator, patient.registry_id)
