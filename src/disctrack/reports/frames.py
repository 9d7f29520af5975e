"""Build the outcome package's three input frames from the database.

One row per index treatment in ``patients``, one per expected time point in ``followups``,
one per complication not rejected at adjudication in ``complications`` (see
``disctrack.outcomes.frames`` for the contract). A fixed handful of queries whatever the
number of patients: each table is read once with ``values_list`` and joined in pandas.

A record whose dates contradict each other (an index treatment moved after its subsequent
surgery, a death recorded before the treatment)
would break the frame contract and with it every figure of the report. Such a patient is
left out, listed in ``RegistryFrames.excluded`` with a plain reason for staff to fix, and
named in the notes; the other patients are reported as usual.

The frames carry registry ids and case-mix only, never identity fields (names, date of
birth, record numbers), so they are safe to give to analysts. Age is computed from the date
of birth here and the date itself is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd
from django.db.models import Max, Min, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from disctrack.outcomes.frames import PATIENT_COLUMNS, TREATMENTS
from disctrack.registry.choices import (
    AdjudicationStatus,
    EventKind,
    OpioidUse,
    Smoking,
    TreatmentRole,
    WorkStatus,
    treatment_class,
)
from disctrack.registry.models import Complication, Event, LevelImaging, Treatment
from disctrack.registry.status_known import latest_known, status_known_dates
from disctrack.reports.followup_frames import followup_frame

INDEX_FIELDS = {
    "treatment_id": "id", "kind": "kind", "treatment_date": "performed_on", "levels": "levels",
    "episode_id": "episode_id", "patient_pk": "episode__patient_id",
    "registry_id": "episode__patient__registry_id", "site": "episode__patient__site__code",
    "physician": "physician__name", "date_of_birth": "episode__patient__identity__date_of_birth",
    "sex": "episode__patient__identity__sex", "height_cm": "episode__height_cm",
    "weight_kg": "episode__weight_kg", "smoking": "episode__smoking",
    "symptom_months": "episode__symptom_duration_months",
    "prior_surgery": "episode__prior_spine_surgery", "work_status": "episode__work_status",
    "opioids": "episode__opioid_use",
}
WORKING = (WorkStatus.FULL_TIME, WorkStatus.PART_TIME)
ENDING_EVENTS = {EventKind.DEATH: "death_date", EventKind.WITHDRAWAL: "withdrawal_date",
                 EventKind.LOST_TO_FOLLOW_UP: "lost_date"}
CASE_MIX_LABELS = {"age": "age at treatment", "bmi": "BMI", "symptom_months": "months of symptoms",
                   "n_levels": "number of treated levels"}


@dataclass
class RegistryFrames:
    """The three frames, the date they describe, and what was left out and why."""

    patients: pd.DataFrame
    followups: pd.DataFrame
    complications: pd.DataFrame
    as_of: date
    notes: list[str] = field(default_factory=list)
    excluded: list[dict[str, Any]] = field(default_factory=list)
    """Records left out: ``registry_id``, ``left_out`` (``patient`` or ``complication``) and
    ``reason`` in plain words, for staff to correct."""


def kinds_for(treatment: str) -> list[str]:
    """Treatment kinds matching a kind code (``msc``) or a class code (``biologic``)."""
    kinds = [kind for kind in TREATMENTS if treatment in (kind, treatment_class(kind))]
    if not kinds:
        raise ValueError(f"{treatment!r} is not a treatment or treatment class")
    return kinds


def index_treatments(site_ids: list[int], *, physician_id: int | None = None,
                     treatment: str | None = None) -> QuerySet[Treatment]:
    """The index treatments a report covers (every kind; the builder drops unsupported ones)."""
    qs = Treatment.objects.filter(role=TreatmentRole.INDEX, episode__patient__site_id__in=site_ids)
    if physician_id is not None:
        qs = qs.filter(physician_id=physician_id)
    if treatment:
        qs = qs.filter(kind__in=kinds_for(treatment))
    return qs


def build_frames(site_ids: list[int], *, physician_id: int | None = None,
                 treatment: str | None = None, as_of: date | None = None) -> RegistryFrames:
    """Frames for the index treatments at ``site_ids`` (optionally one physician or treatment).

    ``as_of`` (default: today, UTC) decides which unanswered time points are due yet.
    """
    as_of = as_of or timezone.now().date()
    index = index_treatments(site_ids, physician_id=physician_id, treatment=treatment)
    base = _frame(index.values_list(*INDEX_FIELDS.values()), list(INDEX_FIELDS))
    notes = []
    supported = base["kind"].isin(list(TREATMENTS))
    if not supported.all():
        left_out = base.loc[~supported, "kind"].value_counts()
        notes.append("Left out, no outcome group defined for them: "
                     + ", ".join(f"{n} {kind}" for kind, n in left_out.items()))
        base = base[supported]
    base = base.assign(patient_id=patient_ids(base), treatment_date=_dates(base["treatment_date"]))
    planned = base["treatment_date"] > pd.Timestamp(as_of)
    if planned.any():
        notes.append(_("%(n)d index treatments planned after %(as_of)s are not counted yet")
                     % {"n": int(planned.sum()), "as_of": as_of.isoformat()})
        base = base[~planned]
    events = _events(index.values("episode__patient_id"))
    treatments = _treatment_dates(index.values("episode_id"))
    bad = _contradictions(base, events, treatments)
    base = base[~base["treatment_id"].isin(bad)]
    excluded = [{"registry_id": registry_id, "left_out": "patient", "reason": reason}
                for registry_id, reason in bad.values()]
    ends = _event_dates(base, events)
    followups, baseline = followup_frame(index, base, as_of)
    known = _status_known(index, as_of)
    patients = _patients(base, index.values("episode_id"), ends, baseline, treatments, known)
    patients, implausible = _implausible_case_mix(patients)
    complications, early = _complications(base, index.values("episode_id"))
    excluded += early
    notes += implausible
    if early:
        notes.append(f"{len(early)} complications dated before their index treatment are not counted")
    notes += [f"{item['registry_id']}: {item['reason']}" for item in excluded if item["left_out"] == "patient"]
    return RegistryFrames(patients, followups, complications, as_of, notes, excluded)


def _frame(rows, columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame.from_records(list(rows), columns=columns)


def _dates(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values, errors="coerce")


def patient_ids(base: pd.DataFrame) -> pd.Series:
    """The registry id; a patient's second and later index treatments get ``/2``, ``/3``."""
    order = base.sort_values(["treatment_date", "treatment_id"])
    nth = order.groupby("registry_id").cumcount().reindex(base.index)
    return base["registry_id"].where(nth == 0, base["registry_id"] + "/" + (nth + 1).astype(str))


