"""Candidacy estimates for one patient: how patients like them did with each treatment.

The models are fitted on the index treatments of the sites the viewer can see (the data
they are allowed to see) and kept in memory per data version, because a fit takes seconds.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Any

from django.db.models import Max
from django.utils import timezone

from disctrack.outcomes import CandidacyModel, CandidacyResult
from disctrack.outcomes.frames import CASE_MIX, TREATMENTS
from disctrack.registry.choices import OpioidUse, Smoking, TreatmentRole, WorkStatus
from disctrack.registry.models import Patient, PatientIdentity
from disctrack.reports.analysis import PAGE
from disctrack.reports.formatting import group_label, in_sentence
from disctrack.reports.frames import build_frames
from disctrack.reports.service import data_version
from disctrack.surveys.models import Response, ResponseStatus


@lru_cache(maxsize=8)
def _fitted(site_ids: tuple[int, ...], version: int, as_of: date) -> tuple[CandidacyResult | None, str]:
    frames = build_frames(list(site_ids), as_of=as_of)
    if frames.patients["treatment"].nunique() < 2:
        return None, "the registry needs patients given at least two different treatments"
    try:
        model = CandidacyModel(seed=0, n_bootstrap=PAGE.candidacy_bootstrap).fit(frames.patients, frames.followups)
    except ValueError as exc:
        return None, f"the models could not be fitted: {exc}"
    return model, ""


def fitted_model(site_ids: list[int]) -> tuple[CandidacyResult | None, str]:
    ids = tuple(sorted(site_ids))
    return _fitted(ids, data_version(ids), timezone.now().date())


def _baseline_scores(index_id: int | None) -> dict[str, float | None]:
    scores = {"baseline_odi": None, "baseline_nrs_back": None}
    if index_id is None:
        return scores
    responses = (Response.objects.filter(timepoint__treatment_id=index_id, timepoint__code="baseline",
                                         status=ResponseStatus.SUBMITTED, instrument__in=["odi", "nrs_pain"])
                 .order_by("instrument", "-version"))
    current: dict[str, dict] = {}
    for response in responses:
        current.setdefault(response.instrument, response.scores)
    scores["baseline_odi"] = current.get("odi", {}).get("odi")
    scores["baseline_nrs_back"] = current.get("nrs_pain", {}).get("nrs_back")
    return scores


def case_mix(patient: Patient) -> dict[str, Any]:
    """The patient's case-mix as the models read it; at the index treatment if there is one."""
    episode = patient.episodes.order_by("-diagnosed_on", "-id").first()
    if episode is None:
        return {}
    identity = PatientIdentity.objects.filter(patient=patient).first()
    index = episode.treatments.filter(role=TreatmentRole.INDEX).first()
    on = index.performed_on if index else timezone.now().date()
    imaging = episode.imaging.aggregate(pfirrmann=Max("pfirrmann_grade"), modic=Max("modic"))
    mix = {
        "age": float(identity.age_on(on)) if identity else None,
        "sex": identity.sex if identity else None,
        "bmi": episode.bmi, "smoker": episode.smoking == Smoking.CURRENT,
        "symptom_months": float(episode.symptom_duration_months),
        "pfirrmann_max": imaging["pfirrmann"], "modic": imaging["modic"],
        "n_levels": len(index.levels if index else episode.levels),
        "prior_surgery": episode.prior_spine_surgery,
        "working": episode.work_status in (WorkStatus.FULL_TIME, WorkStatus.PART_TIME),
        "opioid_use": episode.opioid_use != OpioidUse.NONE,
        **_baseline_scores(index.id if index else None),
    }
    return {k: v for k, v in mix.items() if k in CASE_MIX}


def estimates(model: CandidacyResult, patient: Patient) -> list[dict[str, Any]]:
    """One row per treatment: chance of success in tenths with its range, or why withheld."""
    mix = case_mix(patient)
    try:
        predicted = model.predict(mix, names={t: in_sentence(group_label(t)) for t in TREATMENTS})
    except ValueError as exc:
        return [{"label": "All treatments", "withheld_reason": f"this patient's record cannot be used: {exc}"}]
    rows = []
    for treatment, p in predicted.items():
        interval = p.get("interval") or [None, None]
        rows.append({
            "treatment": treatment, "label": group_label(treatment),
            "in_ten": None if p["probability"] is None else round(p["probability"] * 10),
            "low_in_ten": None if interval[0] is None else round(interval[0] * 10),
            "high_in_ten": None if interval[1] is None else round(interval[1] * 10),
            "n_similar": p["n_similar"], "withheld_reason": p.get("withheld_reason", ""),
            "caution": p.get("caution", ""),
        })
    return sorted(rows, key=lambda r: (r["in_ten"] is None, r["label"]))
