"""A site administrator chooses the site's follow-up protocol."""

from __future__ import annotations

import pytest
from django.urls import reverse


def test_the_administrator_changes_the_protocol_and_pending_points_move(personas, patient, client_for):
    client = client_for(personas.admin)
    url = reverse("site-protocol", args=["site-a"])
    assert client.get(url).status_code == 200
    response = client.post(url, {"protocol": "ichom"})
    assert response.status_code == 302
    personas.site_a.refresh_from_db()
    assert personas.site_a.protocol == "ichom"
    assert patient.timepoints.get(code="m6").protocol == "ichom"


def test_an_unknown_protocol_is_refused_on_the_form(personas, patient, client_for):
    response = client_for(personas.admin).post(reverse("site-protocol", args=["site-a"]), {"protocol": "nope"})
    personas.site_a.refresh_from_db()
    assert response.status_code == 400 and personas.site_a.protocol == "default"


@pytest.mark.parametrize("persona, status", [("coordinator", 403), ("readonly", 403), ("outsider", 404)])
def test_only_the_sites_administrator_may_change_it(personas, patient, client_for, persona, status):
    client = client_for(getattr(personas, persona))
    url = reverse("site-protocol", args=["site-a"])
    assert client.get(url).status_code == status
    assert client.post(url, {"protocol": "ichom"}).status_code == status
    personas.site_a.refresh_from_db()
    assert personas.site_a.protocol == "default"
    assert set(patient.timepoints.values_list("protocol", flat=True)) == {"default"}


def test_staff_navigation_lists_the_follow_up_pages(personas, client_for):
    response = client_for(personas.coordinator).get(reverse("worklist"))
    labels = [item["label"] for item in response.context["app_nav"]]
    assert labels[:3] == ["Worklist", "Safety alerts", "Completeness"]
