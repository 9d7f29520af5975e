"""What the public outcomes page and /outcomes.json show: registry-wide aggregates only.

Built from the suppressed and audited report (``disctrack.outcomes.disclosure``):
treatment classes only, at 12 and 24 months, with the follow-up completeness of every
figure. Every clinic in the funnel is listed; a figure that suppression or the interval
audit withheld is None, and the row says why.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from disctrack.outcomes import load_definitions
from disctrack.outcomes.disclosure import public_report
from disctrack.reports.formatting import group_label, timepoint_label

PUBLIC_TIMEPOINTS = ("m12", "m24")
PUBLIC_HORIZONS = (12.0, 24.0)
PUBLIC_SECTIONS = ("outcomes", "survival", "complications", "funnel_site")
SITE_FIELDS = ("n_treated", "n_due", "n_answered", "completeness", "rate", "rate_ci_low", "rate_ci_high",
               "expected_rate", "oe_ratio", "adjusted_rate", "adjusted_ci_low", "adjusted_ci_high",
               "completers_rate", "n", "successes")
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


def _sites(public: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    """The clinics' rows as published: raw all-treated and case-mix adjusted rates side by side.

    Whatever the funnel provides is shown; a withheld figure is None and ``withheld_reason``
    says why. The disclosure audit covers these rows with the rest of the report (the
    clinics' counts add up to the registry's).
    """
    site = (public.get("funnel") or {}).get("site") or {}
    rows = []
    for u in site.get("units") or []:
        row = {"site": names.get(u["unit"], u["unit"]), **{k: u[k] for k in SITE_FIELDS if k in u}}
        if u.get("withheld_reason"):
            row["withheld_reason"] = u["withheld_reason"]
        rows.append(row)
    columns = [k for k in SITE_FIELDS if any(k in u for u in site.get("units") or [])]
    return {"rows": rows, "columns": columns, "measure": site.get("measure"), "timepoint": site.get("timepoint")}


def _registry(cohort: dict[str, Any]) -> dict[str, Any]:
    """The registry's total, as the audit left it (it is the sum of the classes' counts)."""
    return {"n_patients": cohort.get("n_patients"), "completeness": cohort.get("completeness")}


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
                        "rule": _("No count from 1 to %(top)d is shown, nor any figure it could be worked out "
                                  "from; such figures say 'withheld'.") % {"top": min_cell - 1}},
        "audit": public["audit"],
        "registry": _registry(cohort),
        "treatments": treatments,
        "surgery_free": _survival(public),
        "complications": _complications(public),
        "sites": _sites(public, site_names),
        "not_computed": sorted(public.get("unavailable") or {}),
    }
