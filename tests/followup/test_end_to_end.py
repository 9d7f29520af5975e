"""End to end: the worker e-mails an SMTP server on loopback, the patient follows the link in
Chromium and answers, and the next pass of the worker sends no reminder."""

from __future__ import annotations

import email
import io
import re
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.management import call_command
from playwright.sync_api import expect
from tests.conftest import CHROMIUM
from tests.followup.answers import MONTH_1
from tests.followup.conftest import treat

from disctrack.followup.models import MessageStatus
from disctrack.registry.models import Channel, TimePointStatus

WINDOW_OPENS = datetime(2026, 2, 22, 9, tzinfo=UTC)  # 10:00 in Madrid
FIRST_REMINDER_DUE = datetime(2026, 2, 25, 9, tzinfo=UTC)
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", "--disable-sync"]


def _link_in(received: dict) -> str:
    body = email.message_from_string(received["data"]).get_payload(decode=True).decode()
    return re.search(r"(http://\S+/s/[\w-]+/)", body).group(1)


def _answer(page, instrument: str, answers: dict) -> None:
    for code, value in answers.items():
        field = page.locator(f'[name="{instrument}-{code}"]')
        if field.first.get_attribute("type") == "number":
            field.fill(str(value))
        else:
            page.check(f'input[name="{instrument}-{code}"][value="{value}"]')


def _answer_in_chromium(url: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        page = browser.new_page()
        page.goto(url)
        page.get_by_role("link", name="Start").click()
        for number, instrument in enumerate(["odi", "nrs_pain", "pgic", "complication_check"], 1):
            page.wait_for_selector(f'[name^="{instrument}-"]')
            _answer(page, instrument, MONTH_1[instrument])
            page.get_by_role("button", name="Next: check your answers" if number == 4 else "Next", exact=True).click()
        expect(page.get_by_role("heading", name="Check your answers", exact=True)).to_be_visible()
        page.get_by_role("button", name="Send my answers").click()
        expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
        browser.close()


def _worker_once() -> str:
    out = io.StringIO()
    call_command("worker", "--once", "--name", "e2e", stdout=out)
    return out.getvalue()


@pytest.mark.browser
def test_invitation_by_smtp_answered_in_the_browser_then_no_reminder(
        live_server, transactional_db, personas, smtp_server, settings):
    settings.BASE_URL = live_server.url
    with time_machine.travel(WINDOW_OPENS, tick=True):
        patient = treat(personas, date(2026, 2, 1))
        assert "sent 1" in _worker_once()
        [invitation] = smtp_server.messages
        assert invitation["to"] == ["ana.synthetic@example.test"]
        link = _link_in(invitation)
        assert link.startswith(live_server.url)
        # The database is read again only once the browser has closed: Playwright's event
        # loop in this thread would make Django refuse queries.
        _answer_in_chromium(link)
    m1 = patient.timepoints.get(code="m1")
    assert (m1.status, m1.channel) == (TimePointStatus.ANSWERED, Channel.WEB)
    assert m1.responses.get(instrument="odi").scores["odi"] == 20.0
    with time_machine.travel(FIRST_REMINDER_DUE, tick=False):
        assert "sent" not in _worker_once()
    assert len(smtp_server.messages) == 1
    assert set(m1.messages.exclude(ladder_day=0).values_list("status", flat=True)) == {MessageStatus.CANCELLED}
