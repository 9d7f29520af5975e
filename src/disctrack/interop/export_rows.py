"""The rows of each exported file, built from the database in a fixed order.

Episodes are numbered per patient in the order they were recorded; treatments per patient
by date (and recording order on the same day), so that the index treatment comes first.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from disctrack.instruments import load_library
from disctrack.interop.load_patients import (
    EPISODE_FIELDS,
    IDENTITY_FIELDS,
    IMAGING_FIELDS,
    STATUS_FIELD,
)
from disctrack.interop.load_treatments import TREATMENT_FIELDS
from disctrack.registry.models import (
    CLOSED_STATUSES,
    Complication,
    Episode,
    Event,
    LevelImaging,
    Membership,
    Patient,
    Physician,
    Site,
    TimePoint,
    Treatment,
)
from disctrack.surveys.models import Response, ResponseStatus

Rows = Iterator[dict[str, Any]]


class Scope:
    """What is exported (sites and their patients), with the patients' episode and treatment
    numbers by database id."""

    def __init__(self, sites: QuerySet[Site]) -> None:
        self.sites = sites
        self.patients = patients = Patient.objects.filter(site__in=sites)
        self.episode: dict[int, int] = {}
        self.treatment: dict[int, int] = {}
        episodes = Episode.objects.filter(patient__in=patients).order_by("patient_id", "id")
        self._number(self.episode, episodes.values_list("patient_id", "id"))
        treatments = Treatment.objects.filter(episode__patient__in=patients).order_by(
            "episode__patient_id", "performed_on", "id")
        self._number(self.treatment, treatments.values_list("episode__patient_id", "id"))

    @staticmethod
    def _number(numbers: dict[int, int], pairs) -> None:
        counts: dict[int, int] = {}
        for owner, pk in pairs:
            counts[owner] = counts.get(owner, 0) + 1
            numbers[pk] = counts[owner]


def _username(user) -> str | None:
    return user.get_username() if user is not None else None


def site_rows(scope: Scope) -> Rows:
    for site in scope.sites.order_by("code"):
        yield {name: getattr(site, name) for name in ("code", "name", "timezone", "protocol",
                                                       "sms_enabled")}


def staff_rows(scope: Scope) -> Rows:
    """Accounts with a role at an exported site or named in an exported row (no passwords)."""
    named = (
        Q(memberships__site__in=scope.sites)
        | Q(pk__in=Response.objects.filter(timepoint__patient__in=scope.patients)
            .values("entered_by"))
        | Q(pk__in=Complication.objects.filter(episode__patient__in=scope.patients)
            .values("reported_by"))
        | Q(pk__in=Complication.objects.filter(episode__patient__in=scope.patients)
            .values("adjudicated_by"))
        | Q(pk__in=Event.objects.filter(episode__patient__in=scope.patients).values("recorded_by"))
    )
    for user in get_user_model().objects.filter(named).distinct().order_by("username"):
        yield {name: getattr(user, name) for name in ("username", "first_name", "last_name",
                                                       "email")}


def membership_rows(scope: Scope) -> Rows:
    memberships = Membership.objects.filter(site__in=scope.sites).select_related("user", "site")
    for membership in memberships.order_by("user__username", "site__code"):
        yield {"username": membership.user.get_username(), "site": membership.site.code,
               "role": membership.role}


def physician_rows(scope: Scope) -> Rows:
    for physician in Physician.objects.filter(site__in=scope.sites).order_by("site__code", "name"):
        yield {"site": physician.site.code, "name": physician.name}


def patient_rows(scope: Scope) -> Rows:
    for patient in scope.patients.select_related("site", "identity").order_by("registry_id"):
        row = {"registry_id": patient.registry_id, "site": patient.site.code,
               "language": patient.language, "enrolled_at": patient.enrolled_at,
               "email_opt_out": patient.email_opt_out,
               "sms_opt_out": patient.sms_opt_out}
        yield row | {name: getattr(patient.identity, name) for name in IDENTITY_FIELDS}


def episode_rows(scope: Scope) -> Rows:
    episodes = Episode.objects.filter(patient__in=scope.patients).select_related("patient")
    for episode in sorted(episodes, key=lambda e: (e.patient.registry_id, scope.episode[e.id])):
        yield {"registry_id": episode.patient.registry_id, "episode_no": scope.episode[episode.id],
               **{name: getattr(episode, name) for name in (*EPISODE_FIELDS, STATUS_FIELD)}}


def imaging_rows(scope: Scope) -> Rows:
    rows = LevelImaging.objects.filter(episode__patient__in=scope.patients).select_related("episode__patient")
    for image in sorted(rows, key=lambda i: (i.episode.patient.registry_id,
                                             scope.episode[i.episode_id], i.level)):
        yield {"registry_id": image.episode.patient.registry_id,
               "episode_no": scope.episode[image.episode_id],
               **{name: getattr(image, name) for name in IMAGING_FIELDS}}


def treatment_rows(scope: Scope) -> Rows:
    treatments = Treatment.objects.filter(episode__patient__in=scope.patients).select_related(
        "episode__patient", "physician")
    for treatment in sorted(treatments, key=lambda t: (t.episode.patient.registry_id,
                                                       scope.treatment[t.id])):
        yield {"registry_id": treatment.episode.patient.registry_id,
               "episode_no": scope.episode[treatment.episode_id],
               "treatment_no": scope.treatment[treatment.id],
               "physician": treatment.physician.name,
               **{name: getattr(treatment, name) for name in TREATMENT_FIELDS}}


def _timepoint_key(timepoint: TimePoint, scope: Scope) -> dict[str, Any]:
    return {"registry_id": timepoint.patient.registry_id,
            "treatment_no": scope.treatment[timepoint.treatment_id],
            "timepoint": timepoint.code}


def response_rows(scope: Scope) -> Rows:
    """One row per answered item; completed_at is when the patient completed the time point."""
    responses = Response.objects.filter(
        timepoint__patient__in=scope.patients, status=ResponseStatus.SUBMITTED,
    ).select_related("timepoint__patient", "entered_by")
    ordered = sorted(responses, key=lambda r: (r.timepoint.patient.registry_id,
                                               scope.treatment[r.timepoint.treatment_id],
                                               r.timepoint.months, r.timepoint.code,
                                               r.instrument, r.version))
    library = load_library()
    for response in ordered:
        codes = library.get(response.instrument, response.instrument_revision).codes
        shared = {**_timepoint_key(response.timepoint, scope),
                  "instrument": response.instrument,
                  "instrument_revision": response.instrument_revision,
                  "version": response.version, "channel": response.channel,
                  "language": response.language,
                  "completed_at": response.timepoint.answered_at,
                  "entered_by": _username(response.entered_by),
                  "correction_reason": response.correction_reason}
        for item in sorted(response.answers, key=lambda code: _position(codes, code)):
            yield {**shared, "item": item, "answer": response.answers[item]}


def _position(codes: tuple[str, ...], code: str) -> tuple[int, str]:
    """An item's place in its instrument; the database may keep answers in any key order."""
    return (codes.index(code) if code in codes else len(codes), code)


