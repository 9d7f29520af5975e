"""Minimum sample size for a prediction model of a binary outcome (Riley et al. BMJ 2020).

Riley RD, Ensor J, Snell KIE, et al. Calculating the sample size required for developing a
clinical prediction model. BMJ 2020;368:m441; and Stat Med 2019;38:1276 (binary outcomes).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from scipy import stats

R2_SHARE_OF_MAX = 0.15
"""Anticipated Cox-Snell R2 as a share of its maximum (Riley et al. BMJ 2020;368:m441)."""


def max_r2_cs(prevalence: float) -> float:
    """Largest Cox-Snell R2 a binary outcome with this prevalence allows (Riley 2019, eq. 23)."""
    if not 0 < prevalence < 1:
        raise ValueError("prevalence must be strictly between 0 and 1")
    ln_null = prevalence * math.log(prevalence) + (1 - prevalence) * math.log(1 - prevalence)
    return 1 - math.exp(2 * ln_null)


@dataclass(frozen=True)
class RileySampleSize:
    """Minimum sample size for a binary-outcome model (Riley et al. BMJ 2020;368:m441)."""

    parameters: int
    prevalence: float
    r2_cs: float
    max_r2_cs: float
    n_by_criterion: tuple[int, int, int]
    shrinkage_criterion_2: float

    @property
    def n_required(self) -> int:
        return max(self.n_by_criterion)

    @property
    def events_required(self) -> int:
        return math.ceil(self.n_required * self.prevalence)

    @property
    def events_per_parameter(self) -> float:
        return self.n_required * self.prevalence / self.parameters

    def to_dict(self) -> dict[str, Any]:
        return {"parameters": self.parameters, "prevalence": self.prevalence, "r2_cs_anticipated": self.r2_cs,
                "max_r2_cs": self.max_r2_cs, "n_by_criterion": list(self.n_by_criterion),
                "n_required": self.n_required, "events_required": self.events_required,
                "events_per_parameter": self.events_per_parameter}


def riley_binary(parameters: int, prevalence: float, r2_cs: float | None = None, *, shrinkage: float = 0.9,
                 max_optimism: float = 0.05, margin: float = 0.05, level: float = 0.95) -> RileySampleSize:
    """Riley et al.'s three criteria for a logistic prediction model.

    (i) n = p / ((S - 1) ln(1 - R2cs / S)) with S = ``shrinkage``; (ii) the same with
    S = R2cs / (R2cs + ``max_optimism`` * max R2cs), so that apparent and adjusted
    Nagelkerke R2 differ by at most ``max_optimism``; (iii) n = (z / margin)^2 phi (1 - phi).
    ``r2_cs`` defaults to 15% of its maximum. Each n is rounded up.
    """
    if parameters < 1:
        raise ValueError("parameters must be at least 1")
    max_r2 = max_r2_cs(prevalence)
    r2 = R2_SHARE_OF_MAX * max_r2 if r2_cs is None else r2_cs
    if not 0 < r2 < min(max_r2, shrinkage):
        raise ValueError(f"the anticipated Cox-Snell R2 must be between 0 and {min(max_r2, shrinkage):.3f}")

    def n_for(s: float) -> int:
        return math.ceil(parameters / ((s - 1) * math.log(1 - r2 / s)))

    s2 = r2 / (r2 + max_optimism * max_r2)
    z = stats.norm.ppf(1 - (1 - level) / 2)
    n3 = math.ceil((z / margin) ** 2 * prevalence * (1 - prevalence))
    return RileySampleSize(parameters, prevalence, r2, max_r2, (n_for(shrinkage), n_for(s2), n3), s2)
