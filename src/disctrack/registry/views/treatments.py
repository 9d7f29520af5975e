"""Recording a treatment and correcting one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from disctrack.registry.access import WRITE, access_patient, access_treatment
from disctrack.registry.actions import do_record_treatment, do_update_treatment
from disctrack.registry.choices import TreatmentRole
from disctrack.registry.forms.errors import add_action_errors
from disctrack.registry.forms.treatments import TreatmentEditForm, TreatmentRecordForm
from disctrack.registry.models import TimePointStatus
from disctrack.registry.views.common import current_episode, patient_context


@login_required
@require_http_methods(["GET", "POST"])
def treatment_record(request, registry_id: str):
    patient = access_patient(request.user, registry_id, WRITE)
    episode = current_episode(patient)
    index = episode.treatments.filter(role=TreatmentRole.INDEX).first()
    data = request.POST if request.method == "POST" else None
    # The event page links here with ?role=subsequent_surgery.
    initial = {"role": request.GET.get("role", "")}
    form = TreatmentRecordForm(data, site=patient.site, has_index=index is not None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            treatment = do_record_treatment(request.user, episode, form.treatment_data())
        except ValidationError as exc:
            add_action_errors(exc, form)
        else:
            messages.success(request, f"{treatment.get_role_display()} recorded: {treatment}.")
            return redirect("patient-detail", registry_id=patient.registry_id)
    context = patient_context(request.user, patient)
    context.update({"form": form, "episode": episode, "index": index})
    return render(request, "registry/treatment_form.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def treatment_edit(request, treatment_id: int):
    treatment = access_treatment(request.user, treatment_id, WRITE)
    patient = treatment.episode.patient
    old_date = treatment.performed_on
    data = request.POST if request.method == "POST" else None
    form = TreatmentEditForm(data, instance=treatment, site=patient.site)
    if request.method == "POST" and form.is_valid():
        try:
            updated = do_update_treatment(
                request.user, treatment, form.treatment_data(), form.cleaned_data["change_reason"]
            )
        except ValidationError as exc:
            add_action_errors(exc, form)
        else:
            messages.success(request, _saved_message(updated, old_date))
            return redirect("patient-detail", registry_id=patient.registry_id)
    pending = treatment.timepoints.filter(status=TimePointStatus.PENDING).count()
    context = patient_context(request.user, patient)
    context.update({"form": form, "treatment": treatment, "pending_count": pending})
    return render(request, "registry/treatment_form.html", context, status=400 if form.errors else 200)


def _saved_message(treatment, old_date) -> str:
    if treatment.performed_on != old_date and treatment.role == TreatmentRole.INDEX:
        return (f"Treatment corrected. Its date moved from {old_date} to {treatment.performed_on}, "
                "so the pending follow-up time points were rescheduled.")
    return "Treatment corrected."
