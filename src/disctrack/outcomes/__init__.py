"""DiscTrack outcome statistics: data frames in, result objects out. Never imports Django.

See ``docs/statistics.md`` for methods, assumptions and the report schema.
"""

from .candidacy import CandidacyModel, CandidacyResult
from .comparison import ComparisonResult, TreatmentComparison
from .complications import ComplicationRates, ComplicationRatesResult
from .definitions import Definitions, DefinitionsError, load_definitions, parse_definitions
from .disclosure import suppress_small_cells
from .frames import FrameError, check_frames
from .funnel import Funnel, FunnelResult
from .report import OutcomesReport, build_report
from .simulate import simulate_cohort
from .survival import SurgerySurvival, SurgerySurvivalResult
from .timepoints import TimepointOutcomes, TimepointOutcomesResult
from .tipping import TippingPointAnalysis, TippingPointResult

__all__ = [
    "CandidacyModel", "CandidacyResult", "ComparisonResult", "ComplicationRates", "ComplicationRatesResult",
    "Definitions", "DefinitionsError", "FrameError", "Funnel", "FunnelResult", "OutcomesReport",
    "SurgerySurvival", "SurgerySurvivalResult", "TimepointOutcomes", "TimepointOutcomesResult",
    "TippingPointAnalysis", "TippingPointResult", "TreatmentComparison", "build_report", "check_frames",
    "load_definitions", "parse_definitions", "simulate_cohort", "suppress_small_cells",
]
