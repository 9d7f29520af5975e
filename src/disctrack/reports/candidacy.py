"""Candidacy estimates for one patient: how patients like them did with each treatment.

The models are fitted on the index treatments of the sites the viewer can see (the data
they are allowed to see) and kept in memory per data version, because a fit takes seconds.
A model is shown only when the registry has enough patients for it and it passed its
cross-validated checks (see docs/candidacy.md); otherwise the page says once that the
registry cannot yet say more than each treatment's average, and why.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from disctrack.core.memo import Kept
from disctrack.outcomes import CandidacyModel, CandidacyResult
from disctrack.outcomes.frames import CASE_MIX, TREATMENTS
from disctrack.registry.choices import OpioidUse, Smoking, TreatmentRole, WorkStatus
from disctrack.registry.models import Patient, PatientIdentity
from disctrack.reports.analysis import PAGE
from disctrack.reports.formatting import group_label, in_sentence, timepoint_label
from disctrack.reports.frames import build_frames
from disctrack.reports.service import data_version
from disctrack.surveys.models import Response, ResponseStatus

log = logging.getLogger(__name__)




@dataclass(frozen=True)
class Fit:
    """The candidacy models of a set of sites at a data version, or why there are none.

    ``pending``: no model of these sites is ready yet; one is being fitted."""

    model: CandidacyResult | None
    reason: str
    version: int = 0
    as_of: date | None = None
    pending: bool = False


# The latest models fitted per set of sites (one set per kind of viewer), and the sets
# being fitted now.
_latest = Kept(8)
_fitting: set[tuple[int, ...]] = set()
_lock = threading.Lock()


def _fit(site_ids: tuple[int, ...], version: int, as_of: date) -> Fit:
    frames = build_frames(list(site_ids), as_of=as_of)
    if frames.patients["treatment"].nunique() < 2:
        return Fit(None, gettext("the registry needs patients given at least two different treatments"),
                   version, as_of)
    try:
        model = CandidacyModel(seed=0, n_imputations=PAGE.n_imputations).fit(frames.patients, frames.followups)
    except ValueError as exc:
        return Fit(None, gettext("the models could not be fitted: %(problem)s") % {"problem": exc}, version, as_of)
    return Fit(model, "", version, as_of)


def _fit_in_background(ids: tuple[int, ...], version: int, as_of: date) -> None:
    with _lock:
        if ids in _fitting:
            return
        _fitting.add(ids)

    def run() -> None:
        try:
            _latest.put(ids, _fit(ids, version, as_of))
        except Exception:  # the next request tries again
            log.exception("fitting the candidacy models failed")
        finally:
            with _lock:
                _fitting.discard(ids)
            connections.close_all()

    threading.Thread(target=run, name="candidacy-fit", daemon=True).start()


def fitted_model(site_ids: list[int]) -> Fit:
    """The models of the sites' current data, fitted once per data version.

    A fit takes seconds (tens of seconds for a network), longer than a request may: in the
    background (DISCTRACK_REPORTS_IN_BACKGROUND, the web's default) a changed registry is
    answered with the last models fitted while new ones are fitted in a thread, and a
    process with none yet answers ``pending``."""
    ids = tuple(sorted(site_ids))
    version, as_of = data_version(ids), timezone.now().date()
    latest = _latest.get(ids)
    if latest is not None and (latest.version, latest.as_of) == (version, as_of):
        return latest
    if not settings.REPORTS_IN_BACKGROUND:
        return _latest.put(ids, _fit(ids, version, as_of))
    _fit_in_background(ids, version, as_of)
    return latest or Fit(None, "", pending=True)


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


def reason(row: dict[str, Any], timepoint: str) -> str:
    """Why the registry cannot say more than a treatment's average, for a person."""
    code = row["reason_code"]
    if code == "no_patients":
        return gettext("no patients were due at %(tp)s") % {"tp": timepoint}
    if code == "no_variation":
        return gettext("every patient due at %(tp)s had the same outcome") % {"tp": timepoint}
    if code == "too_few":
        return gettext("too few patients for a model that does not overfit (%(n)d of the %(needed)d needed)") % {
            "n": row["n"], "needed": row["n_required"]}
    if code == "weak_discrimination":
        return gettext("the model could not tell these patients apart (c-statistic %(c).2f, at least %(min).2f "
                       "needed)") % {"c": row["c_statistic"], "min": row["min_c_statistic"]}
    if code == "miscalibrated":
        return gettext("the model's predictions were not reliable when checked on patients it had not seen "
                       "(calibration slope %(s).2f, %(low).1f to %(high).1f needed)") % {
            "s": row["calibration_slope"], "low": row["slope_low"], "high": row["slope_high"]}
    return ""


def shared_reason(code: str) -> str:
    """The reason said once when every treatment without an estimate has the same one."""
    return {
        "too_few": gettext("there are too few patients for a model that does not overfit"),
        "weak_discrimination": gettext("the models could not tell patients apart"),
        "miscalibrated": gettext("the models' predictions were not reliable when checked on patients "
                                 "they had not seen"),
    }.get(code, "")


def _number(value: Any) -> float | None:
    return None if value is None or value != value else float(value)


def estimates(model: CandidacyResult, patient: Patient) -> dict[str, Any]:
    """What the page shows for a patient.

    ``rows``: treatments with an estimate for patients like this one (chance in tenths with
    its range) or why it is withheld for this patient; ``averages``: the other treatments'
    all-treated averages with the sample-size and validation figures; ``summary``: said once
    when no treatment has an estimate; ``problem``: when the patient's record cannot be used.
    """
    mix = case_mix(patient)
    empty = {"rows": [], "averages": [], "summary": "", "reason": "", "problem": ""}
    try:
        predicted = model.predict(mix, names={t: in_sentence(group_label(t)) for t in TREATMENTS},
                                  patient_id=patient.registry_id)
    except ValueError as exc:
        return {**empty, "problem": gettext("this patient's record cannot be used: %(problem)s") % {"problem": exc}}
    tp = timepoint_label(model.definitions.primary_timepoint)
    perf = model.performance.set_index("treatment")
    rows, averages = [], []
    for treatment, p in predicted.items():
        row = perf.loc[treatment].to_dict()
        if row["n"] == 0:
            continue
        average = p["average"]
        base = {"treatment": treatment, "label": group_label(treatment),
                "average": {k: _number(v) for k, v in average.items()}}
        if not p["model_shown"]:
            averages.append({**base, "code": row["reason_code"], "why": reason(row, tp), "n": row["n"],
                             "n_required": None if _number(row["n_required"]) is None else int(row["n_required"]),
                             "c_statistic": _number(row["c_statistic"]),
                             "calibration_slope": _number(row["calibration_slope"])})
            continue
        interval = p.get("interval") or [None, None]
        rows.append({
            **base, "in_ten": None if p["probability"] is None else round(p["probability"] * 10),
            "low_in_ten": None if interval[0] is None else round(interval[0] * 10),
            "high_in_ten": None if interval[1] is None else round(interval[1] * 10),
            "n_similar": p["n_similar"], "withheld_reason": p.get("withheld_reason", ""),
        })
    codes = {a["code"] for a in averages}
    once = shared_reason(codes.pop()) if len(codes) == 1 else ""
    if once:
        averages = [{**a, "why": ""} for a in averages]
    summary = "" if rows else ngettext(
        "The registry cannot yet say more than this treatment's average for patients like this one.",
        "The registry cannot yet say more than each treatment's average for patients like this one.",
        len(averages))
    return {**empty, "rows": sorted(rows, key=lambda r: (r["in_ten"] is None, r["label"])),
            "averages": sorted(averages, key=lambda r: r["label"]), "summary": summary, "reason": once,
            "timepoint": tp}
