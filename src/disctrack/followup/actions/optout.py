"""A patient's opt-out from a channel, through the link in a message."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from disctrack.registry.actions import do_set_contact_preferences
from disctrack.registry.models import Patient

CHANNELS = ("email", "sms")


@transaction.atomic
def do_opt_out(patient: Patient, channel: str) -> Patient:
    """The patient stops a channel from a link in a message; the worker obeys at once."""
    if channel not in CHANNELS:
        raise ValidationError({"channel": f"{channel!r} is not a channel; use e-mail or sms"})
    flags = {"email_opt_out": True} if channel == "email" else {"sms_opt_out": True}
    return do_set_contact_preferences("patient", patient, **flags,
                                      reason=f"opted out of {channel} through a message's link")
