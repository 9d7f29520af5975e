"""Creating a questionnaire link for one time point; the link is shown once, never stored."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from disctrack.registry.access import WRITE, access_patient
from disctrack.registry.models import TimePointStatus
from disctrack.registry.views.common import patient_context, site_today
from disctrack.surveys.actions import do_create_link
from disctrack.surveys.links import survey_url


@never_cache
@login_required
@require_POST
def timepoint_link(request, registry_id: str, timepoint_id: int):
    patient = access_patient(request.user, registry_id, WRITE)
    timepoint = get_object_or_404(patient.timepoints, pk=timepoint_id)
    today = site_today(patient.site)
    if timepoint.status == TimePointStatus.PENDING and not timepoint.is_open_on(today):
        # A link outside the window would collect answers the protocol does not ask for.
        messages.error(request, f"The {timepoint.label} questionnaires can be answered from "
                                f"{timepoint.opens_on} to {timepoint.closes_on}, not today.")
        return redirect("patient-detail", registry_id=patient.registry_id)
    try:
        link, token = do_create_link(request.user, timepoint)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("patient-detail", registry_id=patient.registry_id)
    context = patient_context(request.user, patient)
    context.update({"timepoint": timepoint, "link": link, "url": survey_url(token)})
    # Rendered, not redirected: the token exists only in this response.
    return render(request, "surveys/staff/link.html", context)
