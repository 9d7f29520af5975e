"""Headers, cookies and request size (issue #10, item 6).

A Content-Security-Policy without 'unsafe-inline' on every page, and a browser that finds
nothing on any page the policy refuses; HSTS and secure cookies with an https address;
`disctrack check --deploy` clean with the operations guide's settings; oversized requests
refused before they are read.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse
from tests.conftest import CHROMIUM, PASSWORD
from tests.surveys.helpers import answer_every_step

import disctrack
from disctrack.core.svg import presentational

TEMPLATES = sorted(Path(disctrack.__file__).parent.glob("*/templates/**/*.html"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


def test_every_page_carries_a_policy_without_inline_code(client, survey_link):
    _, token = survey_link
    for url in (reverse("login"), reverse("public-outcomes"), reverse("survey-start", args=[token]),
                "/no-such-page/"):
        policy = client.get(url)["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "style-src 'self'" in policy
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_no_template_holds_inline_script_or_style(template):
    text = template.read_text()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), "inline <script>: move it to a static file"
    assert "<style" not in text, "inline <style>: move it to a static file"
    assert not re.search(r"\sstyle=", text), "style attribute: use a class"
    assert not re.search(r"\son[a-z]+=", text), "inline event handler: attach it from a static script"


def test_charts_are_drawn_with_presentation_attributes_only():
    import matplotlib

    matplotlib.use("Agg")
    import io

    import matplotlib.pyplot as plt

    with matplotlib.rc_context({"svg.fonttype": "none"}):
        figure, axes = plt.subplots()
        axes.plot([0, 1, 3], [40, 30, 20], "o--", color="#1f77b4", label="ODI")
        axes.fill_between([0, 1, 3], [35, 25, 15], [45, 35, 25], alpha=0.2)
        axes.legend()
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg")
        plt.close(figure)
    raw = buffer.getvalue()
    assert 'style="' in raw and "<style" in raw  # what matplotlib writes, and the policy refuses
    svg = presentational(raw)
    assert 'style="' not in svg and "<style" not in svg
    assert 'stroke="#1f77b4"' in svg and 'stroke-linejoin="round"' in svg
    assert 'fill-opacity="0.2"' in svg and 'text-anchor="' in svg


def test_an_oversized_request_is_refused_before_it_is_read(client, settings):
    settings.MAX_REQUEST_BYTES = 1_000_000
    response = client.post(reverse("login"), data=b"x" * 1_000_001, content_type="application/octet-stream")
    assert response.status_code == 413
    assert "at most 1 MB" in response.content.decode()
    assert response["Content-Security-Policy"]


def _disctrack(tmp_path, *args, **env):
    full_env = {**os.environ, "DISCTRACK_HOME": str(tmp_path), "DJANGO_SETTINGS_MODULE": "disctrack.settings",
                **env}
    full_env.pop("DATABASE_URL", None)
    for name in ("DISCTRACK_BASE_URL", "DISCTRACK_EMAIL_URL"):
        if name not in env:
            full_env.pop(name, None)
    return subprocess.run([sys.executable, "-m", "disctrack.cli", *args], env=full_env,
                          capture_output=True, text=True, timeout=120)


def test_check_deploy_passes_with_the_operations_guide_settings(tmp_path):
    # The settings docs/operations.md recommends for a registry behind a TLS proxy.
    guide = {"DISCTRACK_BASE_URL": "https://registry.clinic.example", "DISCTRACK_ALLOWED_HOSTS":
             "registry.clinic.example", "DISCTRACK_TRUSTED_PROXIES": "127.0.0.1",
             "DISCTRACK_HSTS_PRELOAD": "1"}
    result = _disctrack(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **guide)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    plain = _disctrack(tmp_path, "check", "--deploy", "--fail-level", "WARNING")
    assert plain.returncode != 0, "an http base address is not a deployment; check --deploy says so"


def test_https_responses_carry_hsts_and_secure_cookies(tmp_path):
    script = (
        "import django; django.setup();"
        "from django.conf import settings as s;"
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)"
    )
    env = {**os.environ, "DISCTRACK_HOME": str(tmp_path), "DJANGO_SETTINGS_MODULE": "disctrack.settings",
           "DISCTRACK_BASE_URL": "https://registry.clinic.example"}
    env.pop("DATABASE_URL", None)
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)
    assert out.stdout.split() == ["31536000", "True", "True", "True"], out.stderr


@pytest.mark.browser
def test_no_page_breaks_the_policy_at_phone_and_desktop_size(live_server, transactional_db, personas,
                                                              patient, survey_link, client):
    from playwright.sync_api import sync_playwright

    _, token = survey_link
    answer_every_step(client, token)  # the patient page then draws a chart
    client.post(reverse("survey-review", args=[token]))
    base = live_server.url
    pages = ["/login/", "/patients/", f"/patients/{patient.registry_id}/", "/patients/enroll/",
             f"/patients/{patient.registry_id}/treatments/new/", "/outcomes/", "/followup/worklist/"]
    refused: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for size in ({"width": 390, "height": 844}, {"width": 1280, "height": 900}):
            page = browser.new_page(viewport=size)
            page.on("console", lambda message: refused.append(message.text)
                    if "Content Security Policy" in message.text else None)
            page.goto(f"{base}/login/")
            page.get_by_label("User name").fill("coordinator")
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Log in").click()
            page.wait_for_url(f"{base}/patients/")
            for path in pages:
                page.goto(base + path)
            # Styles from the static files apply; the chart keeps its colours.
            page.goto(f"{base}/patients/{patient.registry_id}/")
            assert page.locator(".page-head").evaluate("e => getComputedStyle(e).display") == "flex"
            stroke = page.locator("figure.chart svg path[stroke]").first.evaluate(
                "e => getComputedStyle(e).stroke")
            assert stroke not in ("none", ""), stroke
            page.close()
        browser.close()
    assert refused == []
