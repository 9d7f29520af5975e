"""Candidacy on the patient page: how patients like this one did with each treatment."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from disctrack.outcomes import load_definitions
from disctrack.registry.access import access_patient, site_ids
from disctrack.reports.candidacy import estimates, fitted_model


@login_required
def candidacy(request, registry_id: str):
    """An HTML fragment for the patient page (``?fragment=1`` or htmx), else a page."""
    patient = access_patient(request.user, registry_id)
    model, reason = fitted_model(site_ids(request.user))
    defs = load_definitions()
    context = {
        "patient": patient, "result": estimates(model, patient) if model else None, "reason": reason,
        "definitions": defs.stamp(), "timepoint": defs.primary_timepoint,
        "min_similar": defs.section("candidacy")["min_similar"], "checks": defs.section("candidacy"),
    }
    fragment = request.GET.get("fragment") == "1" or request.headers.get("HX-Request") == "true"
    template = "reports/_candidacy.html" if fragment else "reports/candidacy.html"
    return render(request, template, context)
