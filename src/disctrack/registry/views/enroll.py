"""Enrolling a patient: identity, episode of care and imaging in one form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from disctrack.registry.access import WRITE, site_ids
from disctrack.registry.actions import do_enroll_patient
from disctrack.registry.forms.enroll import EnrollmentForm


@login_required
@require_http_methods(["GET", "POST"])
def enroll(request):
    if not site_ids(request.user, WRITE):
        raise PermissionDenied("Your role does not allow enrolling patients")
    form = EnrollmentForm(request.user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            patient = do_enroll_patient(
                request.user, form.registration.cleaned_data["site"], **form.enroll_arguments()
            )
        except ValidationError as exc:
            form.add_action_errors(exc)
        else:
            messages.success(request, f"Enrolled as {patient.registry_id}. Record the index treatment next.")
            return redirect("patient-detail", registry_id=patient.registry_id)
    status = 400 if request.method == "POST" else 200
    return render(request, "registry/enroll.html", {"form": form}, status=status)
