"""The public outcomes page and JSON: aggregates only, never a count from 1 to 10."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.urls import reverse
from tests.reports.helpers import answer, enroll_treated
from tests.reports.public_checks import assert_no_small_counts, counts_in_html


@pytest.fixture
def registry(personas):
    """At site A: 24 fusions (half answered at 12 months, all improved) and 12 conservative
    (all answered, improved too little); at site B: 3 MSC treated recently."""
    who = personas.coordinator
    start = date(2024, 3, 4)
    for i in range(24):
        patient = enroll_treated(who, personas.site_a, personas.physician_a,
                                 performed_on=start + timedelta(days=7 * i), kind="fusion")
        answer(who, patient, "baseline", odi=56)
        if i % 2:
            answer(who, patient, "m12", odi=20 + 2 * (i % 5))
    for i in range(12):
        patient = enroll_treated(who, personas.site_a, personas.physician_a,
                                 performed_on=start + timedelta(days=14 * i), kind="conservative")
        answer(who, patient, "baseline", odi=40)
        answer(who, patient, "m12", odi=30)
    for i in range(3):
        patient = enroll_treated(personas.outsider, personas.site_b, personas.physician_b,
                                 performed_on=date(2026, 5, 4) + timedelta(days=7 * i))
        answer(personas.outsider, patient, "baseline", odi=48)


def test_anonymous_visitors_land_on_the_public_page(client, db):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == reverse("public-outcomes")


def test_public_page_explains_each_treatment_with_completeness_and_methods(client, registry):
    response = client.get(reverse("public-outcomes"))
    assert response.status_code == 200
    page = " ".join(response.content.decode().split())
    fusion = page.split('id="t-fusion"')[1].split("</section>")[0]
    assert 'People treated: <data class="count" value="24">24</data>' in fusion
    m12, m24 = fusion.split("After 12 months")[1].split("After 24 months")
    assert "did well (likely between" in m12
    assert ('Based on <data class="count" value="24">24</data> people whose 12 months questionnaire was due; '
            '<data class="count" value="12">12</data> answered (50%)') in m12
    assert "Not shown: too few people" in m24, "3 of the 24 are still within their 24-month window"
    biologic = page.split('id="t-biologic"')[1].split("</section>")[0]
    assert "did well" not in biologic.replace("Did well", "") and "withheld" in biologic
    assert "How we count" in page and "Definitions version v2" in page
    sites = page.split('id="sites-public"')[1].split("</section>")[0]
    assert "Clinic A" in sites
    clinic_b = sites.split("Clinic B")[1].split("</tr>")[0]
    assert "withheld" in clinic_b, "3 people treated at Clinic B"


def test_no_count_from_1_to_10_is_shown_or_derivable(client, registry):
    html = client.get(reverse("public-outcomes")).content.decode()
    shown = counts_in_html(html)
    assert 24 in shown and not [n for n in shown if 0 < n < 11]
    summary = json.loads(client.get(reverse("public-outcomes-json")).content)
    assert_no_small_counts(summary)
    assert summary["registry"]["n_patients"] is None, "the total minus the classes shown would give the others"
    assert summary["suppression"]["min_cell"] == 11


def test_json_holds_the_page_aggregates_and_definitions(client, registry):
    response = client.get(reverse("public-outcomes-json"))
    assert response["Content-Type"] == "application/json"
    summary = json.loads(response.content)
    fusion = next(t for t in summary["treatments"] if t["group"] == "fusion")
    m12 = next(tp for tp in fusion["timepoints"] if tp["timepoint"] == "m12")
    assert (m12["n_due"], m12["n_answered"], m12["completeness"]) == (24, 12, 0.5)
    assert 0 < m12["success"]["ci_low"] < m12["success"]["ci_high"] <= 1
    assert [s["site"] for s in summary["sites"]["rows"]] == ["Clinic A", "Clinic B"]
    assert summary["sites"]["rows"][1]["n_treated"] is None
    assert summary["sites"]["rows"][0]["n_due"] == 36, "the classes' 24 + 12 due: listing it reveals nothing"
    assert summary["audit"]["passed"] and summary["audit"]["failures"] == 0
    assert summary["definitions"]["version"] == "v2" and "30 percent" in summary["definitions"]["success"]
    text = json.dumps(summary)
    assert "Dr. Alba Ruiz" not in text and "Synthetic" not in text

