"""SMS providers behind one interface, chosen by DISCTRACK_SMS_URL.

- `twilio://ACCOUNT_SID:AUTH_TOKEN@api.twilio.com?from=%2B15550100` posts to a
  Twilio-compatible Messages API; `host:port` and `tls=0` point it at any compatible server
  (tests use one on loopback). `from` is the sending number in international form.
- `console:` prints each SMS; `file:[folder]` appends it to `sms.jsonl` in the folder
  (default `$DISCTRACK_HOME/sms-outbox`).
"""

from __future__ import annotations

import base64
import json
import re
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlencode, urlparse

from django.conf import settings

from disctrack.config import ConfigError

# Twilio error codes that mean this number will never take the message.
UNSUBSCRIBED = 21610
_E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")


class SmsError(Exception):
    """The provider did not take the message; `permanent` when retrying cannot help."""

    def __init__(self, message: str, *, permanent: bool, code: int | None = None):
        super().__init__(message)
        self.permanent, self.code = permanent, code


@dataclass(frozen=True)
class ConsoleSms:
    stream: object = None

    def send(self, to: str, body: str, key: str) -> str:
        print(f"SMS to {to} [{key}]: {body}", file=self.stream or sys.stdout, flush=True)
        return f"console-{key}"


@dataclass(frozen=True)
class FileSms:
    """Appends each SMS to `sms.jsonl`; a key already in the file is not written again, as a
    provider that honours the idempotency key would drop it (the file is read on each send)."""

    folder: Path

    def send(self, to: str, body: str, key: str) -> str:
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.folder / "sms.jsonl", "a+", encoding="utf-8") as out:
            out.seek(0)
            needle = json.dumps(key)
            if not any(needle in line and json.loads(line).get("key") == key for line in out):
                out.write(json.dumps({"to": to, "body": body, "key": key}, ensure_ascii=False) + "\n")
        return f"file-{key}"


@dataclass(frozen=True)
class TwilioSms:
    base_url: str
    account_sid: str
    auth_token: str
    sender: str
    timeout: float = 20

    def _request(self, to: str, body: str, key: str) -> urllib.request.Request:
        url = f"{self.base_url}/2010-04-01/Accounts/{self.account_sid}/Messages.json"
        credentials = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        return urllib.request.Request(
            url, data=urlencode({"To": to, "From": self.sender, "Body": body}).encode(),
            method="POST",
            headers={"Authorization": f"Basic {credentials}",
                     "Content-Type": "application/x-www-form-urlencoded",
                     # Lets a provider that honours it drop a re-send after a crash.
                     "Idempotency-Key": key},
        )

    def send(self, to: str, body: str, key: str) -> str:
        try:
            with urllib.request.urlopen(self._request(to, body, key), timeout=self.timeout) as reply:
                return str(json.loads(reply.read() or b"{}").get("sid", ""))
        except urllib.error.HTTPError as exc:
            raise _http_error(exc) from None
        except (OSError, ValueError) as exc:
            raise SmsError(f"SMS provider unreachable: {exc}", permanent=False) from None


def _http_error(exc: urllib.error.HTTPError) -> SmsError:
    try:
        detail = json.loads(exc.read() or b"{}")
    except ValueError:
        detail = {}
    code = detail.get("code") if isinstance(detail.get("code"), int) else None
    text = f"HTTP {exc.code}" + (f" error {code}" if code else "") + f": {detail.get('message', exc.reason)}"
    # A malformed or refused recipient will not improve; overload, outage and bad
    # credentials might, so they are retried (and fail visibly if they persist).
    permanent = 400 <= exc.code < 500 and exc.code not in (401, 403, 408, 429)
    return SmsError(text, permanent=permanent, code=code)


def _twilio(parsed) -> TwilioSms:
    query = parse_qs(parsed.query)
    sender = query.get("from", [""])[0]
    if not _E164.match(sender):
        raise ConfigError("DISCTRACK_SMS_URL needs ?from=%2B<number> in international form")
    tls = query.get("tls", ["1"])[0].lower()
    if tls not in {"0", "1", "true", "false", "yes", "no", "on", "off"}:
        raise ConfigError(f"DISCTRACK_SMS_URL tls={tls!r} is not a boolean")
    if not (parsed.hostname and parsed.username and parsed.password):
        raise ConfigError("DISCTRACK_SMS_URL must be twilio://ACCOUNT_SID:AUTH_TOKEN@host")
    scheme = "https" if tls in {"1", "true", "yes", "on"} else "http"
    port = f":{parsed.port}" if parsed.port else ""
    return TwilioSms(base_url=f"{scheme}://{parsed.hostname}{port}",
                     account_sid=unquote(parsed.username), auth_token=unquote(parsed.password),
                     sender=sender)


def sms_backend(url: str | None = None):
    """The provider named by the URL (settings.SMS_URL by default); ConfigError if unusable."""
    url = (settings.SMS_URL if url is None else url).strip()
    parsed = urlparse(url)
    if parsed.scheme == "console":
        return ConsoleSms()
    if parsed.scheme == "file":
        return FileSms(Path(parsed.path) if parsed.path else settings.HOME / "sms-outbox")
    if parsed.scheme == "twilio":
        return _twilio(parsed)
    raise ConfigError(
        f"DISCTRACK_SMS_URL={url!r} is not understood; use twilio://SID:TOKEN@host?from=..., "
        "console: or file:"
    )
