"""What the public outcomes page and /outcomes.json show: registry-wide aggregates only.

Built from the suppressed report (``disclosure.public_report``): treatment classes only
(a class and its treatments side by side would let one be subtracted from the other), at
12 and 24 months, with the follow-up completeness of every figure. A site is listed only
when its own numbers pass suppression, and no site is listed if the sites left out, or a
withheld class count, could be worked out from the listed ones.
"""

from __future__ import annotations

from typing import Any

from disctrack.outcomes import load_definitions
from disctrack.reports.disclosure import public_report, small
from disctrack.reports.formatting import group_label, timepoint_label

PUBLIC_TIMEPOINTS = ("m12", "m24")
PUBLIC_HORIZONS = (12.0, 24.0)
PUBLIC_SECTIONS = ("outcomes", "survival", "complications", "funnel_site")
SITE_COUNTS = ("n", "successes", "n_due", "n_answered")
METHODS = [
    "Everyone treated counts. A person is counted at 12 or 24 months once that questionnaire was due "
    "(its time window has closed), unless they had died or withdrawn from the registry before then.",
    "Not everyone answers. Missing answers are filled in many times over from what similar patients "
    "reported (multiple imputation), and the range shown allows for that uncertainty.",
    "Anyone who needed another back operation counts as a failure, whatever their questionnaire said.",
    "Ranges are 95% intervals: with a registry this size, the true figure is very likely inside them.",
    "The registry records what happened to patients who chose each treatment with their doctors. It is "
    "not a randomised trial: people given different treatments differ in other ways too, so these figures "
    "are not a direct comparison of treatments.",
]


def _estimate(rows: dict, group: str, tp: str, measure: str) -> dict[str, Any] | None:
    row = rows.get((group, tp, measure))
    if row is None or row.get("estimate") is None:
        return None
    return {k: row[k] for k in ("estimate", "ci_low", "ci_high")}


def _treatments(public: dict[str, Any]) -> list[dict[str, Any]]:
    outcomes = public.get("outcomes") or {}
    counts = [r for r in outcomes.get("counts") or [] if r["level"] == "treatment_class"]
    est = {(r["group"], r["timepoint"], r["measure"]): r for r in outcomes.get("estimates") or []
           if r["level"] == "treatment_class" and r["method"] == "mi"}
    out = []
    for group in sorted({r["group"] for r in counts}):
        by_tp = {r["timepoint"]: r for r in counts if r["group"] == group}
        tps = [{"timepoint": tp, "label": timepoint_label(tp), "n_due": by_tp[tp]["n_due"],
                "n_answered": by_tp[tp]["n_answered"], "completeness": by_tp[tp]["completeness"],
                "success": _estimate(est, group, tp, "success"), "failure": _estimate(est, group, tp, "failure")}
               for tp in PUBLIC_TIMEPOINTS if tp in by_tp]
        n_treated = next(iter(by_tp.values()))["n_treated"]
        out.append({"group": group, "label": group_label(group), "n_treated": n_treated, "timepoints": tps})
    return out


def _survival(public: dict[str, Any]) -> list[dict[str, Any]]:
    table = (public.get("survival") or {}).get("table") or []
    keys = ("group", "horizon_months", "n", "km_surgery_free", "km_ci_low", "km_ci_high", "withheld_reason")
    return [{**{k: r.get(k) for k in keys}, "label": group_label(r["group"])}
            for r in table if r["horizon_months"] in PUBLIC_HORIZONS]


def _complications(public: dict[str, Any]) -> list[dict[str, Any]]:
    table = (public.get("complications") or {}).get("table") or []
    keys = ("group", "kind", "n_treated", "n_patients", "rate", "ci_low", "ci_high", "withheld_reason")
    return [{**{k: r.get(k) for k in keys}, "label": group_label(r["group"])}
            for r in table if r["kind"] in ("any", "serious")]


def _sites(public: dict[str, Any], report: dict[str, Any], names: dict[str, str], min_cell: int,
           treatments: list[dict]) -> list[dict]:
    """Sites whose numbers pass suppression, or none if listing them would reveal a count.

    The sites' numbers add up to registry totals at the primary time point, as do the
    treatment classes' numbers: if the sites not listed, or a treatment class whose count is
    withheld, could be worked out from the listed sites, no site is listed.
    """
    units = ((public.get("funnel") or {}).get("site") or {}).get("units") or []
    shown = [{"site": names.get(u["unit"], u["unit"]), **{k: u.get(k) for k in (*SITE_COUNTS, "rate", "completeness")}}
             for u in units if u.get("rate") is not None and all(u.get(k) is not None for k in SITE_COUNTS)]
    every = ((report.get("funnel") or {}).get("site") or {}).get("units") or []
    primary = [tp for t in treatments for tp in t["timepoints"] if tp["timepoint"] == PUBLIC_TIMEPOINTS[0]]
    for key in SITE_COUNTS:
        left_out = sum(u[key] or 0 for u in every) - sum(s[key] for s in shown)
        class_hidden = key in ("n_due", "n_answered") and any(tp[key] is None for tp in primary)
        if small(left_out, min_cell) or class_hidden:
            return []
    return shown


def _registry(cohort: dict[str, Any], treatments: list[dict]) -> dict[str, Any]:
    """The total is shown only when it adds nothing: every class's count is shown too."""
    every_class_shown = all(t["n_treated"] is not None for t in treatments)
    return {"n_patients": cohort.get("n_patients") if every_class_shown else None,
            "completeness": cohort.get("completeness")}


def public_summary(report: dict[str, Any], site_names: dict[str, str]) -> dict[str, Any]:
    """The public aggregates of a registry-wide report (``analysis.Analysis.to_dict``)."""
    min_cell = load_definitions().min_cell_size
    public = public_report(report, min_cell)
    d = public["definitions"]
    cohort = public["cohort"]
    treatments = _treatments(public)
    return {
        "title": "DiscTrack registry: outcomes of treatments for discogenic low back pain",
        "generated_at": report.get("generated_at"), "data_as_of": cohort.get("as_of"),
        "definitions": {k: d[k] for k in ("version", "sha256", "success", "failure", "responder", "mic")},
        "methods": METHODS,
        "suppression": {"min_cell": min_cell,
                        "rule": f"No count from 1 to {min_cell - 1} is shown, nor any figure it could be "
                                "worked out from; such figures say 'withheld'."},
        "registry": _registry(cohort, treatments),
        "treatments": treatments,
        "surgery_free": _survival(public),
        "complications": _complications(public),
        "sites": _sites(public, report, site_names, min_cell, treatments),
        "not_computed": sorted(public.get("unavailable") or {}),
    }
