"""The full outcomes report: every analysis of the package run on one registry extract."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
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
from .timepoints import TimepointOutcomes, TimepointOutcomesResult
from .tipping import TippingPointAnalysis, TippingPointResult

SCHEMA_VERSION = "1"


@dataclass
class OutcomesReport:
    """Results of :func:`build_report`; ``to_dict()`` is the documented JSON schema."""

    definitions: Definitions
    settings: dict[str, Any]
    cohort: dict[str, Any]
    outcomes: TimepointOutcomesResult
    tipping_point: TippingPointResult
    survival: SurgerySurvivalResult
    complications: ComplicationRatesResult
    comparison_class: ComparisonResult
    comparison_biologic: ComparisonResult | None
    candidacy: CandidacyResult
    funnel_site: FunnelResult
    funnel_physician: FunnelResult

    def summary(self) -> pd.DataFrame:
        """The headline: all-treated (MI) success at the primary time point, completers beside."""
        return self.outcomes.headline()

    def to_dict(self) -> dict[str, Any]:
        return jsonable({
            "schema_version": SCHEMA_VERSION,
            "definitions": {**self.definitions.stamp(), "text": self.definitions.text},
            "settings": self.settings,
            "cohort": self.cohort,
            "headline": self.outcomes.headline(),
            "outcomes": self.outcomes.to_dict(),
            "tipping_point": self.tipping_point.to_dict(),
            "survival": self.survival.to_dict(),
            "complications": self.complications.to_dict(),
            "comparison": {"by_class": self.comparison_class.to_dict(),
                           "by_biologic": self.comparison_biologic.to_dict() if self.comparison_biologic else None},
            "candidacy": self.candidacy.to_dict(),
            "funnel": {"site": self.funnel_site.to_dict(), "physician": self.funnel_physician.to_dict()},
        })


def _cohort_summary(patients: pd.DataFrame, followups: pd.DataFrame) -> dict[str, Any]:
    answered = (followups["status"] == "answered") & (followups["timepoint"] != "baseline")
    due = followups["status"].isin(["answered", "missed"]) & (followups["timepoint"] != "baseline")
    return {"n_patients": len(patients), "n_sites": patients["site"].nunique(),
            "n_physicians": patients["physician"].nunique(),
            "treatment_dates": [patients["treatment_date"].min(), patients["treatment_date"].max()],
            "n_by_treatment": patients["treatment"].value_counts().sort_index().to_dict(),
            "n_followups_due": int(due.sum()), "n_followups_answered": int(answered.sum()),
            "completeness": float(answered.sum() / due.sum()) if due.sum() else np.nan,
            "n_surgery": int(patients["surgery_date"].notna().sum()),
            "n_dead": int(patients["death_date"].notna().sum()),
            "n_withdrawn": int(patients["withdrawal_date"].notna().sum())}


def build_report(patients: pd.DataFrame, followups: pd.DataFrame, complications: pd.DataFrame,
                 definitions: Definitions | None = None, *, seed: int = 0, n_imputations: int | None = None,
                 n_bootstrap: int | None = None) -> OutcomesReport:
    """Run every analysis and return an :class:`OutcomesReport`.

    Parameters
    ----------
    patients, followups, complications : DataFrame
        Frames following :mod:`disctrack.outcomes.frames` (checked first).
    definitions : Definitions, optional
        Defaults to the shipped ``v1``.
    seed : int
        Seeds imputations, bootstraps and cross-validation: same inputs, same report.
    n_imputations, n_bootstrap : int, optional
        Override the definitions (e.g. fewer for very large registries).
    """
    check_frames(patients, followups, complications)
    with threadpool_limits(1):
        return _build(patients, followups, complications, definitions or load_definitions(), seed,
                      n_imputations, n_bootstrap)


def _build(patients: pd.DataFrame, followups: pd.DataFrame, complications: pd.DataFrame, defs: Definitions,
           seed: int, n_imputations: int | None, n_bootstrap: int | None) -> OutcomesReport:
    """The analyses of :func:`build_report`, run with one BLAS thread (small fits run faster)."""
    m = n_imputations or defs.n_imputations
    b = defs.n_bootstrap if n_bootstrap is None else n_bootstrap
    outcomes = TimepointOutcomes(defs, n_imputations=m, seed=seed).fit(patients, followups)
    imputations = outcomes.imputations
    comparison = {by: TreatmentComparison(defs, by=by, n_bootstrap=b, seed=seed) for by in ("class", "biologic")}
    by_class = comparison["class"].fit(patients, followups, imputations=imputations)
    is_bio = patients["treatment_class"] == "biologic"
    by_bio = (comparison["biologic"].fit(patients, followups, imputations=imputations)
              if patients.loc[is_bio, "treatment"].nunique() > 1 else None)
    settings = {"seed": seed, "n_imputations": m, "n_bootstrap": b,
                "candidacy_bootstrap": int(defs.section("candidacy")["n_bootstrap"])}
    return OutcomesReport(
        definitions=defs, settings=settings, cohort=_cohort_summary(patients, followups),
        outcomes=outcomes, tipping_point=TippingPointAnalysis().fit(outcomes),
        survival=SurgerySurvival(defs, seed=seed).fit(patients),
        complications=ComplicationRates(defs).fit(patients, followups, complications),
        comparison_class=by_class, comparison_biologic=by_bio,
        candidacy=CandidacyModel(defs, seed=seed).fit(patients, followups),
        funnel_site=Funnel(defs, unit="site").fit(patients, followups),
        funnel_physician=Funnel(defs, unit="physician").fit(patients, followups),
    )
