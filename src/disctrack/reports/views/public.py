"""The public outcomes page and its JSON: registry-wide aggregates, no log-in."""

from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from disctrack.core.memo import Kept
from disctrack.registry.models import Site
from disctrack.reports.analysis import PAGE
from disctrack.reports.public import PUBLIC_SECTIONS
from disctrack.reports.service import ReportPending, Selection, get_report
from disctrack.reports.views.pending import pending_json, pending_page


def _public_payload() -> dict | None:
    """The stored registry-wide public report (its summary computed with it), or None."""
    site_ids = list(Site.objects.values_list("id", flat=True))
    if not site_ids:
        return None
    return get_report(Selection.of(site_ids), profile=PAGE, sections=PUBLIC_SECTIONS, figures=False)


def _summary(payload: dict | None) -> dict | None:
    return None if payload is None else {**payload["public"], "current": payload["freshness"]["current"]}


def registry_summary() -> dict | None:
    """The stored public summary of the registry-wide report (computed with the report)."""
    return _summary(_public_payload())


# The page's content depends only on the stored snapshot, its freshness and the language:
# rendered once per process for each (the public page is the registry's most visited).
_BODIES = Kept(8)


def _body(request, payload: dict | None) -> str:
    key = (payload and payload["snapshot"], payload and payload["freshness"]["current"], get_language())
    return _BODIES.get_or_make(key, lambda: mark_safe(
        render_to_string("reports/_public_body.html", {"summary": _summary(payload)}, request)))


def public_outcomes(request):
    try:
        payload = _public_payload()
    except ReportPending as pending:
        return pending_page(request, pending, public=True)
    return render(request, "reports/public.html", {"body": _body(request, payload)})


def public_outcomes_json(request):
    try:
        summary = registry_summary() or {"treatments": [], "note": "The registry has no sites yet"}
    except ReportPending as pending:
        return pending_json(pending)
    return JsonResponse(summary, json_dumps_params={"indent": 2, "ensure_ascii": False})
