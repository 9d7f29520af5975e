"""The public outcomes page and its JSON: registry-wide aggregates, no log-in."""

from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import render

from disctrack.registry.models import Site
from disctrack.reports.analysis import PAGE
from disctrack.reports.public import PUBLIC_SECTIONS, public_summary
from disctrack.reports.service import Selection, get_report


def registry_summary() -> dict | None:
    sites = list(Site.objects.all())
    if not sites:
        return None
    payload = get_report(Selection.of(s.id for s in sites), profile=PAGE, sections=PUBLIC_SECTIONS,
                         figures=False)
    return public_summary(payload["report"], {s.code: s.name for s in sites})


def public_outcomes(request):
    return render(request, "reports/public.html", {"summary": registry_summary()})


def public_outcomes_json(request):
    summary = registry_summary() or {"treatments": [], "note": "The registry has no sites yet"}
    return JsonResponse(summary, json_dumps_params={"indent": 2, "ensure_ascii": False})
