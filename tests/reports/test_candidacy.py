"""Candidacy on the patient page: how patients like this one did, or why that is not shown."""

from __future__ import annotations

import pandas as pd
import pytest
from django.urls import reverse

from disctrack.outcomes import load_definitions
from disctrack.reports.candidacy import Fit
from disctrack.reports.views import candidacy as candidacy_view

CANNOT = "The registry cannot yet say more than each treatment&#x27;s average for patients like this one."


def url(patient) -> str:
    return reverse("candidacy", args=[patient.registry_id])


def text(response) -> str:
    return " ".join(response.content.decode().split())


def test_outsiders_get_404_and_anonymous_visitors_log_in(client, client_for, cohort, personas):
    assert client.get(url(cohort[0])).status_code == 302
    assert client_for(personas.outsider).get(url(cohort[0])).status_code == 404


def test_a_small_registry_says_once_that_it_cannot_say_more_than_the_averages(client_for, cohort, personas):
    response = client_for(personas.analyst).get(url(cohort[0]), {"fragment": "1"})
    assert response.status_code == 200
    fragment = text(response)
    assert "<html" not in fragment, "a fragment for the patient page to include"
    assert "Outcomes of patients like this one" in fragment
    assert "Of patients like you" not in fragment and "no estimate" not in fragment
    said = fragment.count(CANNOT) + fragment.count("Not available:")
    assert said == 1, "the page says once why there is no estimate, not in every row"


def performance(rows: list[dict]) -> pd.DataFrame:
    base = {"n": 0, "n_required": None, "c_statistic": float("nan"), "calibration_slope": float("nan"),
            "min_c_statistic": 0.7, "slope_low": 0.8, "slope_high": 1.2}
    return pd.DataFrame([{**base, **r} for r in rows])


class Fitted:
    """A fitted result as the page reads it: fusion shown, MSC too small for a model."""

    definitions = load_definitions()
    performance = performance([
        {"treatment": "fusion", "n": 820, "n_required": 603, "c_statistic": 0.78, "calibration_slope": 0.97,
         "shown": True, "reason_code": ""},
        {"treatment": "msc", "n": 40, "n_required": 602, "shown": False, "reason_code": "too_few"},
        {"treatment": "prp", "n": 700, "n_required": 603, "c_statistic": 0.61, "calibration_slope": 0.9,
         "shown": False, "reason_code": "weak_discrimination"},
    ])

    def predict(self, case_mix, names, patient_id=None):
        assert case_mix["baseline_odi"] == 50 and case_mix["age"] == 44
        assert names["msc"] == "culture-expanded MSC" and names["fusion"] == "lumbar fusion"
        assert patient_id is not None, "a registry patient is predicted without their own outcome"
        average = {"estimate": 0.45, "ci_low": 0.3, "ci_high": 0.6}
        return {"fusion": {"probability": 0.62, "interval": [0.41, 0.79], "n_similar": 37, "model_shown": True,
                           "average": average, "withheld_reason": ""},
                "msc": {"probability": None, "interval": None, "n_similar": 0, "model_shown": False,
                        "average": average},
                "prp": {"probability": None, "interval": None, "n_similar": 0, "model_shown": False,
                        "average": {"estimate": 0.5, "ci_low": 0.44, "ci_high": 0.56}}}


def test_an_estimate_reads_in_tenths_and_the_others_show_their_average(client_for, cohort, personas, monkeypatch):
    monkeypatch.setattr(candidacy_view, "fitted_model", lambda site_ids: Fit(Fitted(), ""))
    page = text(client_for(personas.coordinator).get(url(cohort[0])))
    assert "<html" in page, "without ?fragment=1 a page of its own"
    assert ("Of patients like you, about <strong>6 in 10</strong> did well with <strong>lumbar fusion</strong>"
            " (plausible range 4 to 8 in 10); based on 37 similar patients.") in page
    assert "For the other treatments the registry cannot yet say more than the treatment" in page
    assert "45% (30–60%)" in page and "50% (44–56%)" in page
    assert "too few patients for a model that does not overfit (40 of the 602 needed)" in page
    assert "the model could not tell these patients apart (c-statistic 0.61, at least 0.70 needed)" in page
    assert "no estimate" not in page


def test_the_patient_page_loads_the_candidacy_fragment_and_links_its_page(client_for, cohort, personas):
    patient = cohort[0]
    page = client_for(personas.coordinator).get(reverse("patient-detail", args=[patient.registry_id]))
    assert page.status_code == 200
    assert f'data-src="{url(patient)}?fragment=1"' in page.content.decode()
    assert f'<a href="{url(patient)}">Open on its own page</a>' in page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_request_never_waits_for_the_models_it_gets_them_when_they_are_fitted(
        client_for, cohort, personas, settings, monkeypatch):
    """Fitting takes tens of seconds for a network: with background work on (the web's
    default) the first request is answered at once with 202 and a note, the models are
    fitted in a thread, and the next request shows them."""
    import threading

    from disctrack.reports import candidacy

    settings.REPORTS_IN_BACKGROUND = True
    release = threading.Event()
    real_fit = candidacy._fit
    monkeypatch.setattr(candidacy, "_fit", lambda *args: release.wait(30) and real_fit(*args))
    candidacy._latest.clear()
    client = client_for(personas.coordinator)
    first = client.get(url(cohort[0]), {"fragment": "1"})
    assert first.status_code == 202 and first["Retry-After"] == "5"
    assert "The models are being fitted from the registry" in text(first)
    release.set()
    for _ in range(300):
        if candidacy._latest:
            break
        threading.Event().wait(0.1)
    second = client.get(url(cohort[0]), {"fragment": "1"})
    assert second.status_code == 200 and "being fitted" not in text(second)
