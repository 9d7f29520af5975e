"""Generate the whole synthetic cohort in one transaction: all of it, or nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import transaction

from disctrack.demo.plan import plan_patient
from disctrack.demo.writer import Network, PatientWriter, create_network
from disctrack.protocols import get_protocol
from disctrack.registry.actions.timepoints import close_missed
from disctrack.registry.models import TimePoint, TimePointStatus
from disctrack.surveys.actions import do_create_link

MAX_PATIENTS = 100_000


@dataclass(frozen=True)
class Cohort:
    patients: int
    sample_link: str | None  # a survey address for an open time point, if any is open


def generate_cohort(*, patients: int, seed: int, today: date,
                    progress: Callable[[int], None] | None = None) -> Cohort:
    """Store `patients` synthetic patients followed up to `today`, the same for a seed.

    The database must hold no registry data yet (the demo's site codes and user names
    would clash). `progress` is called with the number of patients stored so far.
    """
    if not 1 <= patients <= MAX_PATIENTS:
        raise ValueError(f"patients must be from 1 to {MAX_PATIENTS}, not {patients}")
    protocol = get_protocol("default")  # the protocol do_create_site gives the demo sites
    taken_ids: set[str] = set()
    with transaction.atomic():
        network = create_network()
        for number in range(1, patients + 1):
            plan = plan_patient(seed, number, today, protocol, taken_ids)
            PatientWriter(network, plan).write()
            if progress and number % 100 == 0:
                progress(number)
        close_missed(today=today)
        link = sample_link(network, today)
    return Cohort(patients=patients, sample_link=link)


def sample_link(network: Network, today: date) -> str | None:
    """A fresh survey link for the first time point open on `today`, for trying the survey."""
    timepoint = (
        TimePoint.objects.filter(status=TimePointStatus.PENDING, opens_on__lte=today,
                                 closes_on__gte=today)
        .select_related("patient__site")
        .order_by("opens_on", "patient__registry_id", "code")
        .first()
    )
    if timepoint is None:
        return None
    _, token = do_create_link(network.coordinator(timepoint.patient.site.code), timepoint)
    return f"{settings.BASE_URL}/s/{token}/"
