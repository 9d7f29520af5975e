"""The patient page: identity where allowed, case-mix, treatments, follow-up, charts, timeline."""

from __future__ import annotations

from datetime import date, timedelta

import time_machine
from django.urls import reverse
from tests.registry.postdata import complete_answers

from disctrack.registry.actions import (
    do_adjudicate_complication,
    do_record_complication,
    do_record_event,
)
from disctrack.surveys.actions import do_enter_response


def _url(patient) -> str:
    return reverse("patient-detail", args=[patient.registry_id])


def _answer(patient, code: str, personas, **scores):
    timepoint = patient.timepoints.get(code=code)
    with time_machine.travel(timepoint.target_on + timedelta(days=1), tick=False):
        do_enter_response(personas.coordinator, timepoint, complete_answers(timepoint.instruments, **scores),
                          channel="paper")


def test_the_url_name_other_apps_use(patient):
    assert _url(patient) == f"/patients/{patient.registry_id}/"


def test_staff_see_identity_case_mix_imaging_and_treatment_details(client_for, personas, patient):
    response = client_for(personas.coordinator).get(_url(patient))
    assert response.status_code == 200
    page = response.content.decode()
    for shown in ("Ana Synthetic", "MRN-0001", "1980-03-14", "ana.synthetic@example.test",
                  "26.4 kg/m²",  # 78 kg at 172 cm
                  "High blood pressure", "L4-L5, L5-S1", "<td>IV</td>", "Type 1",
                  "Intradiscal culture-expanded MSC", "MSC dose (million cells per level)",
                  "<dd>23</dd>", "Fluoroscopy", "Dr. Alba Ruiz"):
        assert shown in page, shown


def test_an_analyst_never_sees_identity(client_for, personas, patient):
    page = client_for(personas.analyst).get(_url(patient)).content.decode()
    assert patient.registry_id in page
    for identifying in ("Synthetic", "MRN-0001", "1980-03-14", "ana.synthetic@example.test",
                        "+34600123456", "28001"):
        assert identifying not in page, identifying
    assert "Identity</h2>" not in page


def test_read_only_members_see_no_write_actions(client_for, personas, patient):
    page = client_for(personas.readonly).get(_url(patient)).content.decode()
    assert "Ana Synthetic" in page
    for action in ("Record a treatment", "Create survey link", "Correct identity", "Report a complication"):
        assert action not in page


@time_machine.travel("2026-05-04 09:00:00+00:00", tick=False)
def test_time_points_show_what_their_status_means_today(client_for, personas, patient):
    _answer(patient, "baseline", personas)
    page = client_for(personas.coordinator).get(_url(patient)).content.decode()
    rows = {tp.label: tp.state_label
            for tp in client_for(personas.coordinator).get(_url(patient)).context["timepoints"]}
    assert rows["Baseline"] == "Answered"
    assert rows["1 month"] == "Window closed"  # closed 2026-03-22, not yet marked missed
    assert rows["3 months"] == "Overdue"  # due 2026-05-01, open until 2026-05-31
    assert rows["6 months"] == "Upcoming"
    assert "2026-02-02 01:00 CET" in page  # answered at midnight UTC, shown in Madrid time


@time_machine.travel("2026-01-20 09:00:00+00:00", tick=False)
def test_only_time_points_with_an_open_window_offer_a_survey_link(client_for, personas, patient):
    response = client_for(personas.coordinator).get(_url(patient))
    offered = [tp.code for tp in response.context["timepoints"] if tp.can_link]
    assert offered == ["baseline"]  # 1 month opens on 2026-02-22


