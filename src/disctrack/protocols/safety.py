"""The `safety` section of a protocol: which answers raise an alert for a clinician."""

from __future__ import annotations

from dataclasses import dataclass

_KEYS = {"worsening_points", "new_leg_pain", "severe_pain_after_injection", "complication_check_yes"}


class SafetyRulesError(ValueError):
    """Raised with (where, message); the protocol loader names the file."""

    def __init__(self, where: str, message: str):
        super().__init__(f"{where}: {message}")
        self.where, self.message = where, message


@dataclass(frozen=True)
class SafetyRules:
    # Rise from the baseline score, per score key, at or beyond which a patient is worse:
    # the minimal important change (Ostelo 2008: ODI 10, NRS 2).
    worsening_points: tuple[tuple[str, float], ...]
    # Leg pain NRS now at least `leg_now_at_least` when baseline was at most `leg_baseline_at_most`.
    leg_baseline_at_most: int
    leg_now_at_least: int
    # Back pain NRS at least this high within `injection_months` of an intradiscal injection.
    injection_months: int
    injection_back_pain_at_least: int
    complication_check_yes: bool


def _number(value, where: str, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise SafetyRulesError(where, f"must be a number from {low} to {high}, not {value!r}")
    return value


def _mapping(raw, where: str, keys: set[str]) -> dict:
    if not isinstance(raw, dict) or set(raw) != keys:
        raise SafetyRulesError(where, f"must have exactly the keys {sorted(keys)}")
    return raw


def parse_safety(raw, where: str, known_scores: set[str] | None) -> SafetyRules:
    raw = _mapping(raw, where, _KEYS)
    worsening = raw["worsening_points"]
    if not isinstance(worsening, dict) or not worsening:
        raise SafetyRulesError(f"{where}.worsening_points", "must map score names to points")
    for key, points in worsening.items():
        if known_scores is not None and key not in known_scores:
            raise SafetyRulesError(f"{where}.worsening_points", f"unknown score {key!r}")
        _number(points, f"{where}.worsening_points.{key}", 0.1, 100)
    leg = _mapping(raw["new_leg_pain"], f"{where}.new_leg_pain",
                   {"baseline_at_most", "now_at_least"})
    injection = _mapping(raw["severe_pain_after_injection"], f"{where}.severe_pain_after_injection",
                         {"within_months", "nrs_back_at_least"})
    if not isinstance(raw["complication_check_yes"], bool):
        raise SafetyRulesError(f"{where}.complication_check_yes", "must be true or false")
    rules = SafetyRules(
        worsening_points=tuple((str(k), float(v)) for k, v in worsening.items()),
        leg_baseline_at_most=int(_number(leg["baseline_at_most"], f"{where}.new_leg_pain.baseline_at_most", 0, 10)),
        leg_now_at_least=int(_number(leg["now_at_least"], f"{where}.new_leg_pain.now_at_least", 0, 10)),
        injection_months=int(_number(injection["within_months"],
                                     f"{where}.severe_pain_after_injection.within_months", 0, 120)),
        injection_back_pain_at_least=int(_number(
            injection["nrs_back_at_least"], f"{where}.severe_pain_after_injection.nrs_back_at_least", 0, 10)),
        complication_check_yes=raw["complication_check_yes"],
    )
    if rules.leg_now_at_least <= rules.leg_baseline_at_most:
        raise SafetyRulesError(f"{where}.new_leg_pain", "now_at_least must exceed baseline_at_most")
    return rules