def _completed_years(born: pd.Series, on: pd.Series) -> pd.Series:
    before_birthday = (on.dt.month * 100 + on.dt.day) < (born.dt.month * 100 + born.dt.day)
    return (on.dt.year - born.dt.year - before_birthday.astype(int)).astype(float)


def _patients(base: pd.DataFrame, episodes, ends: pd.DataFrame, baseline: pd.DataFrame,
              treatments: pd.DataFrame, known: pd.Series) -> pd.DataFrame:
    frame = base.copy()
    frame["treatment"] = frame["kind"]
    frame["treatment_class"] = frame["kind"].map(treatment_class)
    frame["age"] = _completed_years(_dates(frame["date_of_birth"]), frame["treatment_date"])
    frame["bmi"] = (frame["weight_kg"].astype(float) / (frame["height_cm"].astype(float) / 100) ** 2).round(1)
    frame["smoker"] = frame["smoking"] == Smoking.CURRENT
    frame["working"] = frame["work_status"].isin(WORKING)
    frame["opioid_use"] = frame["opioids"] != OpioidUse.NONE
    frame["n_levels"] = frame["levels"].map(len)
    frame["symptom_months"] = frame["symptom_months"].astype(float)
    frame = frame.merge(_imaging(episodes), on="episode_id", how="left")
    frame = frame.merge(treatments[["episode_id", "surgery_date"]], on="episode_id", how="left")
    frame = frame.merge(baseline, on="treatment_id", how="left")
    frame = frame.merge(ends, left_on="treatment_id", right_index=True, how="left")
    status_known = frame["treatment_id"].map(known)
    frame["status_known_date"] = _dates(status_known).fillna(frame["treatment_date"])
    return frame[[c.name for c in PATIENT_COLUMNS]].reset_index(drop=True)


def _status_known(index: QuerySet[Treatment], as_of: date) -> pd.Series:
    """The latest date each index treatment's surgery status was known, by treatment id."""
    latest = latest_known(status_known_dates(index), until=as_of)
    return pd.Series({pk: pd.Timestamp(item.on) for pk, item in latest.items()}, dtype="datetime64[ns]")


def _contradictions(base: pd.DataFrame, events: pd.DataFrame,
                    treatments: pd.DataFrame) -> dict[int, tuple[str, str]]:
    """Index treatments whose dates contradict the rest of the record: (registry id, reason)
    by treatment id, the first reason found for each."""
    bad: dict[int, tuple[str, str]] = {}

    def flag(rows: pd.DataFrame, reason) -> None:
        for row in rows.itertuples():
            bad.setdefault(row.treatment_id, (row.registry_id, reason(row)))

    surgery = base.merge(treatments[["episode_id", "surgery_date"]], on="episode_id")
    flag(surgery[surgery["surgery_date"] < surgery["treatment_date"]], lambda r: _(
        "left out: the index treatment (%(date)s) is dated after its subsequent surgery (%(surgery)s); "
        "correct one of the two dates") % {"date": _iso(r.treatment_date), "surgery": _iso(r.surgery_date)})
    pairs = base.merge(events.rename(columns={"kind": "event"}), on="episode_id")
    flag(pairs[pairs["date"] < pairs["treatment_date"]], lambda r: _(
        "left out: %(event)s is recorded on %(on)s, before the index treatment (%(date)s); "
        "correct one of the two dates") % {"event": str(EventKind(r.event).label).lower(), "on": _iso(r.date),
                                           "date": _iso(r.treatment_date)})
    return bad


