"""Turn the report JSON into rows for tables (pages and PDF read the same rows).

Every figure comes with a ready ``cell`` (see ``formatting.cell``): its text, or, when the
registry's data cannot support it, the reason in words ("no answers at this time point")
instead of a dash or a zero.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_noop as _noop

from disctrack.reports.formatting import (
    DIFFERENCE_UNITS,
    cell,
    group_label,
    measure_label,
    pair_label,
    timepoint_label,
)

METHODS = (("mi", _noop("All treated (multiple imputation)")), ("completers", _noop("Completers only")),
           ("ipw", _noop("Inverse probability weighted")))
RATES = ("success", "responder", "failure")
SCORES = ("odi", "nrs_back")
COMPLICATION_KINDS = {"any": _noop("Any complication"),
                      "serious": _noop("Serious (severe, life-threatening or fatal)")}


def timepoints(report: dict[str, Any]) -> list[str]:
    counts = (report.get("outcomes") or {}).get("counts") or []
    seen = sorted({(r["months"], r["timepoint"]) for r in counts})
    return [tp for _, tp in seen]


def _index(rows: list[dict], *keys: str) -> dict[tuple, dict]:
    return {tuple(r[k] for k in keys): r for r in rows}


def group_rows(report: dict[str, Any], level: str, timepoint: str) -> list[dict[str, Any]]:
    """Per group at one time point: counts, scores (MI) and the three rates three ways."""
    outcomes = report.get("outcomes") or {}
    counts = [r for r in outcomes.get("counts") or [] if r["level"] == level and r["timepoint"] == timepoint]
    est = _index([r for r in outcomes.get("estimates") or [] if r["level"] == level and r["timepoint"] == timepoint],
                 "group", "measure", "method")
    rows = []
    for c in sorted(counts, key=lambda r: r["group"]):
        g = c["group"]
        scores = []
        for key in SCORES:
            mean, change = est.get((g, f"{key}_mean", "mi")), est.get((g, f"{key}_change", "mi"))
            scores.append({"label": measure_label(f"{key}_mean"), "mean": mean, "change": change,
                           "mean_cell": cell(mean, as_percent=False), "change_cell": cell(change, as_percent=False)})
        rates = [{"label": measure_label(measure),
                  "methods": [{"code": m, "label": gettext(ml), "value": est.get((g, measure, m)),
                               "cell": cell(est.get((g, measure, m)))} for m, ml in METHODS]}
                 for measure in RATES]
        rows.append({"group": g, "label": group_label(g), "counts": c, "scores": scores, "rates": rates})
    return rows


def survival_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    table = (report.get("survival") or {}).get("table") or []
    return [{**r, "label": group_label(r["group"]),
             "km_cell": cell(r, value="km_surgery_free", low="km_ci_low", high="km_ci_high"),
             "cif_cell": cell(r, value="cif_surgery", low="cif_ci_low", high="cif_ci_high")} for r in table]


def complication_rows(report: dict[str, Any], kinds: tuple[str, ...] = ("any", "serious")) -> list[dict]:
    table = (report.get("complications") or {}).get("table") or []
    return [{**r, "label": group_label(r["group"]), "what": _complication_label(r),
             "cell": cell(r, value="rate", digits=1)}
            for r in table if r["kind"] in kinds]


def _complication_label(row: dict) -> str:
    if row["kind"] in COMPLICATION_KINDS:
        return gettext(COMPLICATION_KINDS[row["kind"]])
    return row["value"].replace("_", " ").capitalize()


def effect_rows(effects: list[dict]) -> list[dict[str, Any]]:
    """Adjusted differences in people's words, each with its cell (or the reason)."""
    rows = []
    for e in effects:
        scale = 100 if e["measure"] == "success" else 1
        unit = DIFFERENCE_UNITS.get(e["measure"])
        rows.append({**e, "scale": scale, "pair_label": pair_label(e["pair"]),
                     "measure_label": f"{measure_label(e['measure'])} ({gettext(unit)})" if unit
                     else measure_label(e["measure"]),
                     "cell": cell(e, as_percent=False, scale=scale),
                     "crude_cell": cell(e, value="crude", low=None, high=None, as_percent=False, scale=scale)})
    return rows


def comparison(report: dict[str, Any], by: str = "by_class") -> dict[str, Any] | None:
    """Groups, effects, a balance table (one row per covariate) and overlap."""
    result = (report.get("comparison") or {}).get(by)
    if not result:
        return None
    pairs = sorted({r["pair"] for r in result["balance"]})
    by_cov: dict[str, dict] = {}
    for r in result["balance"]:
        by_cov.setdefault(r["covariate"], {})[r["pair"]] = r
    balance = [{"covariate": cov.replace("_", " "), "cells": [cells.get(p) for p in pairs]}
               for cov, cells in by_cov.items()]
    groups = [{**g, "label": group_label(g["group"]),
               "success_cell": cell(g, value="adjusted_success", low=None, high=None),
               "odi_change_cell": cell(g, value="adjusted_odi_change", low=None, high=None, as_percent=False)}
              for g in result["groups"]]
    return {**result, "pairs": pairs, "pair_labels": [pair_label(p) for p in pairs], "balance_rows": balance,
            "effects": effect_rows(result["effects"]), "group_rows": groups}


def tipping_rows(report: dict[str, Any], level: str = "treatment_class") -> list[dict[str, Any]]:
    table = (report.get("tipping_point") or {}).get("table") or []
    rows: dict[tuple, dict] = {}
    for r in table:
        if r["level"] != level:
            continue
        row = rows.setdefault((r["group"], r["delta"]), {"group": r["group"], "label": group_label(r["group"]),
                                                         "delta": r["delta"], "n_due": r["n_due"],
                                                         "n_imputed": r["n_imputed"]})
        row[r["measure"]] = r
        row[f"{r['measure']}_cell"] = cell(r, as_percent=r["measure"] == "success")
    return sorted(rows.values(), key=lambda r: (r["group"], r["delta"]))


def funnel_rows(report: dict[str, Any], unit: str) -> list[dict[str, Any]]:
    return list(((report.get("funnel") or {}).get(unit) or {}).get("units") or [])


def candidacy_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [{**r, "label": group_label(r["treatment"])}
            for r in (report.get("candidacy") or {}).get("performance") or []]


def mic_rows(definitions: dict[str, Any]) -> list[dict[str, Any]]:
    """The minimal important change per score, labelled for people."""
    return [{"label": measure_label(f"{name}_mean"), "points": mic.get("points"), "percent": mic.get("percent")}
            for name, mic in (definitions.get("mic") or {}).items()]


def timepoint_choices(report: dict[str, Any]) -> list[tuple[str, str]]:
    return [(tp, timepoint_label(tp)) for tp in timepoints(report)]
