"""The staff report page: who may see it, what it shows, and nothing of other sites."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from tests.conftest import PASSWORD
from tests.reports.helpers import answer, enroll_treated

from disctrack.registry.actions import do_add_physician, do_create_staff
from disctrack.reports.models import ReportSnapshot

URL = reverse("reports-overview")


def test_anonymous_visitors_are_sent_to_log_in(client, cohort):
    response = client.get(URL)
    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.parametrize("role", ["analyst", "readonly", "coordinator", "clinician"])
def test_every_role_at_the_site_sees_the_report(client_for, cohort, personas, role):
    response = client_for(getattr(personas, role)).get(URL, {"site": "site-a"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Outcome report" in page and "Definitions used" in page
    assert "Composite success: ODI improved by at least 30 percent" in page
    assert "All treated (MI)" in page and "Completers only" in page
    assert f'<a href="{URL}">Reports</a>' in page, "the staff navigation links here"


def test_analysts_see_no_identity(client_for, cohort, personas):
    page = client_for(personas.analyst).get(URL).content.decode()
    for identity in ("Synthetic", "MRN-0001", "ana.synthetic@example.test", "1980-03-14", "Elsewhere"):
        assert identity not in page


def test_staff_without_a_site_have_no_report(client_for, personas):
    newcomer = do_create_staff("system: test", username="newcomer", password=PASSWORD)
    assert client_for(newcomer).get(URL).status_code == 404


def test_another_sites_report_is_404(client_for, cohort, personas):
    client = client_for(personas.outsider)
    assert client.get(URL, {"site": "site-a"}).status_code == 404
    assert client.get(reverse("reports-pdf"), {"site": "site-a"}).status_code == 404
    assert client.get(URL, {"physician": personas.physician_a.id}).status_code == 404


def test_my_sites_only_by_default(client_for, cohort, personas):
    page = client_for(personas.outsider).get(URL).content.decode()
    assert "Clinic B" in page and "Clinic A" not in page
    assert 'value="2">2</data> patients' in page, "the two site-B patients only"


def test_filters_by_physician_treatment_and_time_point(client_for, cohort, personas):
    client = client_for(personas.coordinator)
    page = client.get(URL, {"treatment": "fusion", "timepoint": "m24"}).content.decode()
    assert "Outcomes at 24 months" in page and "treatment Lumbar fusion" in page
    assert 'value="3">3</data> patients' in page
    nobody = do_add_physician("system: test", personas.site_a, "Dr. New")
    page = client.get(URL, {"physician": nobody.id}).content.decode()
    assert "no treated patients in this selection" in page


def test_unknown_filter_values_are_refused(client_for, cohort, personas):
    client = client_for(personas.coordinator)
    assert client.get(URL, {"treatment": "homeopathy"}).status_code == 400
    assert client.get(URL, {"timepoint": "m7"}).status_code == 400
    assert client.get(URL, {"site": "nowhere"}).status_code == 404


def test_the_computed_report_is_reused_until_the_data_change(client_for, cohort, personas):
    client = client_for(personas.coordinator)
    client.get(URL)
    client.get(URL)
    assert ReportSnapshot.objects.count() == 1
    do_add_physician(personas.coordinator, personas.site_a, "Dr. Later")
    client.get(URL)
    assert ReportSnapshot.objects.count() == 2


def test_chart_labels_are_escaped(client_for, cohort, personas):
    doctor = do_add_physician("system: test", personas.site_a, "<script>alert(1)</script>")
    patient = enroll_treated(personas.coordinator, personas.site_a, doctor, performed_on=date(2025, 1, 6))
    answer(personas.coordinator, patient, "baseline", odi=50)
    answer(personas.coordinator, patient, "m12", odi=20)
    page = client_for(personas.coordinator).get(URL).content.decode()
    assert "<script>alert(1)</script>" not in page
    funnel = page[page.index('aria-label="Funnel plot of composite success by physician'):]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in funnel[:funnel.index("</svg>")]


def test_a_figure_without_answers_shows_its_reason_not_a_zero(client_for, cohort, personas):
    """Nobody answered at 1 month: every estimate there is the reason, never 0% or a dash."""
    page = client_for(personas.coordinator).get(URL, {"timepoint": "m1"}).content.decode()
    outcomes = page[page.index('id="outcomes"'):page.index('id="trajectories"')]
    fusion = outcomes[outcomes.index('<th scope="row">Lumbar fusion</th>'):]
    row = fusion[:fusion.index("</tr>")]
    assert row.count("no answers at this time point") == 4, "ODI and back pain, mean and change"
    rates = outcomes[outcomes.index('id="rates"'):]
    fusion_rate = rates[rates.index('<th scope="row">Lumbar fusion</th>'):]
    rate_row = fusion_rate[:fusion_rate.index("</tr>")]
    assert rate_row.count("no answers at this time point") == 3, "all treated, completers, IPW"
    assert rate_row.count("%") == 1 and '<td class="num">0%</td>' in rate_row, "only completeness: 0 answered"
    assert "\u2013</td>" not in rate_row


def test_the_cohort_summary_states_completeness_as_answered_of_asked(client_for, cohort, personas):
    page = " ".join(client_for(personas.coordinator).get(URL).content.decode().split())
    assert "questionnaires asked for after treatment answered" in page
