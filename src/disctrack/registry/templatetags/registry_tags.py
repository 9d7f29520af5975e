"""Small presentation helpers of the registry pages."""

from __future__ import annotations

import json

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

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
    """<option>s of a site filter, by code: a network's administrator has hundreds of sites,
    and a template loop per option cost more than the rest of the page."""
    return mark_safe("".join(
        f'<option value="{escape(site.code)}"{" selected" if site.code == selected else ""}>{escape(site.name)}</option>'
        for site in sites))
