"""Personas shared by every test, and the switches for PostgreSQL and browser tests.

Personas: a coordinator and a clinician at site A, an analyst and a read-only member at
site A, a coordinator at site B (the outsider who must see nothing of A), and a patient at
site A with a recorded treatment and an open survey link.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from datetime import date

import pytest

PASSWORD = "correct horse battery staple"
CHROMIUM = "/usr/bin/chromium"


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def pytest_collection_modifyitems(config, items):
    """Skip PostgreSQL-only and browser tests where the machine lacks them, saying why.

    In CI they are mandatory: the PostgreSQL run sets DISCTRACK_REQUIRE_POSTGRES=1, and a
    missing Chromium fails instead of skipping.
    """
    url = os.environ.get("DATABASE_URL", "")
    on_postgres = url.startswith(("postgres://", "postgresql://"))
    if os.environ.get("DISCTRACK_REQUIRE_POSTGRES") == "1" and not on_postgres:
        raise pytest.UsageError("DISCTRACK_REQUIRE_POSTGRES=1 but DATABASE_URL is not postgres://")
    skip_pg = pytest.mark.skip(
        reason="needs PostgreSQL: set DATABASE_URL=postgres://postgres@127.0.0.1:5432/disctrack "
        "(.ci/run does this for its second run)"
    )
    has_chromium = shutil.which(CHROMIUM) is not None
    skip_browser = pytest.mark.skip(reason=f"needs Debian's chromium at {CHROMIUM} (apt-get install chromium)")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip_pg)
        if "browser" in item.keywords and not has_chromium:
            if _in_ci():
                raise pytest.UsageError(f"CI must run the browser tests but {CHROMIUM} is missing")
            item.add_marker(skip_browser)


@pytest.fixture(scope="session", autouse=True)
def _test_runner_may_empty_the_audit_trail():
    """The test runner empties the database between transactional tests with `flush`, which
    DiscTrack refuses on its command line (the audit trail is append-only): here, and only
    here, flush goes through the one door of registry/audit_guard.py."""
    from django.core.management.commands import flush as django_flush

    from disctrack.registry.audit_guard import audit_purge_allowed
    from disctrack.registry.management.commands import flush as refused_flush

    refusing = refused_flush.Command.handle

    def handle(self, **options):
        with audit_purge_allowed(options["database"]):
            return django_flush.Command.handle(self, **{**options, "interactive": False})

    refused_flush.Command.handle = handle
    yield
    refused_flush.Command.handle = refusing


@pytest.fixture(autouse=True)
def _each_test_starts_with_empty_page_caches():
    """What a process keeps of stored reports and fitted models is keyed by database rows;
    each test's database is a new one whose rows may reuse the same ids and times."""
    yield
    if "disctrack.core.memo" in sys.modules:
        sys.modules["disctrack.core.memo"].forget_all()


@dataclass
class Personas:
    site_a: object
    site_b: object
    physician_a: object
    physician_b: object
    coordinator: object
    clinician: object
    analyst: object
    readonly: object
    admin: object
    outsider: object


def enrollment_data(**episode_overrides) -> dict:
    """Valid enrollment fields, as a form or import row would supply them."""
    episode = {
        "diagnosed_on": date(2026, 1, 5),
        "levels": ["L4-L5", "L5-S1"],
        "symptom_duration_months": 18,
        "leg_pain": False,
        "prior_spine_surgery": False,
        "smoking": "never",
        "height_cm": 172.0,
        "weight_kg": 78.0,
        "comorbidities": ["hypertension"],
        "work_status": "full_time",
        "opioid_use": "none",
        "other_analgesics": True,
    }
    episode.update(episode_overrides)
    return {
        "identity": {
            "given_name": "Ana",
            "family_name": "Synthetic",
            "date_of_birth": date(1980, 3, 14),
            "sex": "female",
            "email": "ana.synthetic@example.test",
            "mobile_phone": "+34600123456",
            "medical_record_number": "MRN-0001",
            "postal_code": "28001",
        },
        "episode": episode,
        "imaging": [
            {"level": "L4-L5", "pfirrmann_grade": 4, "modic": 1, "annular_fissure": True},
            {"level": "L5-S1", "pfirrmann_grade": 3, "modic": 0},
        ],
    }


def msc_treatment_data(physician, performed_on=date(2026, 2, 1)) -> dict:
    return {
        "kind": "msc",
        "performed_on": performed_on,
        "levels": ["L4-L5"],
        "physician": physician,
        "cell_source": "autologous",
        "msc_count_million": 23.0,
        "volume_per_level_ml": 2.0,
        "image_guidance": "fluoroscopy",
    }


@pytest.fixture
def personas(db) -> Personas:
    from disctrack.registry.actions import do_add_physician, do_create_site, do_create_staff

    site_a = do_create_site("system: test", code="site-a", name="Clinic A", timezone="Europe/Madrid")
    site_b = do_create_site("system: test", code="site-b", name="Clinic B", timezone="America/New_York")

    def staff(name, site, role):
        return do_create_staff("system: test", username=name, password=PASSWORD, site=site, role=role)

    return Personas(
        site_a=site_a,
        site_b=site_b,
        physician_a=do_add_physician("system: test", site_a, "Dr. Alba Ruiz"),
        physician_b=do_add_physician("system: test", site_b, "Dr. Ben Cole"),
        coordinator=staff("coordinator", site_a, "coordinator"),
        clinician=staff("clinician", site_a, "clinician"),
        analyst=staff("analyst", site_a, "analyst"),
        readonly=staff("readonly", site_a, "read_only"),
        admin=staff("admin", site_a, "administrator"),
        outsider=staff("outsider", site_b, "coordinator"),
    )


@pytest.fixture
def patient(personas):
    """A patient at site A enrolled and treated with MSC; time points laid out."""
    from disctrack.registry.actions import do_enroll_patient, do_record_treatment

    patient = do_enroll_patient(personas.coordinator, personas.site_a, **enrollment_data())
    episode = patient.episodes.get()
    do_record_treatment(personas.coordinator, episode, msc_treatment_data(personas.physician_a))
    return patient


@pytest.fixture
def survey_link(patient, personas):
    """(link, token) for the patient's baseline time point."""
    from disctrack.surveys.actions import do_create_link

    baseline = patient.timepoints.get(code="baseline")
    return do_create_link(personas.coordinator, baseline)


@pytest.fixture
def client_for(client):
    """Log a persona in: client_for(user) returns the logged-in test client."""

    def login_as(user):
        client.force_login(user)
        return client

    return login_as
