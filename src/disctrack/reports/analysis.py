"""Run the outcome report on the registry's frames.

The report is the outcomes package's (``disctrack.outcomes.report.run_report``): the same
sections, the same reasons for what cannot be computed, the same cohort summary and JSON as
``build_report``. This module only hands it the frames built from the database, with the
date they describe and what was left out of them.

A full report with multiple imputation and bootstraps takes seconds to minutes; pages use
the ``PAGE`` profile (fewer imputations and replicates, stated on the page) and the
``disctrack outcomes`` command uses the definitions' own settings unless told otherwise.
"""

from __future__ import annotations

from disctrack.outcomes import Definitions
from disctrack.outcomes.report import FULL, PAGE, SECTIONS, OutcomesReport, Profile, run_report
from disctrack.reports.frames import RegistryFrames

Analysis = OutcomesReport
__all__ = ["FULL", "PAGE", "SECTIONS", "Analysis", "Profile", "analyse"]


def analyse(frames: RegistryFrames, *, profile: Profile = PAGE, seed: int = 0,
            definitions: Definitions | None = None, sections: tuple[str, ...] | None = None) -> Analysis:
    """Every section of the report (or only ``sections``) for the frames."""
    context = {"as_of": frames.as_of.isoformat(), "notes": frames.notes}
    return run_report(frames.patients, frames.followups, frames.complications, definitions,
                      profile=profile, seed=seed, sections=sections, cohort=context)
