"""The data of the patient page: treatment details, time point states and a timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch
from django.utils import timezone

from disctrack.registry.choices import AdjudicationStatus, ConservativeComponent
from disctrack.registry.forms.treatments import TreatmentForm, fields_for_kind
from disctrack.registry.models import Complication, Event, TimePointStatus, Treatment


@dataclass(frozen=True)
class TimelineItem:
    on: date
    title: str
    detail: str = ""
    badge: str = ""


def episodes_with_records(patient):
    """Episodes with imaging, treatments, complications and events: five queries in all."""
    return patient.episodes.order_by("-diagnosed_on", "-id").prefetch_related(
        "imaging",
        Prefetch("treatments", queryset=Treatment.objects.select_related("physician")),
        Prefetch("complications", queryset=Complication.objects.select_related(
            "treatment", "adjudicated_by")),
        Prefetch("events", queryset=Event.objects.select_related("recorded_by")),
    )


def timepoint_state(tp, today: date) -> tuple[str, str]:
    """What a time point's status means today, and its badge class."""
    if tp.status == TimePointStatus.ANSWERED:
        return "Answered", "ok"
    if tp.status == TimePointStatus.MISSED:
        return "Missed", "bad"
    if tp.status != TimePointStatus.PENDING:
        return tp.get_status_display(), ""
    if today < tp.opens_on:
        return "Upcoming", ""
    if today > tp.closes_on:
        return "Window closed", "bad"
    if today > tp.target_on:
        return "Overdue", "warn"
    return "Open", "warn"


def _display(treatment: Treatment, name: str):
    value = getattr(treatment, name)
    field = Treatment._meta.get_field(name)
    if field.choices:
        return getattr(treatment, f"get_{name}_display")()
    if name == "components":
        return ", ".join(ConservativeComponent(code).label for code in value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float):
        return f"{value:g}"
    return value


def treatment_facts(treatment: Treatment) -> list[tuple[str, object]]:
    """(label, value) of the kind-specific details that were recorded."""
    labels = TreatmentForm.Meta.labels
    facts = []
    for name in fields_for_kind(treatment.kind):
        if getattr(treatment, name) in (None, "", []):
            continue
        label = labels.get(name) or str(Treatment._meta.get_field(name).verbose_name).capitalize()
        facts.append((label, _display(treatment, name)))
    return facts


def _treatment_item(treatment: Treatment) -> TimelineItem:
    detail = f"{', '.join(treatment.levels)}; {treatment.physician}"
    title = f"{treatment.get_role_display()}: {treatment.get_kind_display()}"
    return TimelineItem(treatment.performed_on, title, detail)


def _timepoint_item(tp, zone) -> TimelineItem | None:
    if tp.status == TimePointStatus.ANSWERED and tp.answered_at:
        answered_on = timezone.localtime(tp.answered_at, zone).date()
        detail = f"by {tp.get_channel_display().lower()}" if tp.channel else ""
        return TimelineItem(answered_on, f"{tp.label} questionnaires answered", detail, "ok")
    if tp.status == TimePointStatus.MISSED:
        return TimelineItem(tp.closes_on, f"{tp.label} questionnaires missed", "", "bad")
    return None


def timeline(patient, episodes, timepoints) -> list[TimelineItem]:
    """Everything that happened to the patient, oldest first."""
    zone = patient.site.zone
    items = [TimelineItem(timezone.localtime(patient.enrolled_at, zone).date(), "Enrolled")]
    for episode in episodes:
        items.append(TimelineItem(episode.diagnosed_on, "Diagnosis", ", ".join(episode.levels)))
        items.extend(_treatment_item(t) for t in episode.treatments.all())
        items.extend(
            TimelineItem(c.occurred_on, f"Complication: {c.get_category_display()}",
                         f"{c.get_severity_display()}; {c.get_status_display().lower()}",
                         "warn" if c.status == AdjudicationStatus.PENDING else "")
            for c in episode.complications.all()
        )
        items.extend(TimelineItem(e.occurred_on, e.get_kind_display(), e.reason, "bad")
                     for e in episode.events.all())
    items.extend(item for tp in timepoints if (item := _timepoint_item(tp, zone)))
    return sorted(items, key=lambda item: item.on)
