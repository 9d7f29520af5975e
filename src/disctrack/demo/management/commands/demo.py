"""`disctrack demo`: generate a synthetic multi-site cohort and print how to log in."""

from __future__ import annotations

import logging
import re
import time
from datetime import date
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from disctrack.demo.figures import cohort_figures
from disctrack.demo.generate import MAX_PATIENTS, generate_cohort
from disctrack.demo.network import DEMO_PASSWORD, SITES, STAFF
from disctrack.registry.models import Patient, Site
from disctrack.reports.service import registry_wide, store_reports

BAD_ARGUMENT = 2
log = logging.getLogger(__name__)
EARLIEST_TODAY = date(2000, 1, 1)


def parse_patients(raw: str) -> int:
    if not re.fullmatch(r"\d+", raw.strip()) or not 1 <= int(raw) <= MAX_PATIENTS:
        raise CommandError(
            f"--patients must be a whole number from 1 to {MAX_PATIENTS}, not {raw!r}",
            returncode=BAD_ARGUMENT)
    return int(raw)


def parse_seed(raw: str) -> int:
    if not re.fullmatch(r"[+-]?\d+", raw.strip()):
        raise CommandError(f"--seed must be a whole number, not {raw!r}", returncode=BAD_ARGUMENT)
    return int(raw)


def parse_today(raw: str | None) -> date:
    current = timezone.now().date()
    if raw is None:
        return current
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
            raise ValueError
        day = date.fromisoformat(raw)
    except ValueError:
        raise CommandError(f"--today must be a date like 2025-06-30, not {raw!r}",
                           returncode=BAD_ARGUMENT) from None
    if day > current:
        raise CommandError(f"--today {raw} is after today ({current}, UTC): the cohort's answers "
                           "would be dated in the future", returncode=BAD_ARGUMENT)
    if day < EARLIEST_TODAY:
        raise CommandError(f"--today must be {EARLIEST_TODAY} or later, not {raw}",
                           returncode=BAD_ARGUMENT)
    return day


def registry_contents() -> str:
    """What the database already holds, in words; empty when it holds nothing."""
    counts = {"patients": Patient.objects.count(), "sites": Site.objects.count(),
              "user accounts": get_user_model().objects.count()}
    return ", ".join(f"{n} {what}" for what, n in counts.items() if n)


class Command(BaseCommand):
    help = ("Generate a synthetic multi-site cohort (all data synthetic) through the registry's "
            "actions, and print the demo log-ins. The same seed and --today give the same cohort.")

    def add_arguments(self, parser):
        parser.add_argument("--patients", default="400",
                            help="number of patients, 1 to 100000 (400)")
        parser.add_argument("--seed", default="1", help="whole number choosing the cohort (1)")
        parser.add_argument("--today", help="date the cohort is followed up to, YYYY-MM-DD "
                                            "(default: today's date, UTC)")
        parser.add_argument("--reset", action="store_true",
                            help="SQLite only: delete the database file first and start afresh")

    def handle(self, *args, patients, seed, today, reset, **options):
        count, seed, anchor = parse_patients(patients), parse_seed(seed), parse_today(today)
        if reset:
            self.reset_sqlite()
        call_command("migrate", interactive=False, verbosity=0)
        held = registry_contents()
        if held:
            raise CommandError(f"The database already holds {held}; the demo needs an empty one. "
                               "Run again with --reset to delete it (SQLite), or point "
                               "DISCTRACK_HOME or DATABASE_URL at an empty database.")
        self.stdout.write(f"Generating {count} synthetic patients "
                          f"(seed {seed}, followed up to {anchor})...")
        started = time.monotonic()
        cohort = generate_cohort(patients=count, seed=seed, today=anchor,
                                 progress=lambda n: self.stdout.write(f"  {n} patients stored"))
        seconds = time.monotonic() - started
        self.stdout.write(f"Stored {cohort.patients} patients in {seconds:.1f} s.")
        self.stdout.write("Calibration figures of the stored cohort (crude, see docs/demo.md):")
        self.stdout.write("\n".join(cohort_figures().lines()))
        self.store_first_reports()
        self.print_logins(cohort.sample_link)

    def store_first_reports(self) -> None:
        """Compute the registry-wide staff report and the public report now, so that the
        first visit finds them ready instead of waiting for them."""
        self.stdout.write("Computing the registry-wide and public outcome reports...")
        started = time.monotonic()
        selection, wanted = registry_wide()
        try:
            store_reports(selection, wanted)
        except Exception as exc:  # the cohort is stored; the pages compute the reports themselves
            log.exception("computing the demo's first reports failed")
            self.stderr.write(f"The outcome reports could not be computed now ({type(exc).__name__}: {exc}); "
                              "the report pages will compute them on the first visit.")
            return
        self.stdout.write(f"Stored them in {time.monotonic() - started:.1f} s: the report pages are ready.")

    def reset_sqlite(self) -> None:
        if connection.vendor != "sqlite":
            raise CommandError("--reset works only on the embedded SQLite database. On PostgreSQL, "
                               "drop and re-create the database yourself (for example dropdb "
                               f"{connection.settings_dict['NAME']} && createdb "
                               f"{connection.settings_dict['NAME']}), then run disctrack demo "
                               "without --reset.")
        if connection.is_in_memory_db():
            raise CommandError("--reset needs an SQLite database file, not an in-memory database")
        path = Path(connection.settings_dict["NAME"])
        connection.close()
        for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            leftover.unlink(missing_ok=True)
        self.stdout.write(f"Deleted {path}; creating it afresh.")

    def print_logins(self, sample_link: str | None) -> None:
        every = {site.code for site in SITES}
        self.stdout.write(f"\nLog in at {settings.BASE_URL}/ as any of these demo accounts:")
        self.stdout.write(f"  {'user name':<22}{'password':<22}{'role':<15}sites")
        for person in STAFF:
            sites = "all sites" if set(person.sites) == every else ", ".join(person.sites)
            self.stdout.write(f"  {person.username:<22}{DEMO_PASSWORD:<22}{person.role:<15}{sites}")
        if sample_link:
            self.stdout.write(f"\nA patient's survey link for an open time point: {sample_link}")
        else:
            self.stdout.write("\nNo time point is open on that date, so no sample survey link.")
        self.stdout.write("All names, contacts and answers are synthetic.")
