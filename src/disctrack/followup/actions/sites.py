"""A site's choice of follow-up protocol, and a patient's opt-out from a channel."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from disctrack.followup.models import TimePoint
from disctrack.followup.protocols import ProtocolError, get_protocol
from disctrack.followup.schedule import reschedule_pending
from disctrack.registry.actions import do_set_contact_preferences
from disctrack.registry.audit import Actor, audit_change, audit_create, snapshot
from disctrack.registry.choices import PatientStatus, TreatmentRole
from disctrack.registry.models import Patient, Site, Treatment

CHANNELS = ("email", "sms")


@transaction.atomic
def do_change_site_protocol(actor: Actor, site: Site, protocol_name: str) -> list[TimePoint]:
    """The site follows another protocol: every pending time point of its patients moves.

    Answered and closed time points keep the protocol they were asked under.
    """
    try:
        protocol = get_protocol(protocol_name)
    except ProtocolError as exc:
        raise ValidationError({"protocol": str(exc)}) from None
    site = Site.objects.select_for_update().get(pk=site.pk)
    before = snapshot(site)
    site.protocol = protocol.name
    site.save(update_fields=["protocol"])
    reason = f"site follows protocol {protocol.name} v{protocol.version}"
    audit_change(actor, site, before, reason=reason)
    treatments = Treatment.objects.filter(
        role=TreatmentRole.INDEX, episode__patient__site=site,
        episode__patient__status=PatientStatus.ACTIVE,
    ).select_related("episode__patient__site")
    changed: list[TimePoint] = []
    for treatment in treatments:
        snapshots = {tp.pk: snapshot(tp) for tp in treatment.timepoints.all()}
        for tp in reschedule_pending(treatment, protocol):
            if tp.pk in snapshots:
                audit_change(actor, tp, snapshots[tp.pk], treatment.episode.patient, reason)
            else:
                audit_create(actor, tp, treatment.episode.patient, reason)
            changed.append(tp)
    return changed


@transaction.atomic
def do_opt_out(patient: Patient, channel: str) -> Patient:
    """The patient stops a channel from a link in a message; the worker obeys at once."""
    if channel not in CHANNELS:
        raise ValidationError({"channel": f"{channel!r} is not a channel; use e-mail or sms"})
    flags = {"email_opt_out": True} if channel == "email" else {"sms_opt_out": True}
    return do_set_contact_preferences("patient", patient, **flags,
                                      reason=f"opted out of {channel} through a message's link")
