"""Recording up to when the patient's surgery status is known."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from disctrack.registry.access import WRITE, access_episode
from disctrack.registry.actions import do_record_surgery_status_known
from disctrack.registry.forms.errors import add_action_errors
from disctrack.registry.forms.status import SurgeryStatusForm
from disctrack.registry.views.common import patient_context


@login_required
@require_http_methods(["GET", "POST"])
def surgery_status_record(request, episode_id: int):
    episode = access_episode(request.user, episode_id, WRITE)
    patient = episode.patient
    initial = {"surgery_status_known_on": episode.surgery_status_known_on}
    form = SurgeryStatusForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        arguments = form.status_arguments()
        try:
            do_record_surgery_status_known(request.user, episode, **arguments)
        except ValidationError as exc:
            add_action_errors(exc, form)
        else:
            messages.success(request, _("Surgery status recorded as known up to %(date)s.")
                             % {"date": arguments["known_on"].isoformat()})
            return redirect("patient-detail", registry_id=patient.registry_id)
    context = patient_context(request.user, patient)
    context.update({"form": form, "episode": episode})
    return render(request, "registry/surgery_status_form.html", context,
                  status=400 if form.errors else 200)
