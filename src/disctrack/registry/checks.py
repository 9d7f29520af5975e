"""Start-up checks: the instrument library and follow-up protocols must be valid data."""

from __future__ import annotations

from django.core.checks import Error, register


@register()
def check_protocol_data(app_configs, **kwargs):
    from disctrack.instruments import InstrumentDefinitionError, validate_library
    from disctrack.protocols import ProtocolError, protocols

    errors = []
    try:
        validate_library()
    except InstrumentDefinitionError as exc:
        errors.append(Error(str(exc), hint="Fix the instrument definition file", id="disctrack.E001"))
        return errors
    try:
        protocols.cache_clear()
        protocols()
    except ProtocolError as exc:
        errors.append(Error(str(exc), hint="Fix the follow-up protocol file", id="disctrack.E002"))
    return errors
