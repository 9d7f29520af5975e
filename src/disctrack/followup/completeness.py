"""Completeness of follow-up: who was invited, who answered and how, who was missed.

`completeness_frame` gives one row per time point for the statistics code; the summaries
group it by site, protocol and time point, and by month.

The response rate is answered / (answered + missed): of the time points whose outcome is
settled. Withdrawn and deceased patients' and protocol-stopped time points are outside the
denominator (a recorded decision or event, not non-response); time points still open are not
yet counted; a pending one whose window has closed counts as missed even before the worker
closes it.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
from django.db.models import Count, Min, Q

from disctrack.core.timing import local_today
from disctrack.followup.models import MessageStatus
from disctrack.registry.models import Channel, Site, TimePoint, TimePointStatus

COLUMNS = [
    "site", "site_name", "registry_id", "treatment_kind", "protocol", "protocol_version",
    "timepoint", "label", "months", "opens_on", "target_on", "closes_on", "status", "state",
    "channel", "answered_at", "invited", "invited_at", "messages_sent",
]
STATES = ["answered", "missed", "withdrawn", "dead", "stopped", "open", "upcoming"]
CHANNELS = list(Channel.values)
_SENT_TO_PATIENT = Q(messages__status=MessageStatus.SENT, messages__step__in=["email", "email_reminder", "sms", "email_after_call"])


def _state(status: str, opens_on: date, closes_on: date, today: date) -> str:
    if status != TimePointStatus.PENDING:
        return status
    if closes_on < today:
        return "missed"
    return "open" if opens_on <= today else "upcoming"


def completeness_frame(site_ids: list[int] | None = None) -> pd.DataFrame:
    """One row per time point: its window, its state today at its site, how it was invited."""
    sites = Site.objects.all() if site_ids is None else Site.objects.filter(id__in=site_ids)
    today = {site.id: local_today(site.zone) for site in sites}
    rows = (
        TimePoint.objects.filter(patient__site_id__in=list(today))
        .annotate(invited_at=Min("messages__sent_at", filter=_SENT_TO_PATIENT),
                  messages_sent=Count("messages", filter=_SENT_TO_PATIENT))
        .values("patient__site_id", "patient__site__code", "patient__site__name", "patient__registry_id",
                "treatment__kind", "protocol", "protocol_version", "code", "label", "months", "opens_on",
                "target_on", "closes_on", "status", "channel", "answered_at", "invited_at", "messages_sent")
        .order_by("patient__site__code", "months", "target_on", "id")
    )
    records = [{
        "site": r["patient__site__code"], "site_name": r["patient__site__name"],
        "registry_id": r["patient__registry_id"], "treatment_kind": r["treatment__kind"],
        "protocol": r["protocol"], "protocol_version": r["protocol_version"], "timepoint": r["code"],
        "label": r["label"], "months": r["months"], "opens_on": r["opens_on"],
        "target_on": r["target_on"], "closes_on": r["closes_on"], "status": r["status"],
        "state": _state(r["status"], r["opens_on"], r["closes_on"], today[r["patient__site_id"]]),
        "channel": r["channel"] or None, "answered_at": r["answered_at"],
        "invited": r["messages_sent"] > 0, "invited_at": r["invited_at"],
        "messages_sent": r["messages_sent"],
    } for r in rows]
    return pd.DataFrame.from_records(records, columns=COLUMNS)


def _rate(table: pd.DataFrame) -> pd.DataFrame:
    settled = table["answered"] + table["missed"]
    table["response_rate"] = (table["answered"] / settled).where(settled > 0)
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
