"""Import steps for how follow-up went: closed time points, complications and events."""

from __future__ import annotations

from disctrack.interop.actions import do_restore_timepoint_closure
from disctrack.interop.context import ACTOR, ImportContext, Target
from disctrack.interop.csv_format import COMPLICATIONS, EVENTS, TIMEPOINTS
from disctrack.interop.reading import Row
from disctrack.interop.references import episode_for, timepoint_for, treatment_for
from disctrack.registry.actions import (
    do_adjudicate_complication,
    do_record_complication,
    do_record_event,
)
from disctrack.registry.choices import AdjudicationStatus
from disctrack.registry.models import CLOSED_STATUSES, TimePointStatus

# Closed by the events of events.csv on import; their rows are checked once events are in.
CLOSED_BY_EVENTS = (TimePointStatus.WITHDRAWN, TimePointStatus.DEAD)
CLOSED = tuple(status for status in TimePointStatus.values if status in CLOSED_STATUSES)
COMPLICATION_FIELDS = ("category", "occurred_on", "severity", "relatedness", "description")


def restore_missed(ctx: ImportContext) -> None:
    """Check every timepoints.csv row, and close the missed ones.

    Missed time points close before later treatments are recorded, as their windows passed
    first; stopped ones wait for the later treatments, whose protocol rule may stop them.
    """
    for row in ctx.rows(TIMEPOINTS):
        if not row.readable:
            continue
        key = (row["registry_id"], row["treatment_no"], row["timepoint"])
        if not ctx.first_time(row, "timepoint", key, f"time point {key[2]} of treatment {key[1]}"):
            continue
        if row["status"] not in CLOSED:
            ctx.error(row, "status", f"{row['status']!r}: list only time points closed as "
                      f"{', '.join(CLOSED)}; answered ones come from responses.csv")
            continue
        timepoint = timepoint_for(ctx, row)
        if timepoint is None:
            continue
        if row["status"] == TimePointStatus.MISSED:
            _restore(ctx, row, timepoint)
        elif row["status"] == TimePointStatus.STOPPED:
            ctx.stopped.append((row, timepoint))
        else:
            ctx.closed_by_events.append((row, timepoint))


def restore_stopped(ctx: ImportContext) -> None:
    """Stop what the later treatments have not already stopped the same way."""
    for row, timepoint in ctx.stopped:
        timepoint.refresh_from_db()
        if (timepoint.status, timepoint.closed_reason) != (row["status"], row.get("closed_reason", "")):
            _restore(ctx, row, timepoint)


def _restore(ctx: ImportContext, row: Row, timepoint) -> None:
    ctx.attempt(row, lambda: do_restore_timepoint_closure(
        ACTOR, timepoint, status=row["status"], closed_reason=row.get("closed_reason", "")))


def check_closures_by_events(ctx: ImportContext) -> None:
    """Withdrawn and dead rows must describe what the events of events.csv did.

    Checked only once events.csv itself is free of errors: a rejected event row would make
    every time point it should have closed look wrong.
    """
    if any(error.file == EVENTS.file for error in ctx.log.errors):
        return
    for row, timepoint in ctx.closed_by_events:
        if row["registry_id"] in ctx.tainted:
            continue
        timepoint.refresh_from_db()
        found = (timepoint.status, timepoint.closed_reason)
        if found != (row["status"], row.get("closed_reason", "")):
            ctx.error(row, "status", f"after the events of events.csv the time point is "
                      f"{found[0]} ({found[1]!r}), not {row['status']} "
                      f"({row.get('closed_reason', '')!r})")


def load_complications(ctx: ImportContext) -> None:
    for row in ctx.rows(COMPLICATIONS):
        if row.readable and _adjudication_ok(ctx, row):
            _record_complication(ctx, row)


def _adjudication_ok(ctx: ImportContext, row: Row) -> bool:
    status = row.get("status", AdjudicationStatus.PENDING)
    if status not in AdjudicationStatus.values:
        ctx.error(row, "status", f"{status!r} is not an adjudication status; use "
                  f"{', '.join(AdjudicationStatus.values)}")
        return False
    if status == AdjudicationStatus.PENDING:
        extra = [name for name in ("adjudicated_by", "adjudication_note") if row.get(name)]
        for name in extra:
            ctx.error(row, name, "a complication awaiting adjudication has none yet")
        return not extra
    return True


def _record_complication(ctx: ImportContext, row: Row) -> None:
    episode = episode_for(ctx, row)
    if episode is None:
        return
    treatment = None
    if row.get("treatment_no") is not None:
        treatment = treatment_for(ctx, row)
        if treatment is None:
            return
    reporter = ctx.actor(row, "reported_by")
    status = row.get("status", AdjudicationStatus.PENDING)
    adjudicator = None
    if status != AdjudicationStatus.PENDING:
        adjudicator = ctx.actor(row, "adjudicated_by", required_for="adjudicated the complication")
    if reporter is None or (status != AdjudicationStatus.PENDING and adjudicator is None):
        return
    data = {**row.pick(*COMPLICATION_FIELDS), "treatment": treatment}
    complication = ctx.attempt(
        row, lambda: do_record_complication(reporter, episode, data),
        lambda key: Target(row, {"treatment": "treatment_no", "__all__": ""}.get(key, key)))
    if complication is None or adjudicator is None:
        return
    ctx.attempt(row, lambda: do_adjudicate_complication(
        adjudicator, complication, status=status, note=row.get("adjudication_note", "")))


def load_events(ctx: ImportContext) -> None:
    for row in ctx.rows(EVENTS):
        if not row.readable:
            continue
        episode = episode_for(ctx, row)
        actor = ctx.actor(row, "recorded_by") if episode is not None else None
        if actor is None:
            continue
        ctx.attempt(row, lambda row=row, episode=episode, actor=actor: do_record_event(
            actor, episode, kind=row["kind"], occurred_on=row["occurred_on"],
            reason=row.get("reason", "")))
