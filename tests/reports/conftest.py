"""A small registry with follow-up, surgery, a death and complications; time frozen."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from tests.reports.helpers import answer, enroll_treated, treatment_data

from disctrack.registry.actions import do_record_complication, do_record_event, do_record_treatment

TODAY = datetime(2026, 11, 24, 12, tzinfo=UTC)

# kind, treated on, baseline ODI, later ODI by time point (absent: never answered)
SITE_A = [
    ("msc", date(2024, 9, 2), 50, {"m3": 34, "m6": 30, "m12": 24, "m24": 20}),
    ("msc", date(2024, 10, 7), 46, {"m3": 40, "m12": 38}),
    ("msc", date(2025, 1, 13), 60, {"m6": 36, "m12": 30}),
    ("bmc", date(2025, 2, 3), 44, {"m3": 30, "m12": 28}),
    ("bmc", date(2025, 3, 10), 52, {}),
    ("fusion", date(2024, 8, 5), 58, {"m3": 30, "m6": 26, "m12": 22, "m24": 24}),
    ("fusion", date(2024, 11, 4), 62, {"m12": 40}),
    ("fusion", date(2025, 4, 7), 48, {"m6": 30}),
    ("conservative", date(2024, 9, 16), 40, {"m3": 36, "m12": 34}),
    ("conservative", date(2025, 1, 6), 38, {"m6": 30, "m12": 20}),
    ("conservative", date(2025, 5, 5), 42, {"m3": 40}),
]


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def cohort(personas):
    """Eleven treated patients at site A (one later fused, one dead, complications) and two
    at site B."""
    who = personas.coordinator
    patients = []
    for kind, treated_on, baseline, later in SITE_A:
        patient = enroll_treated(who, personas.site_a, personas.physician_a, performed_on=treated_on, kind=kind)
        answer(who, patient, "baseline", odi=baseline)
        for code, odi in later.items():
            answer(who, patient, code, odi=odi)
        patients.append(patient)
    conservative = patients[10].episodes.get()
    surgery = treatment_data("fusion", personas.physician_a, date(2025, 12, 1))
    do_record_treatment(who, conservative, {**surgery, "reason": "no improvement"})
    do_record_event(who, patients[4].episodes.get(), kind="death", occurred_on=date(2025, 9, 1))
    for patient, category in ((patients[5], "dural_tear"), (patients[0], "post_injection_flare")):
        do_record_complication(who, patient.episodes.get(), {
            "category": category, "occurred_on": patient.episodes.get().treatments.first().performed_on,
            "severity": "mild", "relatedness": "probable"})
    for treated_on in (date(2024, 10, 1), date(2025, 2, 1)):
        outsider = enroll_treated(personas.outsider, personas.site_b, personas.physician_b,
                                  performed_on=treated_on, family_name="Elsewhere")
        answer(personas.outsider, outsider, "baseline", odi=70)
    return patients
