"""Handing a message to the e-mail server or the SMS provider, and naming what went wrong.

A `SendError` is either temporary (retried with backoff) or permanent (recorded as bounced).
Over SMTP the worker is told the moment the whole message has been written to the server,
before the server's reply is read (`handed_over`), so it can record that a repeat would be
a duplicate (see docs/followup.md, "Delivery").
"""

from __future__ import annotations

import re
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.core.mail.message import sanitize_address

from disctrack.followup.sms import SmsError, sms_backend


class SendError(Exception):
    """Raised by `Dispatcher.send` when a message did not go.

    `unconfirmed` when the SMTP server had the whole message but its reply never came (the
    connection dropped or timed out): it may well have been delivered, so it is not retried.
    """

    def __init__(self, message: str, *, permanent: bool, code: int | None = None,
                 unconfirmed: bool = False):
        super().__init__(message)
        self.permanent, self.code, self.unconfirmed = permanent, code, unconfirmed


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


def _data_lines(payload: bytes) -> bytes:
    """The message as DATA carries it: a leading dot doubled, ended by a line of one dot."""
    quoted = re.sub(rb"(?m)^\.", b"..", payload)
    return quoted + (b"" if quoted.endswith(b"\r\n") else b"\r\n") + b".\r\n"


def smtp_transaction(smtp: smtplib.SMTP, email: EmailMessage, handed_over: Callable[[], None]) -> None:
    """What smtplib's sendmail() does, calling `handed_over()` between the end of the message
    and the server's reply.

    A server acts on a message only when the line with the single dot arrives; if the
    connection drops before it, the transaction is discarded. From that line on, the server
    may have the message whatever becomes of this process (RFC 1047 describes the window).
    """
    encoding = email.encoding or settings.DEFAULT_CHARSET
    sender = sanitize_address(email.from_email, encoding)
    payload = email.message().as_bytes(linesep="\r\n")
    smtp.ehlo_or_helo_if_needed()
    code, reply = smtp.mail(sender)
    if code != 250:
        raise smtplib.SMTPSenderRefused(code, reply, sender)
    for recipient in (sanitize_address(address, encoding) for address in email.recipients()):
        code, reply = smtp.rcpt(recipient)
        if code not in (250, 251):
            raise smtplib.SMTPRecipientsRefused({recipient: (code, reply)})
    code, reply = smtp.docmd("DATA")
    if code != 354:
        raise smtplib.SMTPDataError(code, reply)
    smtp.send(_data_lines(payload))
    handed_over()
    code, reply = smtp.getreply()
    if code != 250:
        raise smtplib.SMTPDataError(code, reply)


class Dispatcher:
    """Keeps one SMTP connection open through a worker pass, reopening it after an error."""

    def __init__(self, sms=None):
        self._mail = None
        self._sms = sms

    def send(self, envelope: Envelope, handed_over: Callable[[str], None] | None = None) -> str:
        """Send; returns the provider's id. `handed_over(id)` is called once an SMTP server has
        the whole message, before its reply (the other transports take a message at once)."""
        if envelope.channel == "email":
            return self._send_email(envelope, handed_over)
        return self._send_sms(envelope)

    def _mail_connection(self):
        if self._mail is None:
            connection = get_connection()
            connection.open()  # opened here: a connection that send() opens, send() also closes
            self._mail = connection
        return self._mail

    def _send_email(self, envelope: Envelope, handed_over: Callable[[str], None] | None) -> str:
        mid = message_id(envelope.key)
        handed: list[bool] = []

        def whole_message_written() -> None:
            handed.append(True)
            handed_over(mid)

        try:
            connection = self._mail_connection()
            email = EmailMessage(
                subject=envelope.subject, body=envelope.body, from_email=_from_address(envelope.clinic),
                to=[envelope.to], connection=connection,
                headers={"Message-ID": mid, "Auto-Submitted": "auto-generated"},
            )
            if isinstance(connection, SmtpBackend) and handed_over is not None:
                smtp_transaction(connection.connection, email, whole_message_written)
            else:
                email.send()
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            if handed and not isinstance(exc, smtplib.SMTPResponseException):
                raise SendError(f"the server's reply never came: {exc.__class__.__name__}: {exc}",
                                permanent=False, unconfirmed=True) from None
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
