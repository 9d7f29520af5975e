"""Candidacy on the patient page: how patients like this one did, or why that is not shown."""

from __future__ import annotations

from django.urls import reverse

from disctrack.reports.views import candidacy as candidacy_view


def url(patient) -> str:
    return reverse("candidacy", args=[patient.registry_id])


def test_outsiders_get_404_and_anonymous_visitors_log_in(client, client_for, cohort, personas):
    assert client.get(url(cohort[0])).status_code == 302
    assert client_for(personas.outsider).get(url(cohort[0])).status_code == 404


def test_too_few_similar_patients_withholds_each_estimate_with_its_reason(client_for, cohort, personas):
    response = client_for(personas.analyst).get(url(cohort[0]), {"fragment": "1"})
    assert response.status_code == 200
    fragment = response.content.decode()
    assert "<html" not in fragment, "a fragment for the patient page to include"
    assert "Outcomes of patients like this one" in fragment
    assert "no estimate" in fragment and "Of patients like you" not in fragment
    assert "too few registry patients treated with culture-expanded MSC" in fragment


def test_an_estimate_reads_in_tenths_with_its_range(client_for, cohort, personas, monkeypatch):
    class Fitted:
        def predict(self, case_mix, names):
            assert case_mix["baseline_odi"] == 50 and case_mix["age"] == 44
            assert names["msc"] == "culture-expanded MSC" and names["fusion"] == "lumbar fusion"
            return {"fusion": {"probability": 0.62, "interval": [0.41, 0.79], "n_similar": 37},
                    "msc": {"probability": None, "interval": None, "n_similar": 4,
                            "withheld_reason": "only 4 similar patients treated with msc"}}

    monkeypatch.setattr(candidacy_view, "fitted_model", lambda site_ids: (Fitted(), ""))
    page = client_for(personas.coordinator).get(url(cohort[0])).content.decode()
    assert "<html" in page, "without ?fragment=1 a page of its own"
    assert ("Of patients like you, about <strong>6 in 10</strong> did well with <strong>lumbar fusion</strong>"
            " (plausible range 4 to 8 in 10); based on 37 similar patients.") in " ".join(page.split())
    assert "only 4 similar patients treated with msc" in page


def test_the_patient_page_loads_the_candidacy_fragment_and_links_its_page(client_for, cohort, personas):
    patient = cohort[0]
    page = client_for(personas.coordinator).get(reverse("patient-detail", args=[patient.registry_id]))
    assert page.status_code == 200
    assert f'data-src="{url(patient)}?fragment=1"' in page.content.decode()
    assert f'<a href="{url(patient)}">Open on its own page</a>' in page.content.decode()
