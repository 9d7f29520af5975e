"""Turn the report JSON into rows for tables (pages and PDF read the same rows)."""

from __future__ import annotations

from typing import Any

from disctrack.reports.formatting import group_label, timepoint_label

METHODS = (("mi", "All treated (multiple imputation)"), ("completers", "Completers only"),
           ("ipw", "Inverse probability weighted"))
RATES = (("success", "Composite success"), ("responder", "Responder"), ("failure", "Failure"))
SCORES = (("odi", "ODI"), ("nrs_back", "Back pain (NRS)"))


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
        scores = [{"label": label, "mean": est.get((g, f"{key}_mean", "mi")),
                   "change": est.get((g, f"{key}_change", "mi"))} for key, label in SCORES]
        rates = [{"label": label, "methods": [{"code": m, "label": ml, "value": est.get((g, measure, m))}
                                              for m, ml in METHODS]}
                 for measure, label in RATES]
        rows.append({"group": g, "label": group_label(g), "counts": c, "scores": scores, "rates": rates})
    return rows


def survival_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    table = (report.get("survival") or {}).get("table") or []
    return [{**r, "label": group_label(r["group"])} for r in table]


def complication_rows(report: dict[str, Any], kinds: tuple[str, ...] = ("any", "serious")) -> list[dict]:
    table = (report.get("complications") or {}).get("table") or []
    return [{**r, "label": group_label(r["group"]), "what": _complication_label(r)}
            for r in table if r["kind"] in kinds]


def _complication_label(row: dict) -> str:
    if row["kind"] == "any":
        return "Any complication"
    if row["kind"] == "serious":
        return "Serious (severe, life-threatening or fatal)"
    return row["value"].replace("_", " ").capitalize()


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
    effects = [{**r, "scale": 100 if r["measure"] == "success" else 1} for r in result["effects"]]
    return {**result, "pairs": pairs, "balance_rows": balance, "effects": effects,
            "group_rows": [{**g, "label": group_label(g["group"])} for g in result["groups"]]}


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
    return sorted(rows.values(), key=lambda r: (r["group"], r["delta"]))


def funnel_rows(report: dict[str, Any], unit: str) -> list[dict[str, Any]]:
    return list(((report.get("funnel") or {}).get(unit) or {}).get("units") or [])


def candidacy_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [{**r, "label": group_label(r["treatment"])}
            for r in (report.get("candidacy") or {}).get("performance") or []]


def timepoint_choices(report: dict[str, Any]) -> list[tuple[str, str]]:
    return [(tp, timepoint_label(tp)) for tp in timepoints(report)]
