"""The public outcomes page and its JSON: registry-wide aggregates, no log-in."""

from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import render

from disctrack.registry.models import Site
from disctrack.reports.analysis import PAGE
from disctrack.reports.public import PUBLIC_SECTIONS
from disctrack.reports.service import ReportPending, Selection, get_report
from disctrack.reports.views.pending import pending_json, pending_page


def registry_summary() -> dict | None:
    """The stored public summary of the registry-wide report (computed with the report)."""
    sites = list(Site.objects.all())
    if not sites:
        return None
    payload = get_report(Selection.of(s.id for s in sites), profile=PAGE, sections=PUBLIC_SECTIONS,
                         figures=False)
    return {**payload["public"], "current": payload["freshness"]["current"]}


def public_outcomes(request):
    try:
        summary = registry_summary()
    except ReportPending as pending:
        return pending_page(request, pending, public=True)
    return render(request, "reports/public.html", {"summary": summary})


def public_outcomes_json(request):
    try:
        summary = registry_summary() or {"treatments": [], "note": "The registry has no sites yet"}
    except ReportPending as pending:
        return pending_json(pending)
    return JsonResponse(summary, json_dumps_params={"indent": 2, "ensure_ascii": False})
