"""Reporting a complication, and a clinician's adjudication of it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from disctrack.registry.access import ADJUDICATE, WRITE, access_complication, access_patient
from disctrack.registry.actions import do_adjudicate_complication, do_record_complication
from disctrack.registry.forms.errors import add_action_errors
from disctrack.registry.forms.events import AdjudicationForm, ComplicationForm
from disctrack.registry.views.common import current_episode, patient_context


@login_required
@require_http_methods(["GET", "POST"])
def complication_record(request, registry_id: str):
    patient = access_patient(request.user, registry_id, WRITE)
    episode = current_episode(patient)
    form = ComplicationForm(request.POST if request.method == "POST" else None, episode=episode)
    if request.method == "POST" and form.is_valid():
        try:
            complication = do_record_complication(request.user, episode, form.complication_data())
        except ValidationError as exc:
            add_action_errors(exc, form)
        else:
            messages.success(request, f"Complication recorded: {complication}. A clinician will adjudicate it.")
            return redirect("patient-detail", registry_id=patient.registry_id)
    context = patient_context(request.user, patient)
    context["form"] = form
    return render(request, "registry/complication_form.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def complication_adjudicate(request, complication_id: int):
    complication = access_complication(request.user, complication_id, ADJUDICATE)
    patient = complication.episode.patient
    data = request.POST if request.method == "POST" else None
    form = AdjudicationForm(data, complication=complication)
    if request.method == "POST" and form.is_valid():
        try:
            do_adjudicate_complication(request.user, complication, **form.adjudication_arguments())
        except ValidationError as exc:
            add_action_errors(exc, form)
        else:
            messages.success(request, "Adjudication recorded.")
            return redirect("patient-detail", registry_id=patient.registry_id)
    context = patient_context(request.user, patient)
    context.update({"form": form, "complication": complication})
    return render(request, "registry/adjudicate.html", context, status=400 if form.errors else 200)
