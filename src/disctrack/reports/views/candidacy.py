"""Candidacy on the patient page: how patients like this one did with each treatment."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from disctrack.outcomes import load_definitions
from disctrack.registry.access import access_patient, site_ids
from disctrack.reports.candidacy import estimates, fitted_model

RETRY_SECONDS = 5


@login_required
def candidacy(request, registry_id: str):
    """An HTML fragment for the patient page (``?fragment=1`` or htmx), else a page."""
    patient = access_patient(request.user, registry_id)
    fit = fitted_model(site_ids(request.user))
    defs = load_definitions()
    context = {
        "patient": patient, "result": estimates(fit.model, patient) if fit.model else None,
        "reason": fit.reason, "pending": fit.pending,
        "definitions": defs.stamp(), "timepoint": defs.primary_timepoint,
        "min_similar": defs.section("candidacy")["min_similar"], "checks": defs.section("candidacy"),
    }
    fragment = request.GET.get("fragment") == "1" or request.headers.get("HX-Request") == "true"
    template = "reports/_candidacy.html" if fragment else "reports/candidacy.html"
    # 202 while the models are being fitted: the patient page asks again (patient.js).
    response = render(request, template, context, status=202 if fit.pending else 200)
    if fit.pending:
        response["Retry-After"] = str(RETRY_SECONDS)
    return response
