"""The public outcomes page and its JSON: registry-wide aggregates, no log-in."""

from __future__ import annotations

import hashlib
import json

from django.http import JsonResponse
from django.shortcuts import render

from disctrack.registry.models import Site
from disctrack.reports.analysis import PAGE
from disctrack.reports.public import PUBLIC_SECTIONS, public_summary
from disctrack.reports.service import ReportPending, Selection, get_report
from disctrack.reports.views.pending import pending_json, pending_page


def registry_summary() -> dict | None:
    sites = list(Site.objects.all())
    if not sites:
        return None
    payload = get_report(Selection.of(s.id for s in sites), profile=PAGE, sections=PUBLIC_SECTIONS,
                         figures=False)
    names = {s.code: s.name for s in sites}
    summary = dict(_summary(payload["report"], names))
    summary["current"] = payload["freshness"]["current"]
    return summary


_LAST: dict[str, dict] = {}


def _summary(report: dict, names: dict[str, str]) -> dict:
    """The disclosure audit takes seconds: keep the last summary for an unchanged report."""
    key = hashlib.sha256(json.dumps([report, names], sort_keys=True, default=str).encode()).hexdigest()
    if key not in _LAST:
        _LAST.clear()
        _LAST[key] = public_summary(report, names)
    return _LAST[key]


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
