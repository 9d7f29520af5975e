"""Tokens never reach a log or an error report (issue #10, item 2).

The served log is checked end to end in test_commands.py (a real `disctrack serve`); here
the Django side: "Not Found" warnings and the error report an operator would be e-mailed.
"""

from __future__ import annotations

import io
import logging
import secrets
import sys

import pytest
from django.test import RequestFactory
from django.views.debug import ExceptionReporter

from disctrack.core.redact import MaskSecrets, RedactingExceptionReporter, mask


@pytest.mark.parametrize(("text", "expected"), [
    ("GET /s/AbC-123_x/q/3/ HTTP/1.1", "GET /s/[token]/q/3/ HTTP/1.1"),
    ("https://clinic.example/s/AbC-123_x/", "https://clinic.example/s/[token]/"),
    ("Not Found: /followup/opt-out/eyJwIjo:1abc:sig/", "Not Found: /followup/opt-out/[token]/"),
    ("/reports/?token=abc123&site=A", "/reports/?token=[token]&site=A"),
    ("Authorization: Bearer dt_abc.DEF-123", "Authorization: Bearer [token]"),
    ("/patients/DT-000123/", "/patients/DT-000123/"),
])
def test_mask_keeps_the_shape_and_drops_the_key(text, expected):
    assert mask(text) == expected


def _console_handler():
    for handler in logging.getLogger().handlers:
        if any(isinstance(f, MaskSecrets) for f in handler.filters):
            return handler
    raise AssertionError("no handler of the root logger masks secrets")


@pytest.mark.django_db
def test_not_found_warning_is_logged_without_the_token(client):
    handler = _console_handler()
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    try:
        response = client.get("/s/LoggedCanary42/")
    finally:
        handler.setStream(previous)
    assert response.status_code == 404
    written = buffer.getvalue()
    assert "/s/[token]/" in written
    assert "LoggedCanary42" not in written


def _failing_view(request, token_value):
    """The traceback a view taking a token would leave (its own frame holds the request)."""

    def view(request, token):
        raise RuntimeError("boom")

    try:
        view(request, token_value)
    except RuntimeError:
        return sys.exc_info()


def test_error_report_masks_the_url_headers_and_token_variables(settings):
    # Random canaries, so that the source lines a report quotes cannot hold them.
    in_path, in_referer, in_variable = (f"Canary{secrets.token_hex(6)}" for _ in range(3))
    request = RequestFactory().get(f"/s/{in_path}/review/", HTTP_REFERER=f"http://x/s/{in_referer}/")
    exc_info = _failing_view(request, in_variable)
    assert settings.DEFAULT_EXCEPTION_REPORTER == "disctrack.core.redact.RedactingExceptionReporter"
    reporter = RedactingExceptionReporter(request, *exc_info)
    for text in (reporter.get_traceback_text(), reporter.get_traceback_html()):
        for canary in (in_path, in_referer, in_variable):
            assert canary not in text
    # The stock reporter would have leaked them: the test is not vacuous.
    assert in_path in ExceptionReporter(request, *exc_info, is_email=True).get_traceback_text()


def test_audit_detail_keeps_no_token(patient, personas):
    # A coordinator pastes a patient's link into a note and into the reason for a change.
    from disctrack.registry.audit import audit_entry
    from disctrack.registry.models import AuditEntry

    canary = f"AuditCanary{secrets.token_hex(6)}"
    link = f"https://clinic.example/s/{canary}/"
    entry = audit_entry(personas.coordinator, "update", patient,
                        changes={"note": ["", f"sent {link} again"]},
                        reason=f"patient could not open {link}")
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert canary not in stored.reason and "/s/[token]/" in stored.reason
    assert canary not in str(stored.changes) and "/s/[token]/" in str(stored.changes)
