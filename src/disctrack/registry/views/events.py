"""Withdrawal, death or loss to follow-up."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from disctrack.registry.access import WRITE, access_patient
from disctrack.registry.actions import do_record_event
from disctrack.registry.forms.errors import add_action_errors
from disctrack.registry.forms.events import EventForm
from disctrack.registry.views.common import current_episode, patient_context


@login_required
@require_http_methods(["GET", "POST"])
def event_record(request, registry_id: str):
    patient = access_patient(request.user, registry_id, WRITE)
    episode = current_episode(patient)
    form = EventForm(request.POST if request.method == "POST" else None, episode=episode)
    if request.method == "POST" and form.is_valid():
        try:
            event = do_record_event(request.user, episode, **form.event_arguments())
        except ValidationError as exc:
            add_action_errors(exc, form)
        else:
            messages.success(request, f"{event} recorded; the patient's follow-up was updated.")
            return redirect("patient-detail", registry_id=patient.registry_id)
    context = patient_context(request.user, patient)
    context["form"] = form
    return render(request, "registry/event_form.html", context, status=400 if form.errors else 200)
