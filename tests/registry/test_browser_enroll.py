"""In a real browser: enroll a patient, record the index treatment, read the patient page.

Also checks the small scripts: imaging rows follow the chosen levels, and the treatment
form shows only the fieldsets of the chosen kind. The scripts are static files run after the
page is parsed (the Content-Security-Policy allows no inline script), so the checks wait
for them as a person would.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from tests.conftest import CHROMIUM, PASSWORD

from disctrack.registry.models import Patient

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


def _log_in(page, base: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("User name").fill("coordinator")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/patients/")


def _enroll(page, base: str) -> None:
    page.goto(f"{base}/patients/enroll/")
    page.get_by_label("Given name").fill("Ana")
    page.get_by_label("Family name").fill("Synthetic")
    page.get_by_label("Date of birth").fill("1980-03-14")
    page.get_by_label("Sex").select_option("female")
    page.get_by_label("Medical record number (MRN)").fill("MRN-0001")
    page.get_by_label("E-mail").fill("ana.synthetic@example.test")
    page.get_by_label("Date of diagnosis").fill("2026-01-05")
    page.get_by_label("Duration of symptoms (months)").fill("18")
    expect(page.locator('fieldset[data-level="L4-L5"]')).to_be_hidden()
    page.get_by_label("L4-L5", exact=True).check()
    expect(page.locator('fieldset[data-level="L4-L5"]')).to_be_visible()
    expect(page.locator('fieldset[data-level="L3-L4"]')).to_be_hidden()
    page.check("#id_episode-leg_pain_1")
    page.check("#id_episode-prior_spine_surgery_1")
    page.check("#id_episode-other_analgesics_0")
    page.get_by_label("Smoking").select_option("never")
    page.get_by_label("Height (cm)").fill("172")
    page.get_by_label("Weight (kg)").fill("78")
    page.get_by_label("Work status").select_option("full_time")
    page.get_by_label("Opioid use").select_option("none")
    page.get_by_label("Pfirrmann grade at L4-L5").select_option("4")
    page.get_by_label("Modic change at L4-L5").select_option("1")
    page.get_by_role("button", name="Enroll").click()
    page.wait_for_url(f"{base}/patients/DT-*/")


def _record_msc(page, physician_name: str) -> None:
    page.get_by_role("link", name="Record a treatment").click()
    page.locator("#id_kind").select_option("msc")
    expect(page.locator('fieldset[data-kinds="fusion"]')).to_be_hidden()
    expect(page.locator('fieldset[data-kinds="bmc msc other_biologic prp"]')).to_be_visible()
    page.get_by_label("Date of treatment").fill("2026-02-01")
    page.get_by_label("L4-L5", exact=True).check()
    page.get_by_label("Physician").select_option(label=physician_name)
    page.get_by_label("MSC dose (million cells per level)").fill("23")
    page.get_by_label("Volume injected per level (ml)").fill("2")
    page.get_by_label("Image guidance").select_option("fluoroscopy")
    page.get_by_role("button", name="Record the treatment").click()


@pytest.mark.browser
def test_enroll_record_a_treatment_and_read_the_patient_page(live_server, transactional_db, personas):
    from playwright.sync_api import sync_playwright

    base = live_server.url
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        _log_in(page, base)
        _enroll(page, base)
        assert "Enrolled as DT-" in page.locator(".messages").inner_text()
        _record_msc(page, personas.physician_a.name)
        page.wait_for_selector(".messages")
        # The candidacy section replaces its placeholder once fetched: one patient is too few.
        page.wait_for_selector("#candidacy .withheld")
        text = page.locator("main").inner_text()
        browser.close()
    assert "Index treatment recorded" in text
    assert "Ana Synthetic" in text
    assert "MSC dose (million cells per level)\n23" in text
    assert "Baseline" in text and "5 years" in text
    assert "Not available: the registry needs patients given at least two different treatments." in text
    patient = Patient.objects.get()
    treatment = patient.episodes.get().treatments.get()
    assert (treatment.kind, treatment.role, treatment.levels) == ("msc", "index", ["L4-L5"])
    assert patient.timepoints.count() == 9
