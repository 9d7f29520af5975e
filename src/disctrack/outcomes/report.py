"""The full outcomes report: every analysis of the package run on one registry extract.

One pipeline for every door: :func:`build_report` (tests, notebooks, users of the package)
and the registry's pages, PDF, JSON and ``disctrack outcomes`` (through
``disctrack.reports.analysis``, which only builds the frames) all run :func:`run_report`.

Sections are run one by one, so that a section that cannot be computed for a selection
(one treatment only, too few patients due at the primary time point) leaves the others
standing: it is null in the JSON and ``unavailable`` says why, in plain words.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

import pandas as pd
from threadpoolctl import threadpool_limits

from .candidacy import CandidacyModel, CandidacyResult
from .comparison import ComparisonResult, TreatmentComparison
from .complications import ComplicationRates, ComplicationRatesResult
from .definitions import Definitions, load_definitions
from .frames import check_frames
from .funnel import Funnel, FunnelResult
from .results import jsonable
from .survival import SurgerySurvival, SurgerySurvivalResult
from .timepoints import TimepointOutcomes, TimepointOutcomesResult, completeness
from .tipping import TippingPointAnalysis, TippingPointResult

SCHEMA_VERSION = "1"
SECTIONS = ("outcomes", "tipping_point", "survival", "complications", "comparison_class",
            "comparison_biologic", "candidacy", "funnel_site", "funnel_physician")
NEED_OUTCOMES = ("tipping_point",)
"""Sections computed from the time-point outcomes; the comparisons, funnels and candidacy
models reuse them (their imputations) when they were computed, and draw their own otherwise."""
NO_PATIENTS = "no treated patients in this selection"
NEEDS_OUTCOMES = "needs the time-point outcomes, which could not be computed"


@dataclass(frozen=True)
class Profile:
    """How hard to compute: None means the definitions' own setting."""

    name: str
    n_imputations: int | None = None
    n_bootstrap: int | None = None
    candidacy_bootstrap: int | None = None

    def __post_init__(self) -> None:
        if self.n_imputations is not None and self.n_imputations < 2:
            raise ValueError("n_imputations must be at least 2 (Rubin's rules need two imputations)")
        for name in ("n_bootstrap", "candidacy_bootstrap"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise ValueError(f"{name} must be at least 1")

    def settings(self, defs: Definitions, seed: int) -> dict[str, Any]:
        """What is used: the profile's numbers, or the definitions' where it has none."""
        return {"profile": self.name, "seed": seed,
                "n_imputations": self.n_imputations or defs.n_imputations,
                "n_bootstrap": defs.n_bootstrap if self.n_bootstrap is None else self.n_bootstrap,
                "candidacy_bootstrap": (self.candidacy_bootstrap
                                        or int(defs.section("candidacy")["n_bootstrap"]))}


FULL = Profile("full")
PAGE = Profile("page", n_imputations=5, n_bootstrap=50, candidacy_bootstrap=20)


@dataclass
class OutcomesReport:
    """The fitted results (for figures), the reasons for what could not be computed, and
    ``to_dict()``, the documented JSON schema (docs/outcomes-json.md)."""

    definitions: Definitions
    settings: dict[str, Any]
    cohort: dict[str, Any]
    results: dict[str, Any] = field(default_factory=dict)
    unavailable: dict[str, str] = field(default_factory=dict)

    @property
    def outcomes(self) -> TimepointOutcomesResult | None:
        return self.results.get("outcomes")

    @property
    def tipping_point(self) -> TippingPointResult | None:
        return self.results.get("tipping_point")

    @property
    def survival(self) -> SurgerySurvivalResult | None:
        return self.results.get("survival")

    @property
    def complications(self) -> ComplicationRatesResult | None:
        return self.results.get("complications")

    @property
    def comparison_class(self) -> ComparisonResult | None:
        return self.results.get("comparison_class")

    @property
    def comparison_biologic(self) -> ComparisonResult | None:
        return self.results.get("comparison_biologic")

    @property
    def candidacy(self) -> CandidacyResult | None:
        return self.results.get("candidacy")

    @property
    def funnel_site(self) -> FunnelResult | None:
        return self.results.get("funnel_site")

    @property
    def funnel_physician(self) -> FunnelResult | None:
        return self.results.get("funnel_physician")

    def only(self, sections: Iterable[str]) -> OutcomesReport:
        """The same report restricted to ``sections`` (as if only they had been asked for)."""
        keep = set(sections)
        return replace(self, results={k: v for k, v in self.results.items() if k in keep},
                       unavailable={k: v for k, v in self.unavailable.items() if k in keep})

    def summary(self) -> pd.DataFrame:
        """The headline: all-treated (MI) success at the primary time point, completers beside."""
        if self.outcomes is None:
            raise ValueError(f"no headline: {self.unavailable.get('outcomes', NEEDS_OUTCOMES)}")
        return self.outcomes.headline()

    def to_dict(self) -> dict[str, Any]:
        def section(name: str):
            result = self.results.get(name)
            return result.to_dict() if result is not None else None

        return jsonable({
            "schema_version": SCHEMA_VERSION,
            "definitions": {**self.definitions.stamp(), "text": self.definitions.text},
            "settings": self.settings,
            "cohort": self.cohort,
            "headline": self.outcomes.headline() if self.outcomes is not None else None,
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


def cohort_summary(patients: pd.DataFrame, followups: pd.DataFrame) -> dict[str, Any]:
    """Counts of the whole extract: patients, questionnaires answered and missed, events.

    ``completeness`` is the registry's one rule (:func:`.timepoints.completeness`):
    answered / (answered + missed) over the follow-up questionnaires after treatment;
    protocol-stopped, dead and withdrawn time points are outside it, and ``n_followups_due``
    is its denominator (answered + missed).
    """
    after = followups["timepoint"] != "baseline"
    answered = int((after & (followups["status"] == "answered")).sum())
    missed = int((after & (followups["status"] == "missed")).sum())
    return {
        "n_patients": len(patients), "n_sites": patients["site"].nunique(),
        "n_physicians": patients["physician"].nunique(),
        "treatment_dates": [patients["treatment_date"].min(), patients["treatment_date"].max()],
        "n_by_treatment": patients["treatment"].value_counts().sort_index().to_dict(),
        "n_followups_due": answered + missed, "n_followups_answered": answered,
        "n_followups_missed": missed,
        "n_followups_stopped": int((after & (followups["status"] == "stopped")).sum()),
        "completeness": float(completeness(answered, answered + missed)),
        "n_surgery": int(patients["surgery_date"].notna().sum()),
        "n_dead": int(patients["death_date"].notna().sum()),
        "n_withdrawn": int(patients["withdrawal_date"].notna().sum()),
    }


def build_report(patients: pd.DataFrame, followups: pd.DataFrame, complications: pd.DataFrame,
                 definitions: Definitions | None = None, *, seed: int = 0, n_imputations: int | None = None,
                 n_bootstrap: int | None = None) -> OutcomesReport:
    """Run every analysis and return an :class:`OutcomesReport`.

    Parameters
    ----------
    patients, followups, complications : DataFrame
        Frames following :mod:`disctrack.outcomes.frames` (checked first: a frame that
        breaks the contract raises :class:`~.frames.FrameError`).
    definitions : Definitions, optional
        Defaults to the current version.
    seed : int
        Seeds imputations, bootstraps and cross-validation: same inputs, same report.
    n_imputations, n_bootstrap : int, optional
        Override the definitions (e.g. fewer for very large registries); ``n_bootstrap``
        is the adjusted comparison's.

    A section the data cannot support is None, its reason in ``unavailable``.
    """
    check_frames(patients, followups, complications)
    custom = n_imputations is not None or n_bootstrap is not None
    profile = Profile("custom" if custom else "full", n_imputations=n_imputations, n_bootstrap=n_bootstrap)
    return run_report(patients, followups, complications, definitions, profile=profile, seed=seed)


def run_report(patients: pd.DataFrame, followups: pd.DataFrame, complications: pd.DataFrame,
               definitions: Definitions | None = None, *, profile: Profile = FULL, seed: int = 0,
               sections: Iterable[str] | None = None, cohort: dict[str, Any] | None = None) -> OutcomesReport:
    """Every section of the report (or only ``sections``), each computed or given a reason.

    ``cohort`` adds to the cohort summary (the registry adds the date and its notes).
    """
    defs = definitions or load_definitions()
    wanted = set(SECTIONS if sections is None else sections)
    unknown = wanted - set(SECTIONS)
    if unknown:
        raise ValueError(f"unknown report sections: {', '.join(sorted(unknown))}")
    report = OutcomesReport(defs, profile.settings(defs, seed),
                            {**cohort_summary(patients, followups), **(cohort or {})})
    runner = _Runner(report, defs, profile, seed)
    if patients.empty:
        for name in sorted(wanted):
            runner.skip(name, NO_PATIENTS)
        return report
    # One BLAS thread: these many small model fits run slower with threads handing off work.
    with threadpool_limits(1):
        runner.run_all(wanted, patients, followups, complications)
    return report.only(wanted)


class _Runner:
    """Runs sections in order, recording a plain reason when one cannot be computed."""

    def __init__(self, report: OutcomesReport, defs: Definitions, profile: Profile, seed: int) -> None:
        self.report, self.defs, self.seed = report, defs, seed
        self.m = report.settings["n_imputations"]
        self.b = report.settings["n_bootstrap"]
        self.cb = report.settings["candidacy_bootstrap"]

    def run(self, name: str, compute: Callable[[], Any]) -> None:
        try:
            self.report.results[name] = compute()
        except (ValueError, ArithmeticError, LookupError) as exc:
            self.skip(name, str(exc) or type(exc).__name__)

    def skip(self, name: str, reason: str) -> None:
        self.report.results[name] = None
        self.report.unavailable[name] = reason

    def run_all(self, wanted: set[str], p: pd.DataFrame, f: pd.DataFrame, c: pd.DataFrame) -> None:
        defs, seed, m = self.defs, self.seed, self.m
        if wanted & {"outcomes", *NEED_OUTCOMES}:
            self.run("outcomes", lambda: TimepointOutcomes(defs, n_imputations=m, seed=seed).fit(p, f))
        outcomes = self.report.results.get("outcomes")
        imputations = outcomes.imputations if outcomes is not None else None
        if "tipping_point" in wanted:
            if outcomes is None:
                self.skip("tipping_point", NEEDS_OUTCOMES)
            else:
                self.run("tipping_point", lambda: TippingPointAnalysis().fit(outcomes))
        if "survival" in wanted:
            self.run("survival", lambda: SurgerySurvival(defs, seed=seed).fit(p, f))
        if "complications" in wanted:
            self.run("complications", lambda: ComplicationRates(defs).fit(p, f, c))
        for by in ("class", "biologic"):
            if f"comparison_{by}" in wanted:
                comparison = TreatmentComparison(defs, by=by, n_bootstrap=self.b, seed=seed, n_imputations=m)
                self.run(f"comparison_{by}", partial(comparison.fit, p, f, imputations=imputations))
        if "candidacy" in wanted:
            candidacy = CandidacyModel(defs, seed=seed, n_bootstrap=self.cb, n_imputations=m)
            self.run("candidacy", partial(candidacy.fit, p, f, outcomes=outcomes))
        for unit in ("site", "physician"):
            if f"funnel_{unit}" in wanted:
                funnel = Funnel(defs, unit=unit, n_imputations=m, seed=seed)
                self.run(f"funnel_{unit}", partial(funnel.fit, p, f, imputations=imputations))
