"""Complete, mutually consistent questionnaire answers for one answered time point.

The ODI sections add up exactly to the target score; pain, EQ-5D-5L, PROMIS, PGIC, work
and painkillers follow the same disability. Item codes and values are those of the
instrument definitions in disctrack/instruments/definitions.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from disctrack.demo import calibration as cal

ODI_SECTIONS = tuple(f"odi_{i}" for i in range(1, 11))
CHECK_ITEMS = ("fever", "new_back_pain", "leg_symptoms", "hospital_visit", "new_treatment")
# Complication-check answers a complication (or a new operation) would prompt.
CHECK_PROMPTS = {
    "post_injection_flare": ("new_back_pain",),
    "discitis": ("fever", "new_back_pain", "hospital_visit"),
    "deep_infection": ("fever", "hospital_visit"), "nerve_root_injury": ("leg_symptoms",),
    "pulmonary_embolism": ("hospital_visit",), "rehospitalisation": ("hospital_visit",),
    "vascular_injury": ("hospital_visit",), "surgery": ("new_treatment", "hospital_visit"),
}
SPONTANEOUS_YES = 0.01  # assumption: an unrelated "yes" to a safety question
# Registry work-status codes (episode) as answers of the work_status instrument.
WORK_ANSWER = {"sick_leave": "sick_leave_back", "disability": "disability_pension"}
ASKED_WHY_NOT_WORKING = {"part_time", "unemployed", "retired", "student", "homemaker",
                         "disability_pension"}


@dataclass
class Visit:
    """What the patient reports at one time point."""

    odi: int
    baseline_odi: int
    leg_pain: bool
    work: str  # a work_status answer, carried from visit to visit
    baseline_opioids: str  # the episode's opioid use
    at_baseline: bool = False
    prompts: set[str] = field(default_factory=set)  # complications, surgery since last visit


def clamp(value: float, low: int, high: int) -> int:
    return int(min(high, max(low, round(value))))


def odi_sections(rng: random.Random, odi: int) -> dict[str, int]:
    """Ten section answers (0-5) whose sum is odi / 2, spread unevenly like real answers."""
    total = odi // 2
    points = [total // 10] * 10
    for i in rng.sample(range(10), total % 10):
        points[i] += 1
    for _ in range(6):
        give, take = rng.sample(range(10), 2)
        if points[give] > 0 and points[take] < 5:
            points[give] -= 1
            points[take] += 1
    return dict(zip(ODI_SECTIONS, points, strict=True))


def nrs(rng: random.Random, visit: Visit) -> dict[str, int]:
    back = clamp(cal.NRS_BACK_AT_ODI_ZERO + cal.NRS_BACK_PER_ODI * visit.odi
                 + rng.gauss(0, cal.NRS_SD), 0, 10)
    # assumption: radiating leg pain runs at most of the back pain; without it, a little.
    leg = back * 0.8 + rng.gauss(0, 1.2) if visit.leg_pain else back * 0.25 + rng.gauss(0, 0.8)
    return {"back": back, "leg": clamp(leg, 0, 10)}


def eq5d5l(rng: random.Random, visit: Visit, back_pain: int) -> dict[str, int]:
    s = visit.odi / 100
    pain_level = 1 + (back_pain > 0) + (back_pain > 3) + (back_pain > 6) + (back_pain > 8)
    return {
        "mo": clamp(1 + 4.4 * s + rng.gauss(0, 0.5), 1, 5),
        "sc": clamp(1 + 3.0 * s + rng.gauss(0, 0.5), 1, 5),
        "ua": clamp(1 + 4.6 * s + rng.gauss(0, 0.5), 1, 5),
        "pd": pain_level,
        "ad": clamp(1 + 2.0 * s + rng.gauss(0, 0.7), 1, 5),
        "vas": clamp(88 - 0.6 * visit.odi + rng.gauss(0, 8), 0, 100),
    }


def promis10(rng: random.Random, visit: Visit, back_pain: int) -> dict[str, int]:
    s = visit.odi / 100

    def rated(best: float, drop: float) -> int:
        return clamp(best - drop * s + rng.gauss(0, 0.5), 1, 5)

    return {"global01": rated(4.3, 3.0), "global02": rated(4.2, 3.2), "global03": rated(4.2, 3.5),
            "global04": rated(4.0, 1.5), "global05": rated(4.0, 2.0), "global06": rated(5.0, 4.5),
            "global07": back_pain, "global08": rated(4.5, 3.0), "global09": rated(4.3, 3.2),
            "global10": rated(4.2, 2.0)}


def pgic(rng: random.Random, visit: Visit) -> dict[str, int]:
    """1 = very much improved ... 7 = very much worse, from the change since baseline."""
    change = (visit.baseline_odi - visit.odi) / max(visit.baseline_odi, 10) + rng.gauss(0, 0.1)
    for threshold, answer in ((0.5, 1), (0.3, 2), (0.1, 3), (-0.1, 4), (-0.3, 5), (-0.5, 6)):
        if change >= threshold:
            return {"pgic": answer}
    return {"pgic": 7}


def work_status(rng: random.Random, visit: Visit) -> dict[str, str]:
    answers = {"work_status": visit.work}
    if visit.work in ASKED_WHY_NOT_WORKING:
        back_to_blame = visit.odi > 35 and visit.work not in ("retired", "student")
        answers["not_working_due_to_back"] = "yes" if back_to_blame else "no"
    return answers


def analgesic_use(rng: random.Random, visit: Visit) -> dict[str, str]:
    if visit.at_baseline and visit.baseline_opioids != "none":
        frequency = "daily" if visit.baseline_opioids == "daily" else "some_days"
        return {"analgesic": "opioid", "analgesic_frequency": frequency}
    if visit.baseline_opioids != "none" and visit.odi > 35 and rng.random() < 0.8:
        return {"analgesic": "opioid",
                "analgesic_frequency": "daily" if visit.odi > 50 else "some_days"}
    if visit.odi > 25:
        return {"analgesic": "non_opioid",
                "analgesic_frequency": "daily" if visit.odi > 45 else "some_days"}
    if visit.odi > 12 and rng.random() < 0.6:
        return {"analgesic": "non_opioid", "analgesic_frequency": "once_or_twice"}
    return {"analgesic": "none"}


def complication_check(rng: random.Random, visit: Visit) -> dict[str, str]:
    prompted = {item for prompt in visit.prompts for item in CHECK_PROMPTS.get(prompt, ())}
    return {item: "yes" if item in prompted or rng.random() < SPONTANEOUS_YES else "no"
            for item in CHECK_ITEMS}


def answers_for(rng: random.Random, instruments: list[str], visit: Visit) -> dict[str, dict]:
    """Answers to every instrument of the time point, in the protocol's order."""
    pain = nrs(rng, visit)
    build = {
        "odi": lambda: odi_sections(rng, visit.odi), "nrs_pain": lambda: pain,
        "eq5d5l": lambda: eq5d5l(rng, visit, pain["back"]),
        "promis10": lambda: promis10(rng, visit, pain["back"]), "pgic": lambda: pgic(rng, visit),
        "work_status": lambda: work_status(rng, visit),
        "analgesic_use": lambda: analgesic_use(rng, visit),
        "complication_check": lambda: complication_check(rng, visit),
    }
    return {name: build[name]() for name in instruments}
