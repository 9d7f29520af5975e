"""Resolving a row's keys (registry id, episode and treatment numbers) to imported records."""

from __future__ import annotations

from disctrack.interop.context import ImportContext
from disctrack.interop.reading import Row
from disctrack.registry.models import Episode, Patient, TimePoint, Treatment


def patient_for(ctx: ImportContext, row: Row) -> Patient | None:
    registry_id = row["registry_id"]
    if Patient.objects.filter(registry_id=registry_id).exists():
        unknown = (f"patient {registry_id} is in the registry but not in patients.csv; "
                   "rows are imported only together with their patient")
    else:
        unknown = f"unknown registry id {registry_id}: not in patients.csv"
    return ctx.lookup(row, "patient", registry_id, "registry_id", unknown)


def episode_for(ctx: ImportContext, row: Row) -> Episode | None:
    if patient_for(ctx, row) is None:
        return None
    key = (row["registry_id"], row["episode_no"])
    return ctx.lookup(row, "episode", key, "episode_no",
                      f"patient {key[0]} has no episode {key[1]} in episodes.csv")


def treatment_for(ctx: ImportContext, row: Row) -> Treatment | None:
    if patient_for(ctx, row) is None:
        return None
    key = (row["registry_id"], row["treatment_no"])
    return ctx.lookup(row, "treatment", key, "treatment_no",
                      f"patient {key[0]} has no treatment {key[1]} in treatments.csv")


def timepoint_for(ctx: ImportContext, row: Row) -> TimePoint | None:
    treatment = treatment_for(ctx, row)
    if treatment is None:
        return None
    code = row["timepoint"]
    timepoint = treatment.timepoints.filter(code=code).first()
    if timepoint is None:
        ctx.error(row, "timepoint", _no_such_timepoint(treatment, code))
    return timepoint


def _no_such_timepoint(treatment: Treatment, code: str) -> str:
    where = f"{treatment.get_role_display().lower()} of {treatment.episode.patient.registry_id}"
    codes = ", ".join(treatment.timepoints.values_list("code", flat=True))
    if not codes:
        return f"the {where} has no follow-up time points; only an index treatment has them"
    site = treatment.episode.patient.site
    # Time points are laid out by the site's protocol now; answers given under another
    # protocol (before the site changed it) have nowhere to go.
    return (f"the {where} has no time point {code!r} under protocol {site.protocol}, which "
            f"site {site.code} follows (it has: {codes})")
