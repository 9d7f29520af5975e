"""Import steps for treatments: index treatments first (they lay out the time points), the
others after the index treatments' questionnaires, as they were recorded in the first place.
"""

from __future__ import annotations

from disctrack.interop.context import ACTOR, ImportContext
from disctrack.interop.csv_format import EPISODES, TREATMENTS
from disctrack.interop.load_patients import STATUS_FIELD
from disctrack.interop.load_sites import physician_for
from disctrack.interop.reading import Row
from disctrack.interop.references import episode_for
from disctrack.registry.actions import do_record_surgery_status_known, do_record_treatment
from disctrack.registry.choices import TreatmentRole

TREATMENT_FIELDS = tuple(
    c.name for c in TREATMENTS.columns
    if c.name not in ("registry_id", "episode_no", "treatment_no", "physician")
)


def load_index_treatments(ctx: ImportContext) -> None:
    for row in _in_order(ctx):
        if row.get("role") == TreatmentRole.INDEX:
            _record(ctx, row)


def load_later_treatments(ctx: ImportContext) -> None:
    for row in _in_order(ctx):
        if row.get("role") != TreatmentRole.INDEX:
            _record(ctx, row)


def load_status_known(ctx: ImportContext) -> None:
    """The episodes' "surgery status known up to" dates, checked against their treatments."""
    for row in ctx.rows(EPISODES):
        known_on = row.get(STATUS_FIELD)
        episode = ctx.created["episode"].get((row.get("registry_id"), row.get("episode_no")))
        if known_on is None or episode is None:
            continue
        if any(registry_id == row["registry_id"] for registry_id, _no in ctx.failed["treatment"]):
            ctx.skip()
            continue
        ctx.attempt(row, lambda episode=episode, known_on=known_on: do_record_surgery_status_known(
            ACTOR, episode, known_on=known_on, reason="imported"))


def _in_order(ctx: ImportContext) -> list[Row]:
    """Each patient's treatments by number; a number used twice is an error (reported once)."""
    rows = [row for row in ctx.rows(TREATMENTS)
            if row.get("registry_id") is not None and row.get("treatment_no") is not None]
    return sorted(rows, key=lambda row: (row["registry_id"], row["treatment_no"], row.number))


def _record(ctx: ImportContext, row: Row) -> None:
    key = (row["registry_id"], row["treatment_no"])
    if not ctx.first_time(row, "treatment_no", key, f"treatment {key[1]} of patient {key[0]}"):
        return
    treatment = _recorded(ctx, row)
    if treatment is None:
        ctx.failed["treatment"].add(key)
    else:
        ctx.created["treatment"][key] = treatment


def _recorded(ctx: ImportContext, row: Row):
    episode = episode_for(ctx, row)
    if episode is None:
        return None
    physician = physician_for(ctx, row, episode.patient.site)
    if physician is None or not row.readable:
        return None
    data = {**row.pick(*TREATMENT_FIELDS), "physician": physician}
    return ctx.attempt(row, lambda: do_record_treatment(ACTOR, episode, data))
