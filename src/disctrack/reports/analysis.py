"""Run the outcome analyses on registry frames, one section at a time.

The sections and their JSON are those of ``disctrack.outcomes.build_report`` (see
docs/statistics.md). They are run here one by one so that a section that cannot be
computed for a selection (one treatment only, too few patients due at the primary time
point) leaves the others standing: it is null in the JSON and ``unavailable`` says why.

A full report with multiple imputation and bootstraps takes seconds to minutes; pages use
the ``PAGE`` profile (fewer imputations and replicates, stated on the page) and the
``disctrack outcomes`` command uses the definitions' own settings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from disctrack.outcomes import (
    CandidacyModel,
    ComplicationRates,
    Definitions,
    Funnel,
    SurgerySurvival,
    TimepointOutcomes,
    TippingPointAnalysis,
    TreatmentComparison,
    load_definitions,
)
from disctrack.outcomes.comparison import MIN_GROUP
from disctrack.outcomes.report import SCHEMA_VERSION
from disctrack.outcomes.results import jsonable
from disctrack.reports.frames import RegistryFrames


@dataclass(frozen=True)
class Profile:
    """How hard to compute: None means the definitions' own setting."""

    name: str
    n_imputations: int | None = None
    n_bootstrap: int | None = None
    candidacy_bootstrap: int | None = None


SECTIONS = ("outcomes", "tipping_point", "survival", "complications", "comparison_class",
            "comparison_biologic", "candidacy", "funnel_site", "funnel_physician")
NEED_IMPUTATIONS = {"outcomes", "tipping_point", "comparison_class", "comparison_biologic"}
FULL = Profile("full")
PAGE = Profile("page", n_imputations=5, n_bootstrap=50, candidacy_bootstrap=20)


@dataclass
class Analysis:
    """The fitted results (for figures) and the reasons for what could not be computed."""

    definitions: Definitions
    settings: dict[str, Any]
    cohort: dict[str, Any]
    results: dict[str, Any] = field(default_factory=dict)
    unavailable: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        r = self.results
        outcomes = r.get("outcomes")

        def section(name: str):
            return r[name].to_dict() if r.get(name) is not None else None

        return jsonable({
            "schema_version": SCHEMA_VERSION,
            "definitions": {**self.definitions.stamp(), "text": self.definitions.text},
            "settings": self.settings,
            "cohort": self.cohort,
            "headline": outcomes.headline() if outcomes is not None else None,
            "outcomes": section("outcomes"),
            "tipping_point": section("tipping_point"),
            "survival": section("survival"),
            "complications": section("complications"),
            "comparison": {"by_class": section("comparison_class"),
                           "by_biologic": section("comparison_biologic")},
            "candidacy": section("candidacy"),
            "funnel": {"site": section("funnel_site"), "physician": section("funnel_physician")},
            "unavailable": self.unavailable,
        })


def cohort_summary(frames: RegistryFrames) -> dict[str, Any]:
    """Counts of the whole extract: patients, follow-ups due and answered, events."""
    patients, followups = frames.patients, frames.followups
    after = followups["timepoint"] != "baseline"
    due = after & followups["status"].isin(["answered", "missed"])
    answered = after & (followups["status"] == "answered")
    return {
        "n_patients": len(patients), "n_sites": patients["site"].nunique(),
        "n_physicians": patients["physician"].nunique(),
        "treatment_dates": [patients["treatment_date"].min(), patients["treatment_date"].max()],
        "n_by_treatment": patients["treatment"].value_counts().sort_index().to_dict(),
        "n_followups_due": int(due.sum()), "n_followups_answered": int(answered.sum()),
        "completeness": float(answered.sum() / due.sum()) if due.sum() else np.nan,
        "n_surgery": int(patients["surgery_date"].notna().sum()),
        "n_dead": int(patients["death_date"].notna().sum()),
        "n_withdrawn": int(patients["withdrawal_date"].notna().sum()),
        "as_of": frames.as_of.isoformat(), "notes": frames.notes,
    }


class _Runner:
    """Runs sections in order, recording a plain reason when one cannot be computed."""

    def __init__(self, analysis: Analysis) -> None:
        self.analysis = analysis

    def run(self, name: str, compute) -> None:
        try:
            self.analysis.results[name] = compute()
        except (ValueError, ArithmeticError, LookupError) as exc:
            self.analysis.results[name] = None
            self.analysis.unavailable[name] = f"not computed for this selection: {exc}"

    def skip(self, name: str, reason: str) -> None:
        self.analysis.results[name] = None
        self.analysis.unavailable[name] = reason


