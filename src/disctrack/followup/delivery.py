"""Handing a message to the e-mail server or the SMS provider, and naming what went wrong.

A `SendError` is either temporary (retried with backoff) or permanent (recorded as bounced).
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from disctrack.followup.sms import SmsError, sms_backend


class SendError(Exception):
    def __init__(self, message: str, *, permanent: bool, code: int | None = None):
        super().__init__(message)
        self.permanent, self.code = permanent, code


@dataclass(frozen=True)
class Envelope:
    """Everything needed to send, prepared (and committed) before anything leaves."""

    channel: str  # email or sms
    to: str
    body: str
    key: str  # the idempotency key, also the e-mail's Message-ID
    clinic: str
    subject: str = ""


def message_id(key: str) -> str:
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "disctrack.invalid"
    return f"<{key}@{domain}>"


def _from_address(clinic: str) -> str:
    """The configured sender address, shown under the clinic's name."""
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or settings.DEFAULT_FROM_EMAIL
    return formataddr((clinic, address))


def smtp_error(exc: Exception) -> SendError:
    """Classify what smtplib (through Django's backend) raised."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        text = "; ".join(f"{code} {reply.decode(errors='replace')}" for code, reply in exc.recipients.values())
        return SendError(f"recipient refused: {text}", permanent=all(c >= 500 for c in codes),
                         code=max(codes, default=None))
    if isinstance(exc, smtplib.SMTPAuthenticationError | smtplib.SMTPSenderRefused):
        # Our configuration, not the patient's address: retry and let it show as failed.
        return SendError(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}", permanent=False,
                         code=exc.smtp_code)
    if isinstance(exc, smtplib.SMTPResponseException):
        reply = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
        return SendError(f"SMTP {exc.smtp_code}: {reply}", permanent=exc.smtp_code >= 500,
                         code=exc.smtp_code)
    return SendError(f"e-mail server unreachable: {exc.__class__.__name__}: {exc}", permanent=False)


class Dispatcher:
    """Keeps one SMTP connection open through a worker pass, reopening it after an error."""

    def __init__(self, sms=None):
        self._mail = None
        self._sms = sms

    def send(self, envelope: Envelope) -> str:
        if envelope.channel == "email":
            return self._send_email(envelope)
        return self._send_sms(envelope)

    def _mail_connection(self):
        if self._mail is None:
            connection = get_connection()
            connection.open()  # opened here: a connection that send() opens, send() also closes
            self._mail = connection
        return self._mail

    def _send_email(self, envelope: Envelope) -> str:
        mid = message_id(envelope.key)
        try:
            EmailMessage(
                subject=envelope.subject, body=envelope.body, from_email=_from_address(envelope.clinic),
                to=[envelope.to], connection=self._mail_connection(),
                headers={"Message-ID": mid, "Auto-Submitted": "auto-generated"},
            ).send()
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            raise smtp_error(exc) from None
        return mid

    def _send_sms(self, envelope: Envelope) -> str:
        if self._sms is None:
            self._sms = sms_backend()
        try:
            return self._sms.send(envelope.to, envelope.body, envelope.key)
        except SmsError as exc:
            raise SendError(str(exc), permanent=exc.permanent, code=exc.code) from None

    def close(self) -> None:
        if self._mail is not None:
            try:
                self._mail.close()
            except (smtplib.SMTPException, OSError):
                pass  # the connection is already gone; a new one opens on the next message
            self._mail = None
