"""The patient page's follow-up questionnaires and its charts of the answers over time.

Added to the registry's patient page by `disctrack/wiring.py` (registry/views/sections.py).
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from disctrack.instruments import UnknownInstrument, load_library
from disctrack.registry.models import TimePointStatus
from disctrack.registry.views.patient_page import timepoint_state
from disctrack.registry.views.sections import PatientPage
from disctrack.surveys.models import Response, ResponseStatus, SurveyLink
from disctrack.surveys.views.charts import patient_charts


def timepoints_with_links(patient):
    usable = SurveyLink.objects.filter(
        submitted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).order_by("-expires_at")
    submitted = Response.objects.filter(status=ResponseStatus.SUBMITTED).order_by("instrument", "-version")
    return patient.timepoints.order_by("target_on", "id").prefetch_related(
        Prefetch("links", queryset=usable, to_attr="usable_links"),
        Prefetch("responses", queryset=submitted, to_attr="submitted_responses"),
    )


def _latest_by_instrument(tp) -> dict:
    """The latest submitted version of each instrument's response (prefetched newest first)."""
    latest: dict = {}
    for response in tp.submitted_responses:
        latest.setdefault(response.instrument, response)
    return latest


def _title(instrument: str) -> str:
    try:
        return load_library().get(instrument).title("en")
    except UnknownInstrument:
        return instrument


def annotate_timepoints(timepoints, today, can_write: bool) -> list:
    """Each time point with its state and the actions open to the user."""
    rows = list(timepoints)
    for tp in rows:
        tp.state_label, tp.state_badge = timepoint_state(tp, today)
        tp.can_link = can_write and tp.is_open_on(today)
        # Late paper forms are welcome; answers to a time point not yet open are not.
        enterable = tp.status == TimePointStatus.MISSED or (
            tp.status == TimePointStatus.PENDING and today >= tp.opens_on)
        tp.enter_url = reverse("response-enter", args=[tp.id]) if can_write and enterable else None
        tp.open_in_clinic_url = reverse("survey-open-in-clinic", args=[tp.id]) if tp.can_link else None
        tp.current_responses = _latest_by_instrument(tp)
        tp.response_links = [(_title(name), reverse("response-detail", args=[response.pk]))
                             for name, response in tp.current_responses.items()]
    return rows


def followup_section(page: PatientPage) -> str:
    timepoints = annotate_timepoints(timepoints_with_links(page.patient), page.today, page.can_write)
    context = {
        "patient": page.patient,
        "timepoints": timepoints,
        "charts": patient_charts(timepoints),
        "can_write": page.can_write,
    }
    return render_to_string("surveys/staff/_patient_followup.html", context, request=page.request)