def analyse(frames: RegistryFrames, *, profile: Profile = PAGE, seed: int = 0,
            definitions: Definitions | None = None, sections: tuple[str, ...] | None = None) -> Analysis:
    """Every section of the report (or only ``sections``) for the frames."""
    defs = definitions or load_definitions()
    m = profile.n_imputations or defs.n_imputations
    b = defs.n_bootstrap if profile.n_bootstrap is None else profile.n_bootstrap
    cb = profile.candidacy_bootstrap or int(defs.section("candidacy")["n_bootstrap"])
    settings = {"profile": profile.name, "seed": seed, "n_imputations": m, "n_bootstrap": b,
                "candidacy_bootstrap": cb}
    analysis = Analysis(defs, settings, cohort_summary(frames))
    wanted = set(sections or SECTIONS)
    runner = _Runner(analysis)
    if frames.patients.empty:
        for name in sorted(wanted):
            runner.skip(name, "no treated patients in this selection")
        return analysis
    # One BLAS thread: these many small model fits run slower with threads handing off work.
    with threadpool_limits(1):
        _run_sections(runner, wanted, frames, defs, seed, m, b, cb)
    analysis.results = {k: v for k, v in analysis.results.items() if k in wanted}
    analysis.unavailable = {k: v for k, v in analysis.unavailable.items() if k in wanted}
    return analysis


def _run_sections(runner: _Runner, wanted: set[str], frames: RegistryFrames, defs: Definitions,
                  seed: int, m: int, b: int, cb: int) -> None:
    p, f, c = frames.patients, frames.followups, frames.complications
    outcomes = None
    if wanted & NEED_IMPUTATIONS:
        runner.run("outcomes", lambda: TimepointOutcomes(defs, n_imputations=m, seed=seed).fit(p, f))
        outcomes = runner.analysis.results["outcomes"]
    if outcomes is None:
        for name in sorted(wanted & NEED_IMPUTATIONS - {"outcomes"}):
            runner.skip(name, "needs the time-point outcomes, which could not be computed")
    if "tipping_point" in wanted and outcomes is not None:
        runner.run("tipping_point", lambda: TippingPointAnalysis().fit(outcomes))
    if "survival" in wanted:
        runner.run("survival", lambda: SurgerySurvival(defs, seed=seed).fit(p))
    if "complications" in wanted:
        runner.run("complications", lambda: ComplicationRates(defs).fit(p, f, c))
    for by, name in (("class", "comparison_class"), ("biologic", "comparison_biologic")):
        if name in wanted and outcomes is not None:
            reason = _comparison_blocker(outcomes, defs, by)
            if reason:
                runner.skip(name, reason)
                continue
            comparison = TreatmentComparison(defs, by=by, n_bootstrap=b, seed=seed)
            runner.run(name, lambda comparison=comparison: comparison.fit(p, f, imputations=outcomes.imputations))
    if "candidacy" in wanted and p["treatment"].nunique() < 2:
        runner.skip("candidacy", "needs patients given at least two different treatments")
    elif "candidacy" in wanted:
        runner.run("candidacy", lambda: CandidacyModel(defs, seed=seed, n_bootstrap=cb).fit(p, f))
    for unit in ("site", "physician"):
        if f"funnel_{unit}" in wanted:
            runner.run(f"funnel_{unit}", lambda unit=unit: Funnel(defs, unit=unit).fit(p, f))


def _comparison_blocker(outcomes, defs: Definitions, by: str) -> str:
    """Why an adjusted comparison cannot be made: it needs two groups with enough due."""
    settings = defs.section("comparison")
    level, wanted = (("treatment_class", settings["by_class"]) if by == "class"
                     else ("treatment", settings["by_biologic"]))
    counts = outcomes.counts
    due = counts[(counts["level"] == level) & (counts["timepoint"] == defs.primary_timepoint)
                 & counts["group"].isin(wanted)]
    if (due["n_due"] >= MIN_GROUP).sum() < 2:
        return (f"needs at least two of {', '.join(wanted)} with {MIN_GROUP} or more patients due "
                f"at {defs.primary_timepoint}")
    return ""