def timepoint_rows(scope: Scope) -> Rows:
    """Time points closed without answers: the denominators of completeness."""
    closed = TimePoint.objects.filter(patient__in=scope.patients, status__in=CLOSED_STATUSES)
    for timepoint in sorted(closed.select_related("patient"),
                            key=lambda t: (t.patient.registry_id, scope.treatment[t.treatment_id],
                                           t.months, t.code)):
        yield {**_timepoint_key(timepoint, scope), "status": timepoint.status,
               "closed_reason": timepoint.closed_reason}


def complication_rows(scope: Scope) -> Rows:
    complications = Complication.objects.filter(episode__patient__in=scope.patients).select_related(
        "episode__patient", "reported_by", "adjudicated_by")
    for c in sorted(complications, key=lambda c: (c.episode.patient.registry_id, c.id)):
        yield {"registry_id": c.episode.patient.registry_id,
               "episode_no": scope.episode[c.episode_id],
               "treatment_no": scope.treatment.get(c.treatment_id),
               **{name: getattr(c, name) for name in ("category", "occurred_on", "severity",
                                                      "relatedness", "description", "status",
                                                      "adjudication_note")},
               "reported_by": _username(c.reported_by),
               "adjudicated_by": _username(c.adjudicated_by)}


def event_rows(scope: Scope) -> Rows:
    events = Event.objects.filter(episode__patient__in=scope.patients).select_related(
        "episode__patient", "recorded_by")
    for event in sorted(events, key=lambda e: (e.episode.patient.registry_id, e.id)):
        yield {"registry_id": event.episode.patient.registry_id,
               "episode_no": scope.episode[event.episode_id],
               "kind": event.kind, "occurred_on": event.occurred_on, "reason": event.reason,
               "recorded_by": _username(event.recorded_by)}
