"""Staff enter a paper, telephone or in-clinic response, or open the questionnaire on the
clinic's tablet for the patient."""

from __future__ import annotations

from datetime import date, datetime, time

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from disctrack.instruments import load_library
from disctrack.registry.access import WRITE, access_timepoint
from disctrack.registry.models import Channel, Site, TimePoint, TimePointStatus
from disctrack.surveys.actions import current_responses, do_create_link, do_enter_response
from disctrack.surveys.forms import EntryForm, InstrumentForm
from disctrack.surveys.views.staff_common import (
    STAFF_LANGUAGE,
    error_links,
    render_staff,
    route_errors,
)

ENTERABLE = (TimePointStatus.PENDING, TimePointStatus.MISSED)
# A tablet link is for the visit under way; it should not outlive the day.
CLINIC_LINK_DAYS = 1


def completed_at(day: date, site: Site) -> datetime | None:
    """When a form completed on `day` (the site's calendar) was answered.

    Today means now. An earlier day is taken at noon on the site's clock, which keeps that
    calendar date at the site whatever its offset from UTC.
    """
    if day == timezone.localdate(timezone=site.zone):
        return None
    return datetime.combine(day, time(12), tzinfo=site.zone)


def _closed(request, timepoint: TimePoint):
    current = current_responses(timepoint)
    responses = [current[name] for name in timepoint.instruments if name in current]
    return render_staff(request, "surveys/staff/closed.html",
                  {"timepoint": timepoint, "responses": responses}, status=409)


def _page(request, timepoint, entry, forms, status=200):
    return render_staff(request, "surveys/staff/enter.html", {
        "timepoint": timepoint, "entry": entry, "forms": forms,
        "errors": error_links([entry], forms),
    }, status=status)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def response_enter(request, timepoint_id: int):
    timepoint = access_timepoint(request.user, timepoint_id, WRITE)
    if timepoint.status not in ENTERABLE:
        return _closed(request, timepoint)
    site = timepoint.patient.site
    library = load_library()
    instruments = [library.get(name) for name in timepoint.instruments]
    if request.method == "GET":
        entry = EntryForm(site=site, initial={
            "completed_on": timezone.localdate(timezone=site.zone),
            "language": timepoint.patient.language,
        })
        return _page(request, timepoint, entry, [InstrumentForm(i, STAFF_LANGUAGE) for i in instruments])
    entry = EntryForm(request.POST, site=site)
    forms = [InstrumentForm(i, STAFF_LANGUAGE, data=request.POST) for i in instruments]
    valid = [entry.is_valid()] + [form.is_valid() for form in forms]
    if not all(valid):
        return _page(request, timepoint, entry, forms, status=400)
    try:
        stored = do_enter_response(
            request.user, timepoint, {form.instrument.name: form.cleaned for form in forms},
            channel=entry.cleaned_data["channel"], language=entry.cleaned_data["language"],
            completed_at=completed_at(entry.cleaned_data["completed_on"], site),
        )
    except ValidationError as exc:
        route_errors(exc, entry, forms, {"completed_at": "completed_on"})
        return _page(request, timepoint, entry, forms, status=400)
    messages.success(request, f"{timepoint.label} answers recorded ({len(stored)} questionnaires).")
    return redirect("response-detail", stored[0].pk)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def open_in_clinic(request, timepoint_id: int):
    """Hand the device to the patient: a short-lived link, and this device logged out, so
    the patient cannot wander into the registry."""
    timepoint = access_timepoint(request.user, timepoint_id, WRITE)
    error = ""
    if request.method == "POST":
        try:
            _, token = do_create_link(request.user, timepoint, valid_days=CLINIC_LINK_DAYS,
                                      channel=Channel.CLINIC)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            logout(request)
            return redirect("survey-start", token)
    return render_staff(request, "surveys/staff/open_in_clinic.html",
                  {"timepoint": timepoint, "error": error}, status=409 if error else 200)