@time_machine.travel("2026-01-20 09:00:00+00:00", tick=False)
def test_creating_a_survey_link_shows_it_once_and_keeps_only_its_hash(client_for, personas, patient):
    baseline = patient.timepoints.get(code="baseline")
    url = reverse("timepoint-link", args=[patient.registry_id, baseline.id])
    response = client_for(personas.coordinator).post(url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    link = baseline.links.get()
    token = response.context["url"].rstrip("/").rsplit("/", 1)[-1]
    assert response.context["url"] == f"http://testserver{reverse('survey-start', args=[token])}"
    assert token in response.content.decode()
    assert token not in link.token_hash
    assert link.created_by == personas.coordinator
    assert link.expires_at.date() == date(2026, 3, 6)  # 45 days
    follow = client_for(personas.coordinator).get(_url(patient)).content.decode()
    assert token not in follow
    assert "link open until 2026-03-06" in follow


@time_machine.travel("2026-05-04 09:00:00+00:00", tick=False)
def test_a_link_for_an_answered_time_point_is_refused_with_a_message(client_for, personas, patient):
    _answer(patient, "baseline", personas)
    baseline = patient.timepoints.get(code="baseline")
    url = reverse("timepoint-link", args=[patient.registry_id, baseline.id])
    response = client_for(personas.coordinator).post(url, follow=True)
    assert "The Baseline questionnaire is answered" in response.content.decode()
    assert not baseline.links.exists()


@time_machine.travel("2026-01-20 09:00:00+00:00", tick=False)
def test_no_link_is_made_before_a_time_points_window_opens(client_for, personas, patient):
    m6 = patient.timepoints.get(code="m6")
    url = reverse("timepoint-link", args=[patient.registry_id, m6.id])
    response = client_for(personas.coordinator).post(url, follow=True)
    assert "The 6 months questionnaires can be answered from 2026-07-02 to 2026-09-30" in (
        response.content.decode())
    assert not m6.links.exists()


def test_a_time_point_of_another_patient_is_not_found(client_for, personas, patient):
    from tests.conftest import enrollment_data

    from disctrack.registry.actions import do_enroll_patient

    other = do_enroll_patient(personas.coordinator, personas.site_a, **enrollment_data())
    baseline = patient.timepoints.get(code="baseline")
    url = reverse("timepoint-link", args=[other.registry_id, baseline.id])
    assert client_for(personas.coordinator).post(url).status_code == 404
    assert not baseline.links.exists()


@time_machine.travel("2026-03-01 09:00:00+00:00", tick=False)
def test_enter_responses_links_to_the_survey_apps_page(client_for, personas, patient):
    page = client_for(personas.coordinator).get(_url(patient)).content.decode()
    m1, m6 = patient.timepoints.get(code="m1"), patient.timepoints.get(code="m6")
    assert f'href="{reverse("response-enter", args=[m1.id])}"' in page
    assert f'href="{reverse("response-enter", args=[m6.id])}"' not in page  # opens in July


@time_machine.travel("2026-01-20 09:00:00+00:00", tick=False)
def test_without_the_sections_of_the_apps_above_it_the_page_shows_the_registrys_records(
        client_for, personas, patient, monkeypatch):
    from disctrack.registry.views import sections

    monkeypatch.setattr(sections, "_sections", [])
    response = client_for(personas.coordinator).get(_url(patient))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter responses" not in page and "Follow-up questionnaires" not in page
    assert "Timeline" in page and "Record a treatment" in page


def test_charts_plot_the_latest_scores_as_inline_svg(client_for, personas, patient):
    _answer(patient, "baseline", personas, odi_choice=3, back=8, leg=5)
    _answer(patient, "m1", personas, odi_choice=1, back=3, leg=1)
    response = client_for(personas.coordinator).get(_url(patient))
    charts = {chart.title: chart for chart in response.context["charts"]}
    assert charts["Oswestry Disability Index"].table() == [(0, [60.0]), (1, [20.0])]
    assert charts["Back and leg pain"].table() == [(0, [8.0, 5.0]), (1, [3.0, 1.0])]
    page = response.content.decode()
    assert page.count('<svg role="img"') == 2
    assert "<?xml" not in page and "<script" not in page.split("</footer>")[0].split("Outcomes over time")[1]


def test_without_answers_there_are_no_charts(client_for, personas, patient):
    response = client_for(personas.coordinator).get(_url(patient))
    assert response.context["charts"] == []
    assert "No questionnaire answers yet." in response.content.decode()


@time_machine.travel("2026-05-04 09:00:00+00:00", tick=False)
def test_complications_events_and_the_timeline(client_for, personas, patient):
    episode = patient.episodes.get()
    complication = do_record_complication(personas.coordinator, episode, {
        "category": "discitis", "occurred_on": date(2026, 2, 20), "severity": "severe",
        "relatedness": "probable", "treatment": episode.treatments.get()})
    do_adjudicate_complication(personas.clinician, complication, status="confirmed",
                               note="Endplate oedema on MRI")
    do_record_event(personas.coordinator, episode, kind="withdrawal", occurred_on=date(2026, 4, 2),
                    reason="moved abroad")
    page = client_for(personas.clinician).get(_url(patient)).content.decode()
    assert "Discitis" in page and "Confirmed" in page and "Endplate oedema on MRI" in page
    assert "moved abroad" in page
    timeline = client_for(personas.clinician).get(_url(patient)).context["timeline"]
    assert [item.title for item in timeline] == [
        "Diagnosis", "Index treatment: Intradiscal culture-expanded MSC",
        "Complication: Discitis", "Withdrawal", "Enrolled"]
    assert [item.on for item in timeline] == sorted(item.on for item in timeline)


def test_the_page_costs_a_fixed_number_of_queries(client_for, personas, patient,
                                                  django_assert_max_num_queries):
    client = client_for(personas.coordinator)
    client.get(_url(patient))
    # 24: the page's own, and up to when the surgery status is known (index, later
    # treatments, answers, events), read as the report reads it
    with django_assert_max_num_queries(24) as before:
        client.get(_url(patient))
    episode = patient.episodes.get()
    for day in (3, 4, 5):
        do_record_complication(personas.coordinator, episode, {
            "category": "post_injection_flare", "occurred_on": date(2026, 2, day),
            "severity": "mild", "relatedness": "probable", "treatment": episode.treatments.get()})
    _answer(patient, "baseline", personas)
    _answer(patient, "m1", personas)
    with django_assert_max_num_queries(len(before.captured_queries)):
        client.get(_url(patient))
