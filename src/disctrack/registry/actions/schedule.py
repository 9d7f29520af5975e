"""Lay out a patient's expected time points when treatments are recorded, and move them.

The windows come from the site's protocol (`disctrack.protocols`). Moving a pending time
point sends `timepoint_moved`, on which the follow-up app cancels its queued messages and
plans its reminders again from the new window.
"""

from __future__ import annotations

from disctrack.core.timing import local_today, now_utc
from disctrack.protocols import Protocol, get_protocol
from disctrack.registry.actions.timepoints import close_timepoint
from disctrack.registry.audit import Actor, audit_change, audit_create, snapshot
from disctrack.registry.choices import TreatmentRole
from disctrack.registry.models import TimePoint, TimePointStatus, Treatment
from disctrack.registry.signals import timepoint_moved


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


def reschedule_pending(actor: Actor, treatment: Treatment, reason: str,
                       protocol: Protocol | None = None) -> list[TimePoint]:
    """Move every pending time point to the treatment's (new) date or protocol, audited.

    Answered and closed time points are never touched. Time points the new protocol adds are
    created unless their window has already closed (they were never asked); pending ones it
    drops are stopped with the reason. Returns the time points created, moved or stopped.
    Call inside an action's transaction.
    """
    protocol = protocol or protocol_for(treatment)
    patient = treatment.episode.patient
    now = now_utc()
    today = local_today(patient.site.zone, now)
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
        before = None if tp.pk is None else snapshot(tp)
        moved_from = None if tp.pk is None else _window_fields(tp)
        tp.protocol, tp.protocol_version = protocol.name, protocol.version
        tp.label, tp.months, tp.instruments = spec.label, spec.months, list(spec.instruments)
        tp.opens_on, tp.target_on, tp.closes_on = opens, target, closes
        if moved_from == _window_fields(tp):
            continue
        tp.save()
        if before is None:
            audit_create(actor, tp, patient, reason)
        else:
            audit_change(actor, tp, before, patient, reason)
            timepoint_moved.send(TimePoint, timepoint=tp, reason="rescheduled", now=now)
        changed.append(tp)
    dropped = f"not in protocol {protocol.name} v{protocol.version}"
    for tp in existing.values():
        if tp.status != TimePointStatus.PENDING:
            continue
        tp.patient = patient
        if close_timepoint(actor, tp, TimePointStatus.STOPPED, dropped, now=now, audit_reason=reason):
            changed.append(tp)
    return changed
