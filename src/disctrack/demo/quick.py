"""Plain synthetic patients in numbers, for the benchmarks and the multi-process tests.

`disctrack demo` draws a realistic cohort (case mix, courses, drop-out); a benchmark or a test
that starts servers and workers needs many identical treated patients, made quickly through
the registry's own actions, and a site whose clock reads a chosen hour (follow-up messages go
out in the site's day). Both are here, once.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

IMAGING = [{"level": "L4-L5", "pfirrmann_grade": 4, "modic": 0}]


def zone_at_local_hour(now: datetime, hour: int) -> str:
    """An Etc/GMT zone whose local clock reads about `hour` o'clock at `now` (Etc/GMT-2 is UTC+2)."""
    offset = hour - now.hour
    if offset > 14:
        offset -= 24
    if offset < -12:
        offset += 24
    return "Etc/GMT" if offset == 0 else f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"


def treated_patient(actor, site, physician, record_number: str, *, treated_on: date,
                    family_name: str = "Synthetic", given_name: str = "Bench", email: str = "",
                    mobile_phone: str = ""):
    """A synthetic patient enrolled with one painful level, diagnosed 30 days before an MSC
    treatment on `treated_on`; e-mail and mobile only when given."""
    from disctrack.registry.actions import do_enroll_patient, do_record_treatment

    identity = {"given_name": given_name, "family_name": family_name, "date_of_birth": date(1975, 1, 1),
                "sex": "female", "medical_record_number": record_number}
    identity.update({key: value for key, value in (("email", email), ("mobile_phone", mobile_phone)) if value})
    patient = do_enroll_patient(actor, site, identity=identity, episode={
        "diagnosed_on": treated_on - timedelta(days=30), "levels": ["L4-L5"],
        "symptom_duration_months": 12, "leg_pain": False, "prior_spine_surgery": False,
        "smoking": "never", "height_cm": 170.0, "weight_kg": 70.0, "work_status": "full_time",
        "opioid_use": "none", "other_analgesics": False,
    }, imaging=IMAGING)
    do_record_treatment(actor, patient.episodes.get(), {
        "kind": "msc", "performed_on": treated_on, "levels": ["L4-L5"], "physician": physician,
        "cell_source": "autologous", "msc_count_million": 20.0, "volume_per_level_ml": 2.0,
        "image_guidance": "fluoroscopy",
    })
    return patient
