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


def _patient(staff, site, physician, n: int):
    from django.db import transaction
    from tests.surveys.helpers import BASELINE

    from disctrack.demo.quick import treated_patient
    from disctrack.surveys.actions import do_enter_response

    with transaction.atomic():
        patient = treated_patient(staff, site, physician, f"LOAD-{n:05d}", treated_on=date(2026, 2, 1),
                                  given_name="Load", family_name=f"Synthetic{n}")
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
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # `tests` is importable
    import django

    django.setup()
    if argv[0] == "--read-optout":
        from disctrack.followup.content import read_opt_out_token

        print(*read_opt_out_token(argv[1]))
    else:
        load(Path(argv[0]))


if __name__ == "__main__":
    main(sys.argv[1:])
