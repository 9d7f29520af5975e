"""The call worklist of a site: who is due, who is overdue, who to call, which letters to post."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, OuterRef, Subquery

from disctrack.core.timing import local_today
from disctrack.followup.models import (
    CallLog,
    CallOutcome,
    FollowupTask,
    MessageStatus,
    OutboundMessage,
    Step,
    TaskKind,
    TaskStatus,
)
from disctrack.registry.models import Site, TimePoint, TimePointStatus

ROWS_SHOWN = 200


@dataclass
class Section:
    title: str
    rows: list
    total: int

    @property
    def truncated(self) -> bool:
        return self.total > len(self.rows)


@dataclass
class Worklist:
    site: Site
    today: date
    sections: list[Section] = field(default_factory=list)


def _annotated(queryset, prefix: str = ""):
    """Last message sent, and calls made, for each time point, in the same query."""
    tp = OuterRef(f"{prefix}pk")
    sent = OutboundMessage.objects.filter(timepoint=tp, status=MessageStatus.SENT).order_by("-sent_at")
    calls = CallLog.objects.filter(timepoint=tp).order_by("-at")
    return queryset.annotate(
        last_step=Subquery(sent.values("step")[:1]),
        last_sent_at=Subquery(sent.values("sent_at")[:1]),
        last_call=Subquery(calls.values("outcome")[:1]),
        call_count=Subquery(
            CallLog.objects.filter(timepoint=tp).values("timepoint").annotate(n=Count("pk")).values("n")[:1]
        ),
    )


def _timepoints(site: Site):
    return TimePoint.objects.filter(patient__site=site, status=TimePointStatus.PENDING)


def _section(title: str, queryset, order: tuple[str, ...], related: list[str], prefix: str = "") -> Section:
    """The first ROWS_SHOWN rows in ``order``, then their columns: sorting annotated rows
    would compute every candidate's subqueries before the first row is shown."""
    shown = list(queryset.order_by(*order).values_list("pk", flat=True)[:ROWS_SHOWN])
    chosen = queryset.model.objects.filter(pk__in=shown).select_related(*related)
    rows = list(_annotated(chosen, prefix).order_by(*order))
    for row in rows:
        row.last_step_label = Step(row.last_step).label if row.last_step else ""
        row.last_call_label = CallOutcome(row.last_call).label if row.last_call else ""
    return Section(title, rows, queryset.count())


def _tasks(site: Site, kind: str, today: date):
    return FollowupTask.objects.filter(
        timepoint__patient__site=site, timepoint__status=TimePointStatus.PENDING,
        kind=kind, status=TaskStatus.OPEN, due_on__lte=today,
    )


def build_worklist(site: Site, with_identity: bool) -> Worklist:
    today = local_today(site.zone)
    open_now = _timepoints(site).filter(opens_on__lte=today, closes_on__gte=today)
    patient = ["patient", "patient__identity"] if with_identity else ["patient"]
    task_patient = [f"timepoint__{name}" for name in patient]
    task_order = ("due_on", "timepoint__target_on", "id")
    return Worklist(site=site, today=today, sections=[
        _section("To call", _tasks(site, TaskKind.CALL, today), task_order, task_patient, "timepoint__"),
        _section("Overdue", open_now.filter(target_on__lt=today), ("closes_on", "id"), patient),
        _section("Due", open_now.filter(target_on__gte=today), ("target_on", "id"), patient),
        _section("Letters to post", _tasks(site, TaskKind.LETTER, today), task_order, task_patient,
                 "timepoint__"),
    ])
