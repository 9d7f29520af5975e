"""Completeness of follow-up: who was invited, who answered and how, who was missed.

The one definition of a time point's state as of a date, used by the completeness page and by
the report frames (``reports.followup_frames``), so that staff see the same completeness on
the completeness page, the report pages, the JSON and the PDF:

``answered``
    a questionnaire was submitted for it.
``missed``
    its window closed without an answer: closed as missed by the worker, still pending
    after its window closed (the worker has not run yet), or closed by a death or
    withdrawal recorded *after* its window had closed (it was due and never answered).
``stopped``
    the protocol stopped follow-up (after a subsequent surgery, or a time point dropped by
    a new protocol version): the patient was not asked.
``withdrawn``, ``dead``
    closed by a withdrawal or death recorded before its window closed.
``open``, ``upcoming``
    still pending: window open today, or not yet open.

Completeness (the response rate) is answered / (answered + missed): of the questionnaires
the registry asked for and whose outcome is settled. Stopped, withdrawn and dead time points
are outside it (a recorded decision or event, not non-response); open and upcoming ones are
not yet counted. An answer counts whether or not the baseline was answered; the statistics
say separately how many answers they could use.

The state is one SQL expression (``timepoint_state``), so that a network's hundreds of thousands
of time points are counted by the database: the summaries group by site, protocol and time
point, and by month, and the report frames read the same expression row by row.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    Expression,
    F,
    Func,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)

from disctrack.core.timing import local_today
from disctrack.followup.models import MessageStatus, OutboundMessage
from disctrack.outcomes.timepoints import completeness
from disctrack.registry.choices import EventKind
from disctrack.registry.models import Channel, Event, Site, TimePoint, TimePointStatus

STATES = ["answered", "missed", "withdrawn", "dead", "stopped", "open", "upcoming"]
CHANNELS = list(Channel.values)
PATIENT_STEPS = ["email", "email_reminder", "sms", "email_after_call"]
_ENDED_BY_EVENT = (TimePointStatus.DEAD, TimePointStatus.WITHDRAWN)
TIMEPOINT_KEYS = ["site", "protocol", "protocol_version", "months", "timepoint", "label"]


def ending_event() -> Subquery:
    """The first death or withdrawal of the time point's patient on or after its treatment."""
    events = (Event.objects.filter(episode__patient_id=OuterRef("patient_id"),
                                   kind__in=[EventKind.DEATH, EventKind.WITHDRAWAL],
                                   occurred_on__gte=OuterRef("treatment__performed_on"))
              .order_by("occurred_on").values("occurred_on")[:1])
    return Subquery(events, output_field=DateField())


def timepoint_state(on: date | Expression) -> Case:
    """Each time point's state as of ``on`` (see the module docstring), as an expression on
    TimePoint: ``on`` is a date, or an expression giving each time point's date (its site's
    today). The ending event is looked up only for the dead and withdrawn."""
    on = Value(on, output_field=DateField()) if isinstance(on, date) else on
    pending = Q(status=TimePointStatus.PENDING)
    return Case(
        When(pending & Q(closes_on__lt=on), then=Value("missed")),
        When(pending & Q(opens_on__lte=on), then=Value("open")),
        When(pending, then=Value("upcoming")),
        When(Q(status__in=_ENDED_BY_EVENT) & Q(closes_on__lt=ending_event()), then=Value("missed")),
        default=F("status"), output_field=CharField())


def response_rate(answered, missed):
    """answered / (answered + missed); NaN where nothing is settled yet (the registry's one
    completeness rule, :func:`disctrack.outcomes.timepoints.completeness`)."""
    answered = np.asarray(answered, dtype=float)
    return completeness(answered, answered + np.asarray(missed, dtype=float))


def _today_at_sites(sites: list[Site]) -> Value | Case:
    """Each time point's site's today, in the site's timezone (one date when they agree)."""
    today = {site.id: local_today(site.zone) for site in sites}
    if len(set(today.values())) <= 1:
        return Value(next(iter(today.values()), None), output_field=DateField())
    return Case(*(When(patient__site_id=site_id, then=Value(day)) for site_id, day in today.items()),
                output_field=DateField())


class YearMonth(Func):
    """A date's "YYYY-MM", computed by the database."""

    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra):
        # Dates are stored as ISO text: "YYYY-MM-DD".
        return self.as_sql(compiler, connection, template="substr(%(expressions)s, 1, 7)", **extra)

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="to_char(%(expressions)s, 'YYYY-MM')", **extra)


def _timepoints(site_ids: list[int] | None):
    sites = list(Site.objects.all() if site_ids is None else Site.objects.filter(id__in=site_ids))
    return (TimePoint.objects.filter(patient__site_id__in=[site.id for site in sites])
            .annotate(state=timepoint_state(_today_at_sites(sites)), site=F("patient__site__code"))
            .order_by())


def _rate(table: pd.DataFrame) -> pd.DataFrame:
    table["response_rate"] = response_rate(table["answered"], table["missed"])
    return table


def by_timepoint(site_ids: list[int] | None = None) -> pd.DataFrame:
    """Per site, protocol and time point: invited, answered by channel, missed, ... and rate.

    One grouped query: rows are (time point, state, channel, invited) counts, whatever the
    number of patients."""
    invited = Exists(OutboundMessage.objects.filter(timepoint=OuterRef("pk"), status=MessageStatus.SENT,
                                                    step__in=PATIENT_STEPS))
    rows = (_timepoints(site_ids).annotate(invited=invited, timepoint=F("code"))
            .values_list(*TIMEPOINT_KEYS, "state", "channel", "invited").annotate(n=Count("id")))
    columns = [*TIMEPOINT_KEYS, "invited", *STATES, *CHANNELS]
    table: dict[tuple, dict] = {}
    for *keys, state, channel, was_invited, n in rows:
        row = table.setdefault(tuple(keys), dict(zip(columns, [*keys, *[0] * (len(columns) - len(keys))],
                                                     strict=True)))
        row[state] += n
        row["invited"] += n if was_invited else 0
        if state == "answered" and channel in CHANNELS:
            row[channel] += n
    frame = pd.DataFrame(list(table.values()), columns=columns)
    return _rate(frame.sort_values(["site", "protocol", "protocol_version", "months"]).reset_index(drop=True))


def by_month(site_ids: list[int] | None = None) -> pd.DataFrame:
    """Per site and month of the target date: answered, missed, still open, and the rate."""
    rows = (_timepoints(site_ids).filter(state__in=["answered", "missed", "open"])
            .annotate(month=YearMonth("target_on")).values_list("site", "month", "state").annotate(n=Count("id")))
    table: dict[tuple, dict] = {}
    for site, month, state, n in rows:
        table.setdefault((site, month), {"site": site, "month": month, "answered": 0, "missed": 0, "open": 0})[
            state] += n
    frame = pd.DataFrame(list(table.values()), columns=["site", "month", "answered", "missed", "open"])
    return _rate(frame.sort_values(["site", "month"]).reset_index(drop=True))
