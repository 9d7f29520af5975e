"""Corrections of identity, episode and imaging (with a reason), and contact preferences."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from disctrack.registry.access import IDENTITY, WRITE, access_episode, access_patient, allows
from disctrack.registry.actions import (
    do_set_contact_preferences,
    do_set_imaging,
    do_update_episode,
    do_update_identity,
)
from disctrack.registry.forms.errors import FormGroup, add_action_errors
from disctrack.registry.forms.patients import (
    ContactPreferencesForm,
    EpisodeEditForm,
    IdentityEditForm,
    ImagingEditForm,
    imaging_forms,
)
from disctrack.registry.views.common import patient_context


def _data(request):
    return request.POST if request.method == "POST" else None


def _render(request, template, context, form):
    return render(request, template, context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def identity_edit(request, registry_id: str):
    patient = access_patient(request.user, registry_id, WRITE)
    context = patient_context(request.user, patient)
    if not allows(context["membership"], IDENTITY):
        raise PermissionDenied("Your role does not show identity")
    # A copy: the form changes its instance while validating, the page header must not.
    form = IdentityEditForm(_data(request), instance=copy.copy(context["identity"]))
    if request.method == "POST" and form.is_valid():
        try:
            do_update_identity(request.user, patient, form.changes(), form.cleaned_data["reason"])
        except ValidationError as exc:
            add_action_errors(exc, form)
        else:
            messages.success(request, "Identity corrected.")
            return redirect("patient-detail", registry_id=patient.registry_id)
    context["form"] = form
    return _render(request, "registry/identity_form.html", context, form)


@login_required
@require_http_methods(["GET", "POST"])
def episode_edit(request, episode_id: int):
    episode = access_episode(request.user, episode_id, WRITE)
    patient = episode.patient
    form = EpisodeEditForm(_data(request), instance=episode)
    if request.method == "POST" and form.is_valid():
        try:
            updated = do_update_episode(request.user, episode, form.changes(), form.cleaned_data["reason"])
        except ValidationError as exc:
            add_action_errors(exc, form)
        else:
            return _after_episode_saved(request, updated)
    context = patient_context(request.user, patient)
    context.update({"form": form, "episode": episode})
    return _render(request, "registry/episode_form.html", context, form)


def _after_episode_saved(request, episode):
    """When the levels changed, the imaging has to follow: go there next."""
    imaged = {row.level for row in episode.imaging.all()}
    if imaged != set(episode.levels):
        messages.warning(request, "Episode corrected. The painful levels changed: update the imaging to match.")
        return redirect("imaging-edit", episode_id=episode.id)
    messages.success(request, "Episode corrected.")
    return redirect("patient-detail", registry_id=episode.patient.registry_id)


@login_required
@require_http_methods(["GET", "POST"])
def imaging_edit(request, episode_id: int):
    episode = access_episode(request.user, episode_id, WRITE)
    patient = episode.patient
    reason_form = ImagingEditForm(_data(request))
    stored = {row.level: row for row in episode.imaging.all()}
    rows = imaging_forms(episode.levels, _data(request), stored)
    form = FormGroup(*rows, reason_form)
    if request.method == "POST" and form.is_valid():
        try:
            do_set_imaging(request.user, episode, [row.row() for row in rows],
                           reason_form.cleaned_data["reason"])
        except ValidationError as exc:
            add_action_errors(exc, reason_form, {f"imaging[{i}]": row for i, row in enumerate(rows)})
        else:
            messages.success(request, "Imaging corrected.")
            return redirect("patient-detail", registry_id=patient.registry_id)
    context = patient_context(request.user, patient)
    context.update({"form": form, "reason_form": reason_form, "rows": rows, "episode": episode,
                    "removed": sorted(set(stored) - set(episode.levels))})
    return _render(request, "registry/imaging_form.html", context, form)


@login_required
@require_http_methods(["GET", "POST"])
def contact_preferences(request, registry_id: str):
    patient = access_patient(request.user, registry_id, WRITE)
    initial = {"email_opt_out": patient.email_opt_out, "sms_opt_out": patient.sms_opt_out,
               "language": patient.language}
    form = ContactPreferencesForm(_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            do_set_contact_preferences(request.user, patient, **form.cleaned_data)
        except ValidationError as exc:
            add_action_errors(exc, form)
        else:
            messages.success(request, "Contact preferences saved; they apply to the next message.")
            return redirect("patient-detail", registry_id=patient.registry_id)
    context = patient_context(request.user, patient)
    context["form"] = form
    return _render(request, "registry/contact_form.html", context, form)
