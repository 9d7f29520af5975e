"""Scorer kinds, by the name a definition's ``scoring.scorer`` uses."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from . import comi, eq5d, odi, promis, simple
from .base import Score, Scorer, round_half_up
from .odi import ODI_BANDS, odi_band

SCORERS: Mapping[str, Scorer] = MappingProxyType(
    {
        "odi": odi.SCORER,
        "item_values": simple.ITEM_VALUES,
        "eq5d5l_additive": eq5d.SCORER,
        "promis_global": promis.SCORER,
        "domain_mean": comi.SCORER,
        "category": simple.CATEGORY,
        "yes_flags": simple.YES_FLAGS,
    }
)

__all__ = ["ODI_BANDS", "SCORERS", "Score", "Scorer", "odi_band", "round_half_up"]
