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

`completeness_frame` gives one row per time point; the summaries group it by site, protocol
and time point, and by month.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from django.db.models import Count, Min, OuterRef, Q, Subquery

from disctrack.core.timing import local_today
from disctrack.followup.models import MessageStatus
from disctrack.outcomes.timepoints import completeness
from disctrack.registry.choices import EventKind
from disctrack.registry.models import Channel, Event, Site, TimePoint, TimePointStatus

COLUMNS = [
    "site", "site_name", "registry_id", "treatment_kind", "protocol", "protocol_version",
    "timepoint", "label", "months", "opens_on", "target_on", "closes_on", "status", "state",
    "channel", "answered_at", "invited", "invited_at", "messages_sent",
]
STATES = ["answered", "missed", "withdrawn", "dead", "stopped", "open", "upcoming"]
CHANNELS = list(Channel.values)
_SENT_TO_PATIENT = Q(messages__status=MessageStatus.SENT, messages__step__in=["email", "email_reminder", "sms", "email_after_call"])
_ENDED_BY_EVENT = (TimePointStatus.DEAD, TimePointStatus.WITHDRAWN)


def timepoint_states(status, opens_on, closes_on, ended_on, on) -> np.ndarray:
    """Each time point's state as of ``on`` (see the module docstring).

    All arguments are aligned arrays (or Series) but ``on``, which may be one date or one
    per time point: ``status`` the registry status, ``opens_on`` and ``closes_on`` its
    window, ``ended_on`` the date of the death or withdrawal that ended the patient's
    follow-up after the treatment (missing when none).
    """
    status = np.asarray(status, dtype=object)
    opens = pd.to_datetime(pd.Series(np.asarray(opens_on))).to_numpy()
    closes = pd.to_datetime(pd.Series(np.asarray(closes_on))).to_numpy()
    ended = pd.to_datetime(pd.Series(np.asarray(ended_on, dtype=object))).to_numpy()
    today = pd.to_datetime(pd.Series(np.broadcast_to(np.asarray(on, dtype=object), status.shape))).to_numpy()
    pending = status == TimePointStatus.PENDING
    closed_before_event = np.isin(status, _ENDED_BY_EVENT) & (closes < ended)  # NaT compares False
    return np.select(
        [pending & (closes < today), pending & (opens <= today), pending, closed_before_event],
        ["missed", "open", "upcoming", "missed"], status.astype(str))


def response_rate(answered, missed):
    """answered / (answered + missed); NaN where nothing is settled yet (the registry's one
    completeness rule, :func:`disctrack.outcomes.timepoints.completeness`)."""
    answered = np.asarray(answered, dtype=float)
    return completeness(answered, answered + np.asarray(missed, dtype=float))


def _ending_event() -> Subquery:
    """The first death or withdrawal of the time point's patient on or after its treatment."""
    events = (Event.objects.filter(episode__patient_id=OuterRef("patient_id"),
                                   kind__in=[EventKind.DEATH, EventKind.WITHDRAWAL],
                                   occurred_on__gte=OuterRef("treatment__performed_on"))
              .order_by("occurred_on").values("occurred_on")[:1])
    return Subquery(events)


def completeness_frame(site_ids: list[int] | None = None) -> pd.DataFrame:
    """One row per time point: its window, its state today at its site, how it was invited."""
    sites = Site.objects.all() if site_ids is None else Site.objects.filter(id__in=site_ids)
    today = {site.id: local_today(site.zone) for site in sites}
    rows = (
        TimePoint.objects.filter(patient__site_id__in=list(today))
        .annotate(invited_at=Min("messages__sent_at", filter=_SENT_TO_PATIENT),
                  messages_sent=Count("messages", filter=_SENT_TO_PATIENT),
                  ended_on=_ending_event())
        .values("patient__site_id", "patient__site__code", "patient__site__name", "patient__registry_id",
                "treatment__kind", "protocol", "protocol_version", "code", "label", "months", "opens_on",
                "target_on", "closes_on", "status", "channel", "answered_at", "invited_at", "messages_sent",
                "ended_on")
        .order_by("patient__site__code", "months", "target_on", "id")
    )
    raw = pd.DataFrame.from_records(list(rows))
    if raw.empty:
        return pd.DataFrame(columns=COLUMNS)
    frame = pd.DataFrame({
        "site": raw["patient__site__code"], "site_name": raw["patient__site__name"],
        "registry_id": raw["patient__registry_id"], "treatment_kind": raw["treatment__kind"],
        "protocol": raw["protocol"], "protocol_version": raw["protocol_version"], "timepoint": raw["code"],
        "label": raw["label"], "months": raw["months"], "opens_on": raw["opens_on"],
        "target_on": raw["target_on"], "closes_on": raw["closes_on"], "status": raw["status"],
        "state": timepoint_states(raw["status"], raw["opens_on"], raw["closes_on"], raw["ended_on"],
                                  raw["patient__site_id"].map(today)),
        "channel": raw["channel"].where(raw["channel"] != "", None), "answered_at": raw["answered_at"],
        "invited": raw["messages_sent"] > 0, "invited_at": raw["invited_at"],
        "messages_sent": raw["messages_sent"],
    })
    return frame[COLUMNS]


def _rate(table: pd.DataFrame) -> pd.DataFrame:
    table["response_rate"] = response_rate(table["answered"], table["missed"])
    return table


def by_timepoint(frame: pd.DataFrame) -> pd.DataFrame:
    """Per site, protocol and time point: invited, answered by channel, missed, ... and rate."""
    keys = ["site", "protocol", "protocol_version", "months", "timepoint", "label"]
    if frame.empty:
        return pd.DataFrame(columns=[*keys, "invited", *STATES, *CHANNELS, "response_rate"])
    states = pd.crosstab([frame[k] for k in keys], frame["state"]).reindex(columns=STATES, fill_value=0)
    answered = frame[frame["state"] == "answered"]
    channels = pd.crosstab([answered[k] for k in keys], answered["channel"]).reindex(
        index=states.index, columns=CHANNELS, fill_value=0).fillna(0).astype(int)
    invited = frame.groupby(keys)["invited"].sum().reindex(states.index)
    table = pd.concat([invited, states, channels], axis=1).reset_index()
    return _rate(table.sort_values(["site", "protocol", "protocol_version", "months"]))


def by_month(frame: pd.DataFrame) -> pd.DataFrame:
    """Per site and month of the target date: answered, missed, still open, and the rate."""
    if frame.empty:
        return pd.DataFrame(columns=["site", "month", "answered", "missed", "open", "response_rate"])
    due = frame[frame["state"].isin(["answered", "missed", "open"])].copy()
    due["month"] = pd.to_datetime(due["target_on"]).dt.strftime("%Y-%m")
    table = pd.crosstab([due["site"], due["month"]], due["state"]).reindex(
        columns=["answered", "missed", "open"], fill_value=0).reset_index()
    return _rate(table.sort_values(["site", "month"]))
