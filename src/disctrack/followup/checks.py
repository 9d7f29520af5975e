"""Start-up check: the SMS provider URL must be usable before the worker needs it."""

from __future__ import annotations

from django.core.checks import Error, register

from disctrack.config import ConfigError


@register()
def check_sms_url(app_configs, **kwargs):
    from disctrack.followup.sms import sms_backend

    try:
        sms_backend()
    except ConfigError as exc:
        return [Error(str(exc), hint="Fix DISCTRACK_SMS_URL (see docs/followup.md)", id="disctrack.E101")]
    return []
