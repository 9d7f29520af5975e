"""Build the outcome package's three input frames from the database.

One row per index treatment in ``patients``, one per expected time point in ``followups``,
one per complication not rejected at adjudication in ``complications`` (see
``disctrack.outcomes.frames`` for the contract). A fixed handful of queries whatever the
number of patients: each table is read once with ``values_list`` and joined in pandas.

The frames carry registry ids and case-mix only, never identity fields (names, date of
birth, record numbers), so they are safe to give to analysts. Age is computed from the date
of birth here and the date itself is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from django.db.models import Max, Min, Q, QuerySet
from django.utils import timezone

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


@dataclass
class RegistryFrames:
    """The three frames, the date they describe, and what was left out and why."""

    patients: pd.DataFrame
    followups: pd.DataFrame
    complications: pd.DataFrame
    as_of: date
    notes: list[str] = field(default_factory=list)


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
    ends = _event_dates(base, index.values("episode__patient_id"))
    followups, baseline, answered_on = followup_frame(index, base, ends, as_of)
    patients = _patients(base, index.values("episode_id"), ends, baseline, answered_on)
    complications, early = _complications(base, index.values("episode_id"))
    if early:
        notes.append(f"{early} complications dated before their index treatment are not counted")
    return RegistryFrames(patients, followups, complications, as_of, notes)


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
              answered_on: pd.Series) -> pd.DataFrame:
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
    frame = frame.merge(_treatment_dates(episodes), on="episode_id", how="left")
    frame = frame.merge(baseline, on="treatment_id", how="left")
    frame = frame.merge(ends, left_on="treatment_id", right_index=True, how="left")
    contacts = [frame["treatment_date"], frame["latest_treatment"], frame["death_date"],
                frame["withdrawal_date"], frame["treatment_id"].map(answered_on)]
    frame["last_contact_date"] = pd.concat(contacts, axis=1).max(axis=1)
    return frame[[c.name for c in PATIENT_COLUMNS]].reset_index(drop=True)


def _imaging(episodes) -> pd.DataFrame:
    """The worst disc per episode: highest Pfirrmann grade and highest Modic type (0 none)."""
    rows = (LevelImaging.objects.filter(episode_id__in=episodes).values("episode_id")
            .annotate(pfirrmann_max=Max("pfirrmann_grade"), modic=Max("modic"))
            .values_list("episode_id", "pfirrmann_max", "modic"))
    return _frame(rows, ["episode_id", "pfirrmann_max", "modic"])


def _treatment_dates(episodes) -> pd.DataFrame:
    """First subsequent surgery and the latest treatment of each episode (a contact)."""
    surgery = Q(role=TreatmentRole.SUBSEQUENT_SURGERY)
    rows = (Treatment.objects.filter(episode_id__in=episodes).values("episode_id")
            .annotate(surgery_date=Min("performed_on", filter=surgery), latest=Max("performed_on"))
            .values_list("episode_id", "surgery_date", "latest"))
    frame = _frame(rows, ["episode_id", "surgery_date", "latest_treatment"])
    return frame.assign(surgery_date=_dates(frame["surgery_date"]),
                        latest_treatment=_dates(frame["latest_treatment"]))


def _event_dates(base: pd.DataFrame, patients) -> pd.DataFrame:
    """Earliest death and withdrawal on or after each index treatment, by treatment id.

    Both are recorded on an episode but end follow-up of the whole patient (the recording
    action closes all the patient's time points), so they apply to every index treatment
    they follow; an event before a treatment (an earlier episode's) does not.
    """
    kinds = [EventKind.DEATH, EventKind.WITHDRAWAL]
    rows = (Event.objects.filter(episode__patient_id__in=patients, kind__in=kinds)
            .values_list("episode__patient_id", "kind", "occurred_on"))
    events = _frame(rows, ["patient_pk", "kind", "date"])
    events["date"] = _dates(events["date"])
    pairs = base[["treatment_id", "patient_pk", "treatment_date"]].merge(events, on="patient_pk")
    pairs = pairs[pairs["date"] >= pairs["treatment_date"]]
    first = pairs.groupby(["treatment_id", "kind"])["date"].min().unstack()
    first = first.reindex(index=base["treatment_id"], columns=kinds)
    return pd.DataFrame({"death_date": _dates(first[EventKind.DEATH]),
                         "withdrawal_date": _dates(first[EventKind.WITHDRAWAL])})


def _complications(base: pd.DataFrame, episodes) -> tuple[pd.DataFrame, int]:
    """Complications as adjudicated (reclassification kept), rejected ones left out."""
    rows = (Complication.objects.filter(episode_id__in=episodes)
            .exclude(status=AdjudicationStatus.REJECTED)
            .values_list("episode_id", "category", "severity", "relatedness", "occurred_on"))
    frame = _frame(rows, ["episode_id", "category", "severity", "related", "date"])
    frame = frame.merge(base[["episode_id", "patient_id", "treatment_date"]], on="episode_id")
    frame["date"] = _dates(frame["date"])
    early = frame["date"] < frame["treatment_date"]
    columns = ["patient_id", "category", "severity", "related", "date"]
    return frame.loc[~early, columns].reset_index(drop=True), int(early.sum())
