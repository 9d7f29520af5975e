"""Submission load for tests/core/test_backup.py, run in its own process.

`python tests/core/backup_load.py STOPFILE`, with DISCTRACK_HOME (and DATABASE_URL) set:
migrates, creates a site, a coordinator and a physician, then enrols, treats and records the
baseline answers of one patient after another, each patient in one transaction, through the
registry's actions, until STOPFILE exists. It prints `optout TOKEN` (an opt-out token of the
first patient, signed with this registry's key) and `patient N` after each commit.

`python tests/core/backup_load.py --read-optout TOKEN` prints the patient id and channel the
token carries, as this registry reads it.
"""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

BASELINE = {
    "odi": {"odi_1": 4, **{f"odi_{i}": 2 for i in range(2, 11)}},
    "nrs_pain": {"back": 6, "leg": 3},
    "eq5d5l": {"mo": 2, "sc": 1, "ua": 2, "pd": 3, "ad": 1, "vas": 70},
    "promis10": {**{f"global{i:02d}": 3 for i in range(1, 11)}, "global07": 5},
    "work_status": {"work_status": "part_time", "not_working_due_to_back": "yes"},
    "analgesic_use": {"analgesic": "none"},
}


def _patient(staff, site, physician, n: int):
    from django.db import transaction

    from disctrack.registry.actions import do_enroll_patient, do_record_treatment
    from disctrack.surveys.actions import do_enter_response

    with transaction.atomic():
        patient = do_enroll_patient(staff, site, identity={
            "given_name": "Load", "family_name": f"Synthetic{n}", "date_of_birth": date(1975, 1, 1),
            "sex": "female", "medical_record_number": f"LOAD-{n:05d}",
        }, episode={
            "diagnosed_on": date(2026, 1, 5), "levels": ["L4-L5"], "symptom_duration_months": 12,
            "leg_pain": False, "prior_spine_surgery": False, "smoking": "never", "height_cm": 170.0,
            "weight_kg": 70.0, "work_status": "full_time", "opioid_use": "none",
            "other_analgesics": False,
        }, imaging=[{"level": "L4-L5", "pfirrmann_grade": 4, "modic": 0}])
        do_record_treatment(staff, patient.episodes.get(), {
            "kind": "msc", "performed_on": date(2026, 2, 1), "levels": ["L4-L5"],
            "physician": physician, "cell_source": "autologous", "msc_count_million": 20.0,
            "volume_per_level_ml": 2.0, "image_guidance": "fluoroscopy",
        })
        baseline = patient.timepoints.get(code="baseline")
        do_enter_response(staff, baseline, {name: BASELINE[name] for name in baseline.instruments},
                          channel="paper")
    return patient


def load(stop: Path) -> None:
    from django.core.management import call_command

    from disctrack.followup.content import opt_out_token
    from disctrack.registry.actions import do_add_physician, do_create_site, do_create_staff

    call_command("migrate", verbosity=0)
    site = do_create_site("system: test", code="load", name="Load Clinic", timezone="Europe/Madrid")
    physician = do_add_physician("system: test", site, "Dr. Load")
    staff = do_create_staff("system: test", username="loader", password="load horse battery 9",
                            site=site, role="coordinator")
    n = 0
    while not stop.exists():
        patient = _patient(staff, site, physician, n)
        if n == 0:
            print("optout", opt_out_token(patient.pk, "email"), flush=True)
        print("patient", n, flush=True)
        n += 1


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "disctrack.settings")
    import django

    django.setup()
    if argv[0] == "--read-optout":
        from disctrack.followup.content import read_opt_out_token

        print(*read_opt_out_token(argv[1]))
    else:
        load(Path(argv[0]))


if __name__ == "__main__":
    main(sys.argv[1:])