def _iso(value: pd.Timestamp) -> str:
    return value.date().isoformat()


def _implausible_case_mix(patients: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Case-mix outside the contract's range becomes unknown (not the whole patient), said so."""
    notes = []
    for column in PATIENT_COLUMNS:
        if not (column.nullable and column.low is not None and column.name in CASE_MIX_LABELS):
            continue
        values = patients[column.name]
        outside = values.notna() & ((values < column.low) | (values > column.high))
        if outside.any():
            patients.loc[outside, column.name] = float("nan")
            ids = ", ".join(patients.loc[outside, "patient_id"])
            notes.append(_("%(what)s outside %(low)g to %(high)g is counted as unknown for: %(ids)s")
                         % {"what": CASE_MIX_LABELS[column.name], "low": column.low,
                            "high": column.high, "ids": ids})
    return patients, notes


def _imaging(episodes) -> pd.DataFrame:
    """The worst disc per episode: highest Pfirrmann grade and highest Modic type (0 none)."""
    rows = (LevelImaging.objects.filter(episode_id__in=episodes).values("episode_id")
            .annotate(pfirrmann_max=Max("pfirrmann_grade"), modic=Max("modic"))
            .values_list("episode_id", "pfirrmann_max", "modic"))
    return _frame(rows, ["episode_id", "pfirrmann_max", "modic"])


def _treatment_dates(episodes) -> pd.DataFrame:
    """The first subsequent surgery of each episode."""
    surgery = Q(role=TreatmentRole.SUBSEQUENT_SURGERY)
    rows = (Treatment.objects.filter(episode_id__in=episodes).values("episode_id")
            .annotate(surgery_date=Min("performed_on", filter=surgery))
            .values_list("episode_id", "surgery_date"))
    frame = _frame(rows, ["episode_id", "surgery_date"])
    return frame.assign(surgery_date=_dates(frame["surgery_date"]))


def _events(patients) -> pd.DataFrame:
    """Deaths, withdrawals and losses to follow-up of the patients, with their episode."""
    rows = (Event.objects.filter(episode__patient_id__in=patients, kind__in=list(ENDING_EVENTS))
            .values_list("episode__patient_id", "episode_id", "kind", "occurred_on"))
    events = _frame(rows, ["patient_pk", "episode_id", "kind", "date"])
    return events.assign(date=_dates(events["date"]))


def _event_dates(base: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """Earliest death, withdrawal and loss on or after each index treatment, by treatment id.

    They are recorded on an episode but end (or, for a loss, mark) follow-up of the whole
    patient (the recording action closes all the patient's time points), so they apply to
    every index treatment they follow; an event before a treatment (an earlier episode's)
    does not.
    """
    pairs = base[["treatment_id", "patient_pk", "treatment_date"]].merge(
        events.drop(columns="episode_id"), on="patient_pk")
    pairs = pairs[pairs["date"] >= pairs["treatment_date"]]
    first = pairs.groupby(["treatment_id", "kind"])["date"].min().unstack()
    first = first.reindex(index=base["treatment_id"], columns=list(ENDING_EVENTS))
    return pd.DataFrame({name: _dates(first[kind]) for kind, name in ENDING_EVENTS.items()})


def _complications(base: pd.DataFrame, episodes) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """Complications as adjudicated (reclassification kept), rejected ones left out; those
    dated before their index treatment are left out too and listed for staff."""
    rows = (Complication.objects.filter(episode_id__in=episodes)
            .exclude(status=AdjudicationStatus.REJECTED)
            .values_list("episode_id", "category", "severity", "relatedness", "occurred_on"))
    frame = _frame(rows, ["episode_id", "category", "severity", "related", "date"])
    frame = frame.merge(base[["episode_id", "patient_id", "registry_id", "treatment_date"]], on="episode_id")
    frame["date"] = _dates(frame["date"])
    early = frame["date"] < frame["treatment_date"]
    listed = [{"registry_id": row.registry_id, "left_out": "complication", "reason": _(
        "complication not counted: it is dated %(on)s, before the index treatment (%(date)s)"
    ) % {"on": _iso(row.date), "date": _iso(row.treatment_date)}} for row in frame[early].itertuples()]
    columns = ["patient_id", "category", "severity", "related", "date"]
    return frame.loc[~early, columns].reset_index(drop=True), listed
