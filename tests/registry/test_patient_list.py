"""The patient list: search, filters, pagination, identity only where the role allows."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from tests.conftest import enrollment_data, msc_treatment_data

from disctrack.registry.actions import do_enroll_patient, do_record_event, do_record_treatment

URL = "/patients/"


def _enroll(personas, site, given: str, family: str, mrn: str, **episode):
    data = enrollment_data(**episode)
    data["identity"].update(given_name=given, family_name=family, medical_record_number=mrn)
    return do_enroll_patient(personas.coordinator if site == personas.site_a else personas.outsider,
                             site, **data)


@pytest.fixture
def cohort(personas, patient):
    """The fixture's MSC patient (Ana Synthetic), a fusion patient, one lost, one at site B."""
    fused = _enroll(personas, personas.site_a, "Bruno", "Fictional", "MRN-0002")
    do_record_treatment(personas.coordinator, fused.episodes.get(), {
        "kind": "fusion", "performed_on": date(2026, 2, 10), "levels": ["L4-L5"],
        "physician": personas.physician_a, "fusion_approach": "TLIF", "instrumented": True})
    lost = _enroll(personas, personas.site_a, "Clara", "Imaginary", "MRN-0003")
    do_record_event(personas.coordinator, lost.episodes.get(), kind="lost_to_follow_up",
                    occurred_on=date(2026, 3, 1))
    elsewhere = _enroll(personas, personas.site_b, "Dora", "Otherside", "MRN-0004")
    return {"msc": patient, "fusion": fused, "lost": lost, "site_b": elsewhere}


def _ids(response) -> set[str]:
    return {p.registry_id for p in response.context["page"].object_list}


def test_the_url_name_other_apps_use():
    assert reverse("patient-list") == URL


def test_staff_see_their_sites_patients_only(client_for, personas, cohort):
    response = client_for(personas.coordinator).get(URL)
    assert response.status_code == 200
    assert _ids(response) == {cohort[k].registry_id for k in ("msc", "fusion", "lost")}
    assert cohort["site_b"].registry_id not in response.content.decode()


def test_search_by_registry_id_as_read_over_the_phone(client_for, personas, cohort):
    registry_id = cohort["fusion"].registry_id
    typed = registry_id.removeprefix("DT-").replace("-", " ").lower()
    response = client_for(personas.analyst).get(URL, {"q": typed})
    assert _ids(response) == {registry_id}


def test_search_by_name_and_record_number(client_for, personas, cohort):
    client = client_for(personas.coordinator)
    assert _ids(client.get(URL, {"q": "bruno fictional"})) == {cohort["fusion"].registry_id}
    assert _ids(client.get(URL, {"q": "mrn-0003"})) == {cohort["lost"].registry_id}
    assert _ids(client.get(URL, {"q": "Otherside"})) == set()


def test_search_ignores_accents_case_and_the_comma_of_the_list_s_own_form(client_for, personas, cohort):
    """Typed on a keyboard without accents, or copied from the list ("López, Marta")."""
    marta = _enroll(personas, personas.site_a, "Marta", "López", "MRN-0005")
    client = client_for(personas.coordinator)
    for typed in ("Lopez", "lópez", "LOPEZ", "López, Marta", "marta lopez", "lopez,marta"):
        assert _ids(client.get(URL, {"q": typed})) == {marta.registry_id}, typed
    from disctrack.registry.actions import do_update_identity

    do_update_identity(personas.coordinator, marta, {"family_name": "Muñoz"}, "married name")
    assert _ids(client.get(URL, {"q": "munoz marta"})) == {marta.registry_id}
    assert _ids(client.get(URL, {"q": "lopez"})) == set()


def test_an_analyst_cannot_find_patients_by_name_or_see_names(client_for, personas, cohort):
    client = client_for(personas.analyst)
    assert _ids(client.get(URL, {"q": "Fictional"})) == set()
    assert _ids(client.get(URL, {"q": "MRN-0002"})) == set()
    page = client.get(URL).content.decode()
    for identifying in ("Synthetic", "Fictional", "MRN-0001", "Name</th>"):
        assert identifying not in page


def test_filters_by_treatment_kind_status_and_site(client_for, personas, cohort):
    client = client_for(personas.coordinator)
    assert _ids(client.get(URL, {"kind": "fusion"})) == {cohort["fusion"].registry_id}
    assert _ids(client.get(URL, {"status": "lost"})) == {cohort["lost"].registry_id}
    assert len(_ids(client.get(URL, {"site": personas.site_a.pk}))) == 3


def test_a_site_the_user_does_not_belong_to_is_a_form_error(client_for, personas, cohort):
    response = client_for(personas.coordinator).get(URL, {"site": personas.site_b.pk})
    assert _ids(response) == set()
    assert "Select a valid choice" in response.content.decode()


def test_rows_show_index_treatment_next_time_point_and_status(client_for, personas, cohort):
    page = client_for(personas.coordinator).get(URL).content.decode()
    assert "Intradiscal culture-expanded MSC" in page
    assert "Lumbar fusion" in page
    assert "Lost to follow-up" in page
    assert "none yet" in page  # the lost patient was never treated


def test_the_list_is_paginated_with_filters_kept(client_for, personas, patient):
    for number in range(55):
        _enroll(personas, personas.site_a, "Test", f"Person{number}", f"MRN-9{number:03}")
    client = client_for(personas.coordinator)
    first = client.get(URL, {"status": "active"})
    assert len(first.context["page"].object_list) == 50
    assert 'href="?status=active&amp;page=2"' in first.content.decode()
    second = client.get(URL, {"status": "active", "page": 2})
    assert len(second.context["page"].object_list) == 6
    unfiltered = client.get(URL, {"page": 2})
    assert not unfiltered.context["filtered"]
    assert len(unfiltered.context["page"].object_list) == 6


def test_one_page_costs_the_same_queries_whatever_its_length(client_for, personas, cohort,
                                                             django_assert_max_num_queries):
    client = client_for(personas.coordinator)
    client.get(URL)  # warm the session
    with django_assert_max_num_queries(9) as few:  # session, user, roles, count, page, sites, session save
        client.get(URL)
    for number in range(20):
        extra = _enroll(personas, personas.site_a, "Test", f"Person{number}", f"MRN-8{number:03}")
        do_record_treatment(personas.coordinator, extra.episodes.get(),
                            msc_treatment_data(personas.physician_a))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(URL)


def test_an_outsider_sees_none_of_site_a(client_for, personas, cohort):
    response = client_for(personas.outsider).get(URL, {"q": cohort["msc"].registry_id})
    assert _ids(response) == set()
