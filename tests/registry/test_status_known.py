"""Up to when the surgery status is known (recorded, shown), and edits that would put a
patient's record out of order are refused with the record they conflict with."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from tests.registry.postdata import msc_post

from disctrack.registry.actions import (
    do_record_event,
    do_record_surgery_status_known,
    do_record_treatment,
    do_update_episode,
    do_update_treatment,
)
from disctrack.registry.models import AuditEntry, Event, Treatment

pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
def frozen():
    with time_machine.travel("2026-11-10 10:00:00+00:00", tick=False):
        yield


def _url(patient, episode=None) -> str:
    return reverse("surgery-status-record", args=[(episode or patient.episodes.get()).id])


def _surgery(physician, performed_on=date(2026, 7, 10)) -> dict:
    return {"kind": "fusion", "role": "subsequent_surgery", "performed_on": performed_on,
            "levels": ["L4-L5"], "physician": physician, "fusion_approach": "TLIF",
            "reason": "persistent pain"}


def test_the_date_is_stored_and_audited_with_how_it_is_known(patient, personas):
    episode = patient.episodes.get()
    do_record_surgery_status_known(personas.coordinator, episode, known_on=date(2026, 9, 1),
                                   reason="seen in clinic")
    episode.refresh_from_db()
    assert episode.surgery_status_known_on == date(2026, 9, 1)
    entry = AuditEntry.objects.get(model="registry.Episode", action="update")
    assert entry.changes == {"surgery_status_known_on": [None, "2026-09-01"]}
    assert entry.reason == "seen in clinic"


@pytest.mark.parametrize("known_on,message", [
    (date(2026, 11, 30), "The date the surgery status was known cannot be in the future"),
    (date(2026, 1, 31), "The surgery status cannot be known before the index treatment "
                        "(Intradiscal culture-expanded MSC on 2026-02-01)"),
])
def test_a_date_in_the_future_or_before_the_treatment_is_refused(patient, personas, known_on, message):
    with pytest.raises(ValidationError) as refused:
        do_record_surgery_status_known(personas.coordinator, patient.episodes.get(), known_on=known_on)
    assert refused.value.message_dict == {"surgery_status_known_on": [message]}
    assert patient.episodes.get().surgery_status_known_on is None


def test_replacing_a_recorded_date_needs_a_reason(patient, personas):
    episode = patient.episodes.get()
    do_record_surgery_status_known(personas.coordinator, episode, known_on=date(2026, 9, 1))
    with pytest.raises(ValidationError) as refused:
        do_record_surgery_status_known(personas.coordinator, episode, known_on=date(2026, 8, 1))
    assert refused.value.message_dict == {
        "reason": ["Say why the date recorded before (2026-09-01) is being changed"]}


def test_the_episode_correction_cannot_set_it_around_the_checks(patient, personas):
    with pytest.raises(ValidationError) as refused:
        do_update_episode(personas.coordinator, patient.episodes.get(),
                          {"surgery_status_known_on": date(2025, 1, 1)}, reason="x")
    assert "surgery_status_known_on" in refused.value.message_dict


def test_the_form_records_it_and_the_page_shows_it_with_its_source(client_for, personas, patient):
    client = client_for(personas.coordinator)
    page = client.get(reverse("patient-detail", args=[patient.registry_id])).content.decode()
    assert "Surgery status known up to 2026-02-01 (the index treatment)" in page
    assert f'href="{_url(patient)}"' in page
    response = client.post(_url(patient), {"surgery_status_known_on": "2026-10-20",
                                           "reason": "clinic visit"})
    assert response.status_code == 302
    page = client.get(reverse("patient-detail", args=[patient.registry_id])).content.decode()
    assert "Surgery status known up to 2026-10-20 (recorded by staff or an import)" in page


def test_the_form_names_a_refused_date_on_its_field(client_for, personas, patient):
    response = client_for(personas.coordinator).post(_url(patient), {"surgery_status_known_on": "2026-01-15"})
    assert response.status_code == 400
    assert ("The surgery status cannot be known before the index treatment "
            "(Intradiscal culture-expanded MSC on 2026-02-01)") in response.content.decode()
    assert patient.episodes.get().surgery_status_known_on is None


def test_a_read_only_member_sees_the_date_without_the_link(client_for, personas, patient):
    page = client_for(personas.readonly).get(reverse("patient-detail", args=[patient.registry_id]))
    assert "Surgery status known up to 2026-02-01" in page.content.decode()
    assert _url(patient) not in page.content.decode()
    assert client_for(personas.readonly).post(_url(patient), {"surgery_status_known_on": "2026-03-01"}).status_code == 403
    assert client_for(personas.outsider).get(_url(patient)).status_code == 404


def test_moving_the_index_treatment_after_its_subsequent_surgery_is_refused(client_for, personas, patient):
    do_record_treatment(personas.coordinator, patient.episodes.get(), _surgery(personas.physician_a))
    index = Treatment.objects.get(role="index")
    data = msc_post(personas.physician_a, performed_on="2026-08-01", change_reason="date mistyped")
    response = client_for(personas.coordinator).post(reverse("treatment-edit", args=[index.id]), data)
    assert response.status_code == 400
    assert ("The index treatment cannot be dated after the subsequent surgery (Lumbar fusion on "
            "2026-07-10) recorded for this episode; correct that record first") in response.content.decode()
    index.refresh_from_db()
    assert index.performed_on == date(2026, 2, 1)


def test_moving_the_index_treatment_after_a_recorded_death_is_refused(patient, personas):
    do_record_event(personas.coordinator, patient.episodes.get(), kind="death", occurred_on=date(2026, 6, 1))
    index = Treatment.objects.get(role="index")
    with pytest.raises(ValidationError) as refused:
        do_update_treatment(personas.coordinator, index, {"performed_on": date(2026, 6, 15)}, reason="x")
    assert refused.value.message_dict["performed_on"] == [
        "The index treatment cannot be dated after the death recorded on 2026-06-01 recorded for "
        "this episode; correct that record first"]


def test_a_subsequent_surgery_before_the_index_or_in_the_future_is_refused(patient, personas):
    episode = patient.episodes.get()
    with pytest.raises(ValidationError) as early:
        do_record_treatment(personas.coordinator, episode, _surgery(personas.physician_a, date(2026, 1, 20)))
    assert early.value.message_dict["performed_on"] == [
        "The subsequent surgery cannot be dated before the index treatment "
        "(Intradiscal culture-expanded MSC on 2026-02-01)"]
    with pytest.raises(ValidationError) as future:
        do_record_treatment(personas.coordinator, episode, _surgery(personas.physician_a, date(2026, 12, 1)))
    assert future.value.message_dict["performed_on"] == [
        "The subsequent surgery cannot be dated in the future; record it once it is done"]
    assert Treatment.objects.count() == 1


def test_an_event_before_the_index_treatment_is_refused(patient, personas):
    with pytest.raises(ValidationError) as refused:
        do_record_event(personas.coordinator, patient.episodes.get(), kind="death", occurred_on=date(2026, 1, 25))
    assert refused.value.message_dict == {"occurred_on": [
        "Death cannot be dated before the index treatment (Intradiscal culture-expanded MSC on 2026-02-01)"]}
    assert not Event.objects.exists()


def test_each_episode_records_its_own_date(client_for, personas, patient):
    current = patient.episodes.get()
    earlier = patient.episodes.get()
    earlier.pk = None
    earlier.diagnosed_on = date(2024, 3, 1)
    earlier.save()
    do_record_treatment(personas.coordinator, earlier, {**_surgery(personas.physician_a, date(2024, 4, 2)),
                                                       "role": "index", "reason": ""})
    client = client_for(personas.coordinator)
    page = client.get(reverse("patient-detail", args=[patient.registry_id])).content.decode()
    assert f'href="{_url(patient, current)}"' in page and f'href="{_url(patient, earlier)}"' in page
    form = client.get(_url(patient, earlier)).content.decode()
    assert "For the episode diagnosed 2024-03-01." in form
    response = client.post(_url(patient, earlier), {"surgery_status_known_on": "2025-06-01"})
    assert response.status_code == 302
    earlier.refresh_from_db()
    current.refresh_from_db()
    assert (earlier.surgery_status_known_on, current.surgery_status_known_on) == (date(2025, 6, 1), None)
