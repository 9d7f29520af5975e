"""End to end on a phone-sized Chromium: Spanish, save and come back, keyboard, submit."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect
from tests.conftest import CHROMIUM
from tests.surveys.helpers import BASELINE, BASELINE_ODI

from disctrack.registry.models import TimePointStatus
from disctrack.surveys.models import Response

PHONE = {"width": 390, "height": 844}
SCREENSHOT = "/tmp/survey_step_phone.png"


def check_answers(page, instrument: str, answers: dict) -> None:
    for code, value in answers.items():
        field = page.locator(f'[name="{instrument}-{code}"]')
        if field.first.get_attribute("type") == "number":
            field.fill(str(value))
        else:
            page.check(f'input[name="{instrument}-{code}"][value="{value}"]')


def tab_to(page, name: str, limit: int = 12) -> None:
    """Press Tab until the keyboard focus is on an input called `name`."""
    page.wait_for_selector(f'[name="{name}"]')
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == name:
            return
    raise AssertionError(f"Tab never reached {name}")


def next_page(page) -> None:
    page.get_by_role("button", name="Siguiente", exact=True).click()


def answer_pain_with_the_keyboard(page) -> None:
    tab_to(page, "nrs_pain-back")
    for _ in range(BASELINE["nrs_pain"]["back"]):
        page.keyboard.press("ArrowRight")
    page.keyboard.press("Tab")
    for _ in range(BASELINE["nrs_pain"]["leg"]):
        page.keyboard.press("ArrowRight")
    # Enter submits with the form's first button, "Siguiente".
    page.keyboard.press("Enter")


def answer_work_status(page) -> None:
    follow_up = page.locator("#q-work_status-not_working_due_to_back")
    expect(follow_up).to_be_hidden()
    page.check('input[name="work_status-work_status"][value="part_time"]')
    expect(follow_up).to_be_visible()
    page.check('input[name="work_status-not_working_due_to_back"][value="yes"]')
    next_page(page)


def first_visit(context, url: str) -> None:
    page = context.new_page()
    page.goto(url)
    page.get_by_role("link", name="Español").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    page.get_by_role("link", name="Empezar").click()
    expect(page.get_by_text("Cuestionario 1 de 6")).to_be_visible()
    check_answers(page, "odi", BASELINE["odi"])
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=SCREENSHOT)
    page.get_by_role("button", name="Guardar y continuar más tarde").click()
    expect(page.get_by_role("heading", name="Sus respuestas están guardadas")).to_be_visible()
    page.close()


def return_and_finish(context, url: str) -> None:
    page = context.new_page()
    page.goto(url)
    expect(page.get_by_text("Ha terminado 1 de 6 cuestionarios")).to_be_visible()
    page.get_by_role("link", name="Continuar").click()
    expect(page.get_by_text("Cuestionario 2 de 6")).to_be_visible()
    page.get_by_role("button", name="Atrás").click()
    expect(page.locator('input[name="odi-odi_1"][value="4"]')).to_be_checked()
    expect(page.locator('input[name="odi-odi_10"][value="2"]')).to_be_checked()
    next_page(page)
    answer_pain_with_the_keyboard(page)
    for instrument in ("eq5d5l", "promis10"):
        page.wait_for_selector(f'[name^="{instrument}-"]')
        check_answers(page, instrument, BASELINE[instrument])
        next_page(page)
    answer_work_status(page)
    check_answers(page, "analgesic_use", BASELINE["analgesic_use"])
    expect(page.locator("#q-analgesic_use-analgesic_frequency")).to_be_hidden()
    page.get_by_role("button", name="Siguiente: revisar sus respuestas").click()
    expect(page.get_by_role("heading", name="Revise sus respuestas", exact=True)).to_be_visible()
    page.get_by_role("button", name="Enviar mis respuestas").click()
    expect(page.get_by_role("heading", name="Gracias")).to_be_visible()
    expect(page.get_by_text("Sus respuestas se recibieron el")).to_be_visible()
    again = page.goto(url)
    assert again.status == 410
    expect(page.get_by_role("heading", name="Ya recibimos sus respuestas")).to_be_visible()


@pytest.mark.browser
def test_a_patient_answers_on_a_phone_in_spanish(live_server, transactional_db, survey_link):
    from playwright.sync_api import sync_playwright

    link, token = survey_link
    url = live_server.url + reverse("survey-start", args=[token])
    # The database is checked only after the browser has closed: Playwright's event loop
    # would make Django refuse queries from this thread.
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--no-first-run", "--disable-sync",
        ])
        context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
        first_visit(context, url)
        return_and_finish(context, url)
        browser.close()
    timepoint = link.timepoint
    timepoint.refresh_from_db()
    assert timepoint.status == TimePointStatus.ANSWERED
    assert Response.objects.get(timepoint=timepoint, instrument="odi").scores["odi"] == BASELINE_ODI
    assert Response.objects.get(timepoint=timepoint, instrument="nrs_pain").answers == BASELINE["nrs_pain"]
