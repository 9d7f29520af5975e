"""Filters that write report figures the same way everywhere (see reports.formatting)."""

from __future__ import annotations

from datetime import UTC, datetime

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from disctrack.core.forms import option_tags
from disctrack.reports import formatting

register = template.Library()


@register.filter
def pct(value, digits: int = 0) -> str:
    return formatting.percent(value, digits)


@register.filter
def pct_ci(row: dict | None, digits: int = 0) -> str:
    """A row's ``estimate`` (or ``rate``) with its interval: ``54% (40–67%)``."""
    if not row:
        return formatting.NOT_ESTIMABLE
    value = row.get("estimate", row.get("rate"))
    return formatting.percent_ci(value, row.get("ci_low"), row.get("ci_high"), digits)


@register.filter
def in_sentence(label: str) -> str:
    return formatting.in_sentence(label)


@register.filter
def num(value, digits: int = 1) -> str:
    return formatting.number(value, digits)


@register.filter
def num_ci(row: dict | None, digits: int = 1) -> str:
    """A mean or difference with its interval: ``−18.1 (−22.0 to −14.2)``."""
    if not row or row.get("estimate") is None:
        return formatting.NOT_ESTIMABLE
    span = formatting.number_interval(row.get("ci_low"), row.get("ci_high"), digits)
    text = formatting.number(row["estimate"], digits)
    return f"{text} ({span})" if span else text


@register.filter
def scaled(value, factor):
    return None if value is None else value * factor


@register.filter
def count(value):
    """A count as a machine-readable <data> element, or the word withheld."""
    if value is None:
        return formatting.WITHHELD
    return format_html('<data class="count" value="{}">{}</data>', int(value), f"{int(value):,}")


@register.filter
def group_label(code: str) -> str:
    return formatting.group_label(code)


@register.filter
def timepoint_label(code: str) -> str:
    return formatting.timepoint_label(code)


@register.filter
def get(mapping: dict | None, key):
    return (mapping or {}).get(key)


@register.filter
def interval_bar(row: dict | None):
    """A rate and its interval on a 0-100% bar, as SVG shapes (no inline styles: the
    Content-Security-Policy allows none); the caller labels the <svg>."""
    if not row or row.get("estimate") is None:
        return ""
    # Numbers only go into the markup: nothing here needs escaping.
    shapes = [f'<rect class="bar-fill" width="{float(row["estimate"]) * 100:.1f}" height="10"/>']
    if row.get("ci_low") is not None and row.get("ci_high") is not None:
        low, high = float(row["ci_low"]) * 100, float(row["ci_high"]) * 100
        shapes.append(f'<rect class="bar-range" x="{low:.1f}" y="3.5" width="{max(high - low, 0.5):.1f}" height="3"/>')
    return mark_safe("".join(shapes))


@register.filter
def when(iso: str | None) -> str:
    """An ISO timestamp as ``2026-11-24 16:23 UTC``."""
    if not iso:
        return ""
    moment = datetime.fromisoformat(iso).astimezone(UTC)
    return f"{moment:%Y-%m-%d %H:%M} UTC"


@register.simple_tag
def options(choices, selected=""):
    """<option>s of (value, label) pairs (core.forms.option_tags)."""
    return option_tags(choices, selected)
