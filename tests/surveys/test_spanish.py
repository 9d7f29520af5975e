"""Patients read the pages, the questions and the error messages in their language."""

from __future__ import annotations

import time_machine
from django.test import Client
from django.urls import reverse
from tests.conftest import enrollment_data, msc_treatment_data
from tests.surveys.helpers import BASELINE, answer_every_step, post_step, step_url

from disctrack.registry.actions import do_enroll_patient, do_record_treatment
from disctrack.surveys.actions import do_create_link
from disctrack.surveys.models import Response


def spanish_speaker_link(personas):
    data = enrollment_data()
    data["identity"]["medical_record_number"] = "MRN-0002"
    patient = do_enroll_patient(personas.coordinator, personas.site_a, language="es", **data)
    do_record_treatment(personas.coordinator, patient.episodes.get(),
                        msc_treatment_data(personas.physician_a))
    return do_create_link(personas.coordinator, patient.timepoints.get(code="baseline"))


def test_a_spanish_speaking_patient_gets_spanish_pages(client, personas):
    _, token = spanish_speaker_link(personas)
    response = client.get(reverse("survey-start", args=[token]))
    page = response.content.decode()
    assert '<html lang="es">' in page
    assert response["Content-Language"] == "es"
    assert "Antes de su tratamiento" in page
    assert "Empezar" in page
    step = client.get(step_url(token, 1)).content.decode()
    assert "Índice de Discapacidad de Oswestry" in step
    assert "Cuestionario 1 de 6" in step
    assert "En este momento no tengo dolor." in step


def test_lang_switches_and_is_remembered_for_that_link_only(client, survey_link, personas):
    _, token = survey_link
    _, other_token = do_create_link(personas.coordinator, survey_link[0].timepoint)
    assert '<html lang="es">' in client.get(reverse("survey-start", args=[token]) + "?lang=es").content.decode()
    assert "Guardar y continuar más tarde" in client.get(step_url(token, 1)).content.decode()
    assert '<html lang="en">' in client.get(reverse("survey-start", args=[other_token])).content.decode()
    assert "Save and continue later" in Client().get(step_url(token, 1)).content.decode()


def test_errors_are_in_spanish_and_name_the_question(client, survey_link):
    link, token = survey_link
    client.get(reverse("survey-start", args=[token]) + "?lang=es")
    incomplete = {k: v for k, v in BASELINE["odi"].items() if k != "odi_3"}
    page = post_step(client, token, 1, incomplete).content.decode()
    assert "Hay un problema" in page
    assert "Pregunta 3: Levantar peso</a>: Por favor, responda a esta pregunta." in page
    assert not Response.objects.filter(timepoint=link.timepoint).exists()


def test_the_answers_record_the_language_and_thanks_give_a_spanish_date(client, survey_link):
    link, token = survey_link
    with time_machine.travel("2026-03-05 10:00Z", tick=False):
        client.get(reverse("survey-start", args=[token]) + "?lang=es")
        answer_every_step(client, token)
        done = client.post(reverse("survey-review", args=[token]))
        page = client.get(done["Location"]).content.decode()
    assert "Sus respuestas se recibieron el 5 de marzo de 2026." in page
    assert set(Response.objects.filter(timepoint=link.timepoint).values_list("language", flat=True)) == {"es"}


def test_problem_pages_follow_the_browser_language(client, personas):
    response = client.get(reverse("survey-start", args=["unknown"]), HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 404
    assert "No hemos encontrado este cuestionario" in response.content.decode()
