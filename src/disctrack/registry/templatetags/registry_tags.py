"""Small presentation helpers of the registry pages."""

from __future__ import annotations

import json

from django import template

from disctrack.core.forms import option_tags
from disctrack.registry.choices import Comorbidity

register = template.Library()

# Badge colour of each status code a page shows (patient, time point, adjudication).
_BADGES = {
    "active": "ok",
    "answered": "ok",
    "pending": "warn",
    "withdrawn": "warn",
    "lost": "warn",
    "missed": "bad",
    "confirmed": "bad",
}


@register.filter
def badge_class(status: str) -> str:
    return _BADGES.get(status, "")


def _shown(value) -> str:
    if value is None or value == "":
        return "(empty)"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


@register.filter
def audit_changes(changes: dict) -> list[tuple[str, str, str]]:
    """(field, old, new) of an audit entry, in field order, values as text."""
    return [(field, _shown(old), _shown(new)) for field, (old, new) in sorted(changes.items())]


_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV", 5: "V"}


@register.filter
def roman(grade: int) -> str:
    """Pfirrmann grades are written I to V."""
    return _ROMAN.get(grade, str(grade))


@register.filter
def comorbidity_label(code: str) -> str:
    return dict(Comorbidity.choices).get(code, code)


@register.simple_tag
def site_options(sites, selected: str = ""):
    """<option>s of a site filter, by code (core.forms.option_tags)."""
    return option_tags(((site.code, site.name) for site in sites), selected)
