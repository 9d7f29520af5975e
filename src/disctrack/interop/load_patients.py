"""Import step for patients: identity, the episode of care and its imaging, enrolled together."""

from __future__ import annotations

import re
from collections import defaultdict

from disctrack.interop.context import ACTOR, ImportContext, Target
from disctrack.interop.csv_format import EPISODES, IDENTITY_COLUMNS, IMAGING, PATIENTS, Table
from disctrack.interop.reading import Row
from disctrack.registry.actions import do_enroll_patient, do_set_contact_preferences
from disctrack.registry.models import Patient

# Recorded once the treatments are in (load_treatments.load_status_known): it is checked
# against the index treatment.
STATUS_FIELD = "surgery_status_known_on"
EPISODE_FIELDS = tuple(c.name for c in EPISODES.columns
                       if c.name not in ("registry_id", "episode_no", STATUS_FIELD))
IMAGING_FIELDS = ("level", "pfirrmann_grade", "modic", "annular_fissure", "high_intensity_zone")
IDENTITY_FIELDS = tuple(c.name for c in IDENTITY_COLUMNS)
_PART = re.compile(r"^(identity|episode|imaging\[(\d+)\])\.(.+)$")


def load_patients(ctx: ImportContext) -> None:
    episodes = _by_patient(ctx, EPISODES, ("registry_id", "episode_no"))
    imaging = _by_patient(ctx, IMAGING, ("registry_id", "episode_no", "level"))
    for row in ctx.rows(PATIENTS):
        registry_id = row.get("registry_id")
        if registry_id is None or not ctx.first_time(row, "registry_id", registry_id,
                                                     f"patient {registry_id}"):
            continue
        enrolled = _enroll(ctx, row, episodes.pop(registry_id, []), imaging.pop(registry_id, []))
        if not enrolled:
            ctx.failed["patient"].add(registry_id)
    for rows in (*episodes.values(), *imaging.values()):
        for row in rows:
            if row["registry_id"] in ctx.failed["patient"]:
                ctx.skip()
            else:
                ctx.error(row, "registry_id", f"patient {row['registry_id']} is not in patients.csv")


def _by_patient(ctx: ImportContext, table: Table, key_columns: tuple[str, ...]) -> dict[str, list[Row]]:
    """The rows of a file by registry id; a repeated key is an error."""
    groups: dict[str, list[Row]] = defaultdict(list)
    for row in ctx.rows(table):
        key = tuple(row.get(name) for name in key_columns)
        if None in key:
            continue
        label = ", ".join(f"{name} {value}" for name, value in zip(key_columns, key, strict=True))
        if ctx.first_time(row, key_columns[-1], key, label):
            groups[key[0]].append(row)
    return groups


def _enroll(ctx: ImportContext, row: Row, episodes: list[Row], imaging: list[Row]) -> bool:
    registry_id = row["registry_id"]
    readable = row.readable and all(r.readable for r in (*episodes, *imaging))
    episode = _the_episode(ctx, row, episodes)
    for other in (r for r in imaging if r["episode_no"] != 1):
        ctx.error(other, "episode_no", f"patient {registry_id} has no episode {other['episode_no']}")
        readable = False
    if Patient.objects.filter(registry_id=registry_id).exists():
        ctx.error(row, "registry_id", f"patient {registry_id} already exists in the registry")
        return False
    site = ctx.site(row)
    if not readable or episode is None or site is None:
        return False
    patient = ctx.attempt(
        row,
        lambda: do_enroll_patient(
            ACTOR, site, identity=row.pick(*IDENTITY_FIELDS), episode=episode.pick(*EPISODE_FIELDS),
            imaging=[r.pick(*IMAGING_FIELDS) for r in imaging], language=row["language"],
            registry_id=registry_id, enrolled_at=row["enrolled_at"]),
        where=lambda key: _enrollment_target(key, row, episode, imaging),
    )
    if patient is None:
        return False
    opt_outs = row.pick("email_opt_out", "sms_opt_out")
    if any(opt_outs.values()):
        do_set_contact_preferences(ACTOR, patient, **opt_outs, reason="imported")
    ctx.created["patient"][registry_id] = patient
    ctx.created["episode"][(registry_id, 1)] = patient.episodes.get()
    return True


def _the_episode(ctx: ImportContext, row: Row, episodes: list[Row]) -> Row | None:
    """The patient's one episode row; DiscTrack enrolls a patient with one episode of care."""
    if not episodes:
        ctx.error(row, "registry_id", "no episode for this patient in episodes.csv")
        return None
    first, *others = episodes
    for extra in others:
        ctx.error(extra, "episode_no", "a patient is enrolled with one episode of care; "
                  "a second episode cannot be imported")
    if first.get("episode_no") != 1:
        ctx.error(first, "episode_no", "the patient's episode of care is numbered 1")
        return None
    return first if not others else None


def _enrollment_target(key: str, row: Row, episode: Row, imaging: list[Row]) -> Target:
    """Map do_enroll_patient's field names (identity.email, imaging[1].modic) to a cell."""
    match = _PART.match(key)
    if match is None:
        return Target(row, "" if key == "__all__" else key)
    part, index, field = match.groups()
    if part == "identity":
        return Target(row, field)
    if part == "episode":
        return Target(episode, field)
    return Target(imaging[int(index)], field)
