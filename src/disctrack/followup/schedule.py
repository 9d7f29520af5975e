"""Create and move a patient's expected time points when treatments are recorded or changed."""

from __future__ import annotations

from disctrack.followup.ladder import cancel_work
from disctrack.followup.models import TimePoint, TimePointStatus
from disctrack.followup.protocols import Protocol, get_protocol
from disctrack.followup.timing import local_today
from disctrack.registry.choices import TreatmentRole
from disctrack.registry.models import Treatment


def protocol_for(treatment: Treatment) -> Protocol:
    return get_protocol(treatment.episode.patient.site.protocol)


def create_timepoints(treatment: Treatment) -> list[TimePoint]:
    """The index treatment's time points, per the site's protocol. Call inside an action."""
    if treatment.role != TreatmentRole.INDEX:
        return []
    protocol = protocol_for(treatment)
    rows = []
    for spec in protocol.timepoints:
        opens, target, closes = spec.window(treatment.performed_on)
        rows.append(
            TimePoint(
                patient=treatment.episode.patient,
                treatment=treatment,
                protocol=protocol.name,
                protocol_version=protocol.version,
                code=spec.code,
                label=spec.label,
                months=spec.months,
                opens_on=opens,
                target_on=target,
                closes_on=closes,
                instruments=list(spec.instruments),
            )
        )
    return TimePoint.objects.bulk_create(rows)


def _window_fields(tp: TimePoint) -> tuple:
    return (tp.protocol, tp.protocol_version, tp.label, tp.months, tp.instruments,
            tp.opens_on, tp.target_on, tp.closes_on)


def reschedule_pending(treatment: Treatment, protocol: Protocol | None = None) -> list[TimePoint]:
    """Move every pending time point to the treatment's (new) date or protocol.

    Answered and closed time points are never touched. Time points the new protocol adds are
    created unless their window has already closed (they were never asked); pending ones it
    drops are stopped with the reason. A moved time point's queued messages are cancelled
    and its ladder is planned again by the worker from the new window, without repeating
    the steps already taken.
    """
    protocol = protocol or protocol_for(treatment)
    patient = treatment.episode.patient
    today = local_today(patient.site.zone)
    existing = {tp.code: tp for tp in treatment.timepoints.all()}
    changed: list[TimePoint] = []
    for spec in protocol.timepoints:
        opens, target, closes = spec.window(treatment.performed_on)
        tp = existing.pop(spec.code, None)
        if tp is None:
            if closes < today:
                continue
            tp = TimePoint(patient=patient, treatment=treatment, code=spec.code)
        elif tp.status != TimePointStatus.PENDING:
            continue
        before = None if tp.pk is None else _window_fields(tp)
        tp.protocol, tp.protocol_version = protocol.name, protocol.version
        tp.label, tp.months, tp.instruments = spec.label, spec.months, list(spec.instruments)
        tp.opens_on, tp.target_on, tp.closes_on = opens, target, closes
        if before == _window_fields(tp):
            continue
        tp.ladder_planned_at = None
        tp.save()
        cancel_work([tp.pk], "rescheduled")
        changed.append(tp)
    for tp in existing.values():
        if tp.status == TimePointStatus.PENDING:
            tp.status = TimePointStatus.STOPPED
            tp.closed_reason = f"not in protocol {protocol.name} v{protocol.version}"
            tp.save(update_fields=["status", "closed_reason"])
            cancel_work([tp.pk], tp.closed_reason)
            changed.append(tp)
    return changed
