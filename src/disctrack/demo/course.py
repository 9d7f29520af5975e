"""A patient's course after the index treatment: disability over time, a subsequent
surgery, and what ends follow-up (death, withdrawal or becoming unreachable)."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from statistics import NormalDist

from disctrack.demo import calibration as cal
from disctrack.demo.casemix import CaseMix

DAYS_PER_MONTH = 365.25 / 12

ODI_SHARE = {"biologic": cal.BIOLOGIC_ODI_SHARE, "fusion": cal.FUSION_ODI_SHARE,
             "disc_replacement": cal.DISC_REPLACEMENT_ODI_SHARE,
             "conservative": cal.CONSERVATIVE_ODI_SHARE}
SURGERY_BY_MONTH = {"biologic": cal.BIOLOGIC_SURGERY, "conservative": cal.CONSERVATIVE_SURGERY,
                    "fusion": cal.FUSION_REOPERATION,
                    "disc_replacement": cal.DISC_REPLACEMENT_REOPERATION}


def interpolate(points: tuple[tuple[float, float], ...], x: float) -> float:
    """Piecewise-linear through (x, y) points, flat beyond the last."""
    if x >= points[-1][0]:
        return points[-1][1]
    for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
        if x0 <= x <= x1:
            return y0 + (y1 - y0) * (x - x0) / (x1 - x0)
    return points[0][1]


def inverse(points: tuple[tuple[float, float], ...], share: float) -> float | None:
    """The month by which a cumulative share is reached; None if it never is."""
    for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
        if y0 <= share <= y1 and y1 > y0:
            return x0 + (x1 - x0) * (share - y0) / (y1 - y0)
    return None


def _biologic_mean_grade() -> float:
    weights = {g: s * cal.BIOLOGIC_PFIRRMANN_FACTOR[g] for g, s in cal.PFIRRMANN_SHARES.items()}
    return sum(g * w for g, w in weights.items()) / sum(weights.values())


@dataclass(frozen=True)
class Course:
    treatment_class: str
    baseline_odi: float
    response: float  # 1 = the published mean response, 0 = none, below 0 = worse
    surgery_month: float | None
    surgery_response: float

    def odi(self, month: float) -> float:
        """Expected ODI `month` months after the index treatment (intention to treat)."""
        if self.surgery_month is None or month < self.surgery_month:
            return self._index(month)
        at_surgery = self._index(self.surgery_month)
        return _after("fusion", at_surgery, self.surgery_response, month - self.surgery_month)

    def _index(self, month: float) -> float:
        return _after(self.treatment_class, self.baseline_odi, self.response, month)


def _after(treatment_class: str, start: float, response: float, months: float) -> float:
    share = interpolate(ODI_SHARE[treatment_class], months)
    return min(100.0, max(0.0, start * (1 - response * (1 - share))))


def draw_course(rng: random.Random, mix: CaseMix) -> Course:
    """Individual response around the published mean; poor responders reach surgery sooner.

    The surgery time shares the response's normal deviate (a Gaussian copula), so each
    class keeps its published cumulative surgery share while failures go first.
    """
    z = rng.gauss(0, 1)
    response = 1 + cal.RESPONSE_SD * z - cal.SMOKER_EFFECT * (mix.smoker - 0.2)
    if mix.treatment_class == "biologic":
        response -= cal.BIOLOGIC_PFIRRMANN_EFFECT * (mix.pfirrmann - _biologic_mean_grade())
    rho = cal.SURGERY_RESPONSE_CORRELATION
    u = NormalDist().cdf(rho * z + math.sqrt(1 - rho * rho) * rng.gauss(0, 1))
    return Course(
        treatment_class=mix.treatment_class,
        baseline_odi=mix.baseline_odi,
        response=min(2.0, max(-0.4, response)),
        surgery_month=inverse(SURGERY_BY_MONTH[mix.treatment_class], u),
        surgery_response=min(2.0, max(-0.4, rng.gauss(1, cal.RESPONSE_SD))),
    )


def measured_odi(rng: random.Random, expected: float) -> int:
    """An ODI as patients report it: whole sections, so an even percentage."""
    value = expected + rng.gauss(0, cal.ODI_MEASUREMENT_SD)
    return 2 * round(min(100.0, max(0.0, value)) / 2)


@dataclass(frozen=True)
class Fate:
    kind: str  # death, withdrawal or lost_to_follow_up
    month: float


def draw_fate(rng: random.Random) -> Fate | None:
    """The first of death, withdrawal and becoming unreachable, if any (constant hazards)."""
    hazards = {"death": cal.DEATH_PER_YEAR, "withdrawal": cal.WITHDRAWAL_PER_YEAR,
               "lost_to_follow_up": cal.LOST_PER_YEAR}
    times = {kind: rng.expovariate(rate / 12) for kind, rate in hazards.items()}
    kind = min(times, key=times.__getitem__)
    return Fate(kind, times[kind]) if times[kind] < 120 else None


def miss_probability(code: str, last_odi: float) -> float:
    """Informative drop-out: the worse the last answer, the likelier a missed time point."""
    base = cal.MISS_SHARE[code]
    logit = math.log(base / (1 - base)) + cal.MISS_ODI_SLOPE * (last_odi - 35)
    return 1 / (1 + math.exp(-logit))
