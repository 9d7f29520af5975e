"""The patient page: everything recorded about one patient, with what can be done next."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from disctrack.registry.access import ADJUDICATE, MANAGE, WRITE, access_patient, allows
from disctrack.registry.choices import PatientStatus, TreatmentRole
from disctrack.registry.models import Treatment
from disctrack.registry.status_known import latest_known, status_known_dates
from disctrack.registry.views.common import patient_context, site_today
from disctrack.registry.views.patient_page import episodes_with_records, timeline, treatment_facts
from disctrack.registry.views.sections import PatientPage, render_patient_sections


@login_required
@require_GET
def patient_detail(request, registry_id: str):
    patient = access_patient(request.user, registry_id)
    context = patient_context(request.user, patient)
    membership = context["membership"]
    can_write = allows(membership, WRITE)
    episodes = list(episodes_with_records(patient))
    for episode in episodes:
        for treatment in episode.treatments.all():
            treatment.facts = treatment_facts(treatment)
    today = site_today(patient.site)
    _attach_status_known(patient, episodes, today)
    if context["identity"]:
        context["age"] = context["identity"].age_on(today)
    page = PatientPage(request, patient, membership, today, can_write)
    context.update({
        "episodes": episodes,
        "sections": render_patient_sections(page),
        "timeline": timeline(patient, episodes, patient.timepoints.all()),
        "can_write": can_write,
        "can_adjudicate": allows(membership, ADJUDICATE),
        "can_manage": allows(membership, MANAGE),
        "can_record_event": can_write and patient.status != PatientStatus.DEAD,
    })
    return render(request, "registry/patient_detail.html", context)


def _attach_status_known(patient, episodes, today) -> None:
    """Each episode's latest date its surgery status was known (None before its index)."""
    index = Treatment.objects.filter(episode__patient=patient, role=TreatmentRole.INDEX)
    latest = latest_known(status_known_dates(index), until=today)
    for episode in episodes:
        treated = [t for t in episode.treatments.all() if t.role == TreatmentRole.INDEX]
        episode.status_known = latest.get(treated[0].pk) if treated else None
