"""Who the synthetic patients are: identity, diagnosis, case-mix and the treatment chosen.

Django-free: plain dictionaries in the shape the enrollment and treatment actions take.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta

from disctrack.demo import calibration as cal
from disctrack.demo.network import (
    EMAIL_DOMAIN,
    FAMILY_NAMES,
    GIVEN_NAMES,
    GIVEN_NAMES_OTHER,
    POSTAL_CODES,
    SiteSpec,
)

LEVEL_SETS = {1: ((("L5-S1",), 0.45), (("L4-L5",), 0.45), (("L3-L4",), 0.10)),
              2: ((("L4-L5", "L5-S1"), 0.8), (("L3-L4", "L4-L5"), 0.2)),
              3: ((("L3-L4", "L4-L5", "L5-S1"), 1.0),)}
COMORBIDITY_SHARES = {"hypertension": 0.18, "depression": 0.15, "other_joint": 0.08,
                      "diabetes": 0.07, "lung": 0.05, "cardiovascular": 0.04,
                      "osteoporosis": 0.03, "rheumatoid": 0.02}  # assumption
WORK_SHARES = {"full_time": 0.50, "part_time": 0.12, "sick_leave": 0.18, "unemployed": 0.06,
               "disability": 0.05, "homemaker": 0.06, "student": 0.03}  # assumption


def pick(rng: random.Random, shares: dict):
    return rng.choices(list(shares), weights=list(shares.values()))[0]


def clipped_gauss(rng: random.Random, mean: float, sd: float, low: float, high: float) -> float:
    return min(high, max(low, rng.gauss(mean, sd)))


@dataclass
class CaseMix:
    age: float
    sex: str
    pfirrmann: int  # worst painful disc
    modic: int
    levels: tuple[str, ...]
    smoker: bool
    leg_pain: bool
    treatment_class: str
    baseline_odi: float


def draw_case_mix(rng: random.Random) -> CaseMix:
    """Structural findings first, then the route of care and the baseline disability.

    Confounding by indication: a worse disc makes biologics less likely, and among
    patients offered surgery or rehabilitation, worse disability and worse discs make
    fusion more likely.
    """
    pfirrmann = pick(rng, cal.PFIRRMANN_SHARES)
    modic = pick(rng, cal.MODIC_SHARES)
    levels = pick(rng, dict(LEVEL_SETS[pick(rng, cal.LEVEL_COUNT_SHARES)]))
    factor = cal.BIOLOGIC_PFIRRMANN_FACTOR
    mean_factor = sum(cal.PFIRRMANN_SHARES[g] * f for g, f in factor.items())
    biologic = rng.random() < cal.CLASS_SHARES["biologic"] * factor[pfirrmann] / mean_factor
    mean_odi = cal.BIOLOGIC_BASELINE_ODI if biologic else cal.OTHER_BASELINE_ODI
    odi = clipped_gauss(rng, mean_odi, cal.BASELINE_ODI_SD, 12, 92)
    treatment_class = ("biologic" if biologic
                       else _surgery_or_rehabilitation(rng, odi, pfirrmann, modic, levels))
    return CaseMix(
        age=clipped_gauss(rng, cal.AGE_MEAN, cal.AGE_SD, *cal.AGE_RANGE),
        sex=pick(rng, {"female": 0.52, "male": 0.47, "other": 0.01}),
        pfirrmann=pfirrmann, modic=modic, levels=levels,
        smoker=rng.random() < 0.2, leg_pain=rng.random() < 0.4,
        treatment_class=treatment_class, baseline_odi=odi,
    )


def _surgery_or_rehabilitation(rng, odi, pfirrmann, modic, levels) -> str:
    severity = ((odi - cal.OTHER_BASELINE_ODI) / cal.BASELINE_ODI_SD + 0.8 * (pfirrmann - 4)
                + 0.5 * ((modic > 0) - 0.35) + 0.3 * (len(levels) - 1.5))
    shares = cal.CLASS_SHARES
    surgical = shares["fusion"] + shares["disc_replacement"]
    odds = surgical / shares["conservative"] * math.exp(cal.SURGERY_SEVERITY_SLOPE * severity)
    if rng.random() >= odds / (1 + odds):
        return "conservative"
    if len(levels) == 1 and rng.random() < cal.DISC_REPLACEMENT_OF_SINGLE_LEVEL_SURGERY:
        return "disc_replacement"
    return "fusion"


def identity(rng: random.Random, site: SiteSpec, mix: CaseMix, language: str, number: int,
             treated_on: date) -> dict:
    culture = "es" if site.code == "madrid" or language == "es" else "en"
    given_pool = GIVEN_NAMES_OTHER if mix.sex == "other" else GIVEN_NAMES[(culture, mix.sex)]
    given, family = rng.choice(given_pool), rng.choice(FAMILY_NAMES[culture])
    born = treated_on - timedelta(days=round(mix.age * 365.25) + rng.randrange(365))
    digits = "".join(rng.choice("0123456789") for _ in range(site.phone_digits))
    email = f"{_ascii(given)}.{_ascii(family)}.{number:05d}@{EMAIL_DOMAIN}"
    return {
        "given_name": given, "family_name": family, "date_of_birth": born, "sex": mix.sex,
        "email": email if rng.random() < 0.92 else "",
        "mobile_phone": site.phone_prefix + digits if rng.random() < 0.85 else "",
        "medical_record_number": f"DEMO-{site.mrn_prefix}-{number:06d}",
        "postal_code": rng.choice(POSTAL_CODES[site.code]),
    }


def _ascii(name: str) -> str:
    plain = name.lower().translate(str.maketrans("áéíóúñü", "aeiounu"))
    return "".join(ch for ch in plain if ch.isalpha())


def episode(rng: random.Random, mix: CaseMix, diagnosed_on: date) -> dict:
    height = clipped_gauss(rng, 164 if mix.sex == "female" else 177, 7, 145, 205)
    bmi = clipped_gauss(rng, 27, 4.5, 18, 45)
    work = "retired" if mix.age >= 65 else pick(rng, WORK_SHARES)
    return {
        "diagnosed_on": diagnosed_on, "levels": list(mix.levels),
        "symptom_duration_months": round(clipped_gauss(rng, 30, 20, 6, 240)),
        "leg_pain": mix.leg_pain, "prior_spine_surgery": rng.random() < 0.12,
        "smoking": "current" if mix.smoker else pick(rng, {"never": 0.7, "former": 0.3}),
        "height_cm": round(height, 1), "weight_kg": round(bmi * (height / 100) ** 2, 1),
        "comorbidities": [c for c, share in COMORBIDITY_SHARES.items() if rng.random() < share],
        "work_status": work,
        "opioid_use": _opioids(rng, mix.baseline_odi),
        "other_analgesics": rng.random() < 0.75,
    }


def _opioids(rng: random.Random, odi: float) -> str:
    worse = min(1.0, max(0.0, (odi - 20) / 60))  # assumption: more opioids with more disability
    return pick(rng, {"none": 1.0 - 0.6 * worse, "occasional": 0.3 * worse + 0.05,
                      "daily": 0.3 * worse})


def imaging(rng: random.Random, mix: CaseMix) -> list[dict]:
    """The worst disc carries the patient's grade and Modic change; the others are milder."""
    worst = rng.choice(mix.levels)
    rows = []
    for level in mix.levels:
        grade = mix.pfirrmann if level == worst else max(2, mix.pfirrmann - rng.choice((0, 1, 1)))
        rows.append({
            "level": level, "pfirrmann_grade": grade,
            "modic": mix.modic if level == worst else 0,
            "annular_fissure": rng.random() < 0.5, "high_intensity_zone": rng.random() < 0.25,
        })
    return rows
