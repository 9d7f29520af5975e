"""Fixtures of the follow-up tests: loopback SMTP and SMS servers, treated patients, a worker."""

from __future__ import annotations

import json
import socket
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from tests.conftest import enrollment_data, msc_treatment_data


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RecordingHandler:
    """Accepts mail, or answers with the replies queued in `refusals` first (e.g. "451 busy")."""

    def __init__(self):
        self.messages: list[dict] = []
        self.refusals: list[str] = []
        self.refuse_rcpt: dict[str, str] = {}

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse_rcpt:
            return self.refuse_rcpt[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.refusals:
            return self.refusals.pop(0)
        self.messages.append({"to": list(envelope.rcpt_tos),
                              "data": envelope.content.decode("utf-8", errors="replace")})
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings):
    """An SMTP server on 127.0.0.1; Django's SMTP backend is pointed at it."""
    handler = RecordingHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS, settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = False, "", ""
    yield handler
    controller.stop()


class SmsApi:
    """A loopback Twilio-compatible Messages API: records POSTs, replies from a script."""

    def __init__(self):
        self.requests: list[dict] = []
        self.replies: list[tuple[int, dict]] = []

    def handler(self):
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                api.requests.append({"path": self.path, "form": {k: v[0] for k, v in parse_qs(body).items()},
                                     "auth": self.headers.get("Authorization"),
                                     "key": self.headers.get("Idempotency-Key")})
                status, reply = api.replies.pop(0) if api.replies else (
                    201, {"sid": f"SM{len(api.requests):032d}", "status": "queued"})
                data = json.dumps(reply).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        return Handler


@pytest.fixture
def sms_api(settings):
    api = SmsApi()
    server = ThreadingHTTPServer(("127.0.0.1", 0), api.handler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    port = server.server_address[1]
    settings.SMS_URL = f"twilio://AC123:secret@127.0.0.1:{port}?from=%2B15550100&tls=0"
    yield api
    server.shutdown()
    server.server_close()


def treat(personas, performed_on: date, *, site=None, physician=None, language="en", **identity):
    """Enroll and treat a synthetic patient (MSC) at site A unless told otherwise."""
    from disctrack.registry.actions import do_enroll_patient, do_record_treatment

    data = enrollment_data(diagnosed_on=min(performed_on, date(2026, 1, 5)))
    data["identity"].update(identity)
    site = site or personas.site_a
    patient = do_enroll_patient(personas.admin if site == personas.site_a else "system: test",
                                site, language=language, **data)
    do_record_treatment("system: test", patient.episodes.get(),
                        msc_treatment_data(physician or personas.physician_a, performed_on))
    return patient


@pytest.fixture
def work():
    """Run one worker pass (as worker `name`) with the configured e-mail and SMS settings."""
    from disctrack.followup.worker import run_pass

    def run(name: str = "w1"):
        return run_pass(name)

    return run


@pytest.fixture
def outbox():
    return mail.outbox
