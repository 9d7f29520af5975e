"""A response's answers, scores and versions; correcting it as a new version with a reason."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from disctrack.instruments import load_library
from disctrack.registry.access import READ, WRITE, allows, membership_at
from disctrack.surveys.access import access_response
from disctrack.surveys.actions import current_responses, do_correct_response
from disctrack.surveys.forms import CorrectionForm, InstrumentForm
from disctrack.surveys.models import Response, ResponseStatus
from disctrack.surveys.views.staff_common import (
    STAFF_LANGUAGE,
    error_links,
    render_staff,
    route_errors,
)


def _versions(response: Response) -> list[Response]:
    return list(
        Response.objects.filter(timepoint_id=response.timepoint_id, instrument=response.instrument)
        .select_related("entered_by")
        .order_by("version")
    )


@never_cache
@login_required
@require_GET
def response_detail(request, response_id: int):
    response = access_response(request.user, response_id, READ)
    timepoint = response.timepoint
    versions = _versions(response)
    # Shown with the revision the patient answered, so the wording is what they read.
    instrument = load_library().get(response.instrument, response.instrument_revision)
    current = current_responses(timepoint)
    may_write = allows(membership_at(request.user, timepoint.patient.site_id), WRITE)
    return render_staff(request, "surveys/staff/detail.html", {
        "response": response,
        "timepoint": timepoint,
        "title": instrument.title(STAFF_LANGUAGE),
        "rows": InstrumentForm(instrument, STAFF_LANGUAGE, initial=response.answers).summary(),
        "scores": sorted(response.scores.items()),
        "versions": versions,
        "is_latest": versions[-1].pk == response.pk,
        "can_correct": may_write and response.status == ResponseStatus.SUBMITTED
        and versions[-1].pk == response.pk,
        "others": [current[name] for name in timepoint.instruments if name in current],
    })


def _correction_page(request, response, form, reason, status=200):
    return render_staff(request, "surveys/staff/correct.html", {
        "response": response, "timepoint": response.timepoint, "form": form, "reason": reason,
        "errors": error_links([reason], [form]),
    }, status=status)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def response_correct(request, response_id: int):
    response = access_response(request.user, response_id, WRITE)
    if response.status != ResponseStatus.SUBMITTED:
        messages.error(request, "Answers still in progress cannot be corrected; they are not submitted yet.")
        return redirect("response-detail", response.pk)
    latest = _versions(response)[-1]
    if latest.pk != response.pk:
        messages.info(request, f"Version {latest.version} is the current one; corrections start from it.")
        return redirect("response-correct", latest.pk)
    instrument = load_library().get(response.instrument)
    if request.method == "GET":
        form = InstrumentForm(instrument, STAFF_LANGUAGE, initial=response.answers)
        return _correction_page(request, response, form, CorrectionForm())
    form = InstrumentForm(instrument, STAFF_LANGUAGE, data=request.POST)
    reason = CorrectionForm(request.POST)
    if not all([reason.is_valid(), form.is_valid()]):
        return _correction_page(request, response, form, reason, status=400)
    try:
        corrected = do_correct_response(request.user, response, form.cleaned,
                                        reason.cleaned_data["reason"])
    except ValidationError as exc:
        route_errors(exc, reason, [form])
        return _correction_page(request, response, form, reason, status=400)
    messages.success(request, f"Version {corrected.version} saved; version {response.version} is kept as it was.")
    return redirect("response-detail", corrected.pk)
