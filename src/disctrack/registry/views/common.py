"""What every patient page needs: the patient, the user's role there, identity if allowed."""

from __future__ import annotations

from datetime import date

from django.http import Http404
from django.utils import timezone

from disctrack.registry.access import IDENTITY, allows, membership_at
from disctrack.registry.models import Episode, Patient, PatientIdentity, Site


def patient_context(user, patient: Patient) -> dict:
    """The page header's context; `identity` is None for roles that may not see it."""
    membership = membership_at(user, patient.site_id)
    identity = None
    if allows(membership, IDENTITY):
        identity = PatientIdentity.objects.filter(patient=patient).first()
    return {"patient": patient, "membership": membership, "identity": identity}


def current_episode(patient: Patient) -> Episode:
    """The episode new treatments, complications and events belong to: the latest one."""
    episode = patient.episodes.order_by("-diagnosed_on", "-id").first()
    if episode is None:
        raise Http404("The patient has no episode of care")
    return episode


def site_today(site: Site) -> date:
    """Today's date on the site's calendar, which decides what is due and what is late."""
    return timezone.localdate(timezone=site.zone)
