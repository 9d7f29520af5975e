"""The entry points: the public copy of a report, and the audit of any publication."""

from __future__ import annotations

import copy
from typing import Any

from .cells import mapping, read_cells, site_section
from .intervals import AuditResult, Solver, run_audit
from .model import CLASS, REGISTRY, describe
from .suppress import suppress

LEFT_OUT = ("treatment_dates", "notes", "n_sites", "n_physicians")  # cohort details never published


def public_report(report: dict[str, Any], min_cell: int) -> dict[str, Any]:
    """A copy of a report (``to_dict()``) safe to publish, with its audit.

    Parameters
    ----------
    report : dict
        ``OutcomesReport.to_dict()`` or the reports app's report.
    min_cell : int
        Smallest number of people that may be shown (``min_cell_size`` of the definitions).

    Returns
    -------
    dict
        The report with hidden counts and the figures that rest on them set to None (a
        record that lost figures says why in ``withheld_reason``), per-patient details and
        unaudited sections left out, plus ``suppression`` (the rule) and ``audit`` (the
        interval audit's summary).

    Raises
    ------
    ValueError
        ``min_cell`` is not a whole number of at least 1, or ``report`` is not a dict.
    """
    if not isinstance(min_cell, int) or isinstance(min_cell, bool) or min_cell < 1:
        raise ValueError("min_cell must be a whole number of at least 1")
    if not isinstance(report, dict):
        raise ValueError("report must be a report dictionary (to_dict())")
    public = _trim(report)
    model = read_cells(public)
    suppress(model, min_cell)
    result, solver = run_audit(model, min_cell)
    _site_limits(public, solver)
    if not result.passed:
        raise RuntimeError("disclosure audit failed after suppression: " + "; ".join(
            [describe(f.cell) for f in result.failures] + result.rate_failures))
    public["suppression"] = {
        "min_cell": min_cell,
        "rule": f"No count from 1 to {min_cell - 1} is shown, nor any figure it could be worked out from.",
        "method": "disctrack.outcomes.disclosure; docs/disclosure.md",
    }
    public["audit"] = result.summary()
    return public


def audit(original: dict[str, Any], public: dict[str, Any], min_cell: int) -> AuditResult:
    """Audit a publication against the report it came from.

    Cells and their true values come from ``original``; a cell or figure is published when
    ``public`` shows it (not None) at the same place. Every published exact proportion is
    an equality. Use it to check any publication, including one made by other code.
    """
    trimmed = _trim(original)
    model = read_cells(trimmed)
    _mask(trimmed, public)
    result, _ = run_audit(model, min_cell)
    return result


def suppress_small_cells(report_dict: dict[str, Any], min_cell: int = 11) -> dict[str, Any]:
    """The public copy of a report: the same code path as :func:`public_report`."""
    return public_report(report_dict, min_cell)


def _trim(report: dict[str, Any]) -> dict[str, Any]:
    """What is never published: per-patient details and sections this module does not audit."""
    public = copy.deepcopy(report)
    cohort = public.get("cohort")
    if isinstance(cohort, dict):
        by = cohort.pop("n_by_treatment", None)
        if isinstance(by, dict):
            cohort["by_treatment"] = [{"group": k, "n": v} for k, v in by.items()]
        for name in LEFT_OUT:
            cohort.pop(name, None)
    public.pop("candidacy", None)
    _classes_only(public)
    outcomes = public.get("outcomes")
    if isinstance(outcomes, dict):
        outcomes.pop("response_model", None)
    funnel = public.get("funnel")
    if isinstance(funnel, dict):
        public["funnel"] = {"site": funnel.get("site")}
    filters = public.get("filters")
    if isinstance(filters, dict):
        filters.pop("physician", None)
    return public


def _classes_only(public: dict[str, Any]) -> None:
    """Treatment classes only, no completers-only figures, complications as any and serious.

    A class beside its treatments invites subtraction; completers-only rates are biased
    (staff see them) and each would publish one more count (successes) to protect.
    """
    outcomes = public.get("outcomes")
    if isinstance(outcomes, dict):
        if isinstance(outcomes.get("counts"), list):
            outcomes["counts"] = [r for r in outcomes["counts"] if _level(r) == CLASS]
        if isinstance(outcomes.get("estimates"), list):
            outcomes["estimates"] = [r for r in outcomes["estimates"]
                                     if _level(r) == CLASS and mapping(r).get("method") != "completers"]
        outcomes.pop("headline", None)
    if isinstance(public.get("headline"), list):
        public["headline"] = [{k: v for k, v in mapping(r).items() if not str(k).startswith("completers_")}
                              for r in public["headline"]]
    tipping = public.get("tipping_point")
    if isinstance(tipping, dict) and isinstance(tipping.get("table"), list):
        tipping["table"] = [r for r in tipping["table"] if _level(r) == CLASS]
    comparison = public.get("comparison")
    if isinstance(comparison, dict):
        comparison.pop("by_biologic", None)
    cohort = public.get("cohort")
    if isinstance(cohort, dict):
        cohort.pop("by_treatment", None)
    complications = public.get("complications")
    if isinstance(complications, dict) and isinstance(complications.get("table"), list):
        complications["table"] = [r for r in complications["table"] if mapping(r).get("kind") in ("any", "serious")]


def _level(record: Any) -> Any:
    return mapping(record).get("level", CLASS)


def _site_limits(public: dict[str, Any], solver: Solver) -> None:
    """The funnel's overall rate and limits show the registry's completers rate."""
    site = site_section(public)
    if site is None:
        return
    tp = site.get("timepoint")
    deps = [("known", REGISTRY, "all", tp), ("hits", REGISTRY, "all", tp, "success")]
    if not all(solver.determined(d) for d in deps):
        site["overall_rate"] = None
        site["limits"] = None


def _mask(original: Any, public: Any) -> None:
    """Set to None in ``original`` every value that ``public`` does not show."""
    if isinstance(original, dict):
        for key, value in original.items():
            shown = public.get(key) if isinstance(public, dict) else None
            if isinstance(value, dict | list):
                _mask(value, shown)
            elif shown is None:
                original[key] = None
    elif isinstance(original, list):
        for i, value in enumerate(original):
            shown = public[i] if isinstance(public, list) and i < len(public) else None
            if isinstance(value, dict | list):
                _mask(value, shown)
            elif shown is None:
                original[i] = None
