"""The generated cohort: reproducible, calibrated to the published figures, fully audited."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from statistics import mean

import pytest
import time_machine
from tests.demo.dumps import DUMPED, TODAY, dump_of_cohort

from disctrack.demo.generate import generate_cohort
from disctrack.registry.choices import TreatmentRole, treatment_class
from disctrack.registry.models import (
    AuditEntry,
    Complication,
    Event,
    LevelImaging,
    Patient,
    PatientIdentity,
    TimePoint,
    Treatment,
)
from disctrack.surveys.models import Response

pytestmark = pytest.mark.django_db


def test_same_seed_and_date_store_the_same_cohort_whatever_the_clock():
    first = dump_of_cohort(patients=20, seed=11)
    with time_machine.travel(datetime(2027, 2, 3, 4, 5, tzinfo=UTC)):
        again = dump_of_cohort(patients=20, seed=11)
    assert len(first["registry.Patient"]) == 20
    assert first == again


def _registry_ids(seed: int) -> set[str]:
    patients = dump_of_cohort(patients=5, seed=seed)["registry.Patient"]
    return {dict(row)["registry_id"] for row in patients}


def test_another_seed_stores_another_cohort():
    assert _registry_ids(1).isdisjoint(_registry_ids(2))


def _odi_by(code: str) -> dict[str, list[float]]:
    found: dict[str, list[float]] = {}
    rows = Response.objects.filter(instrument="odi", timepoint__code=code).values_list(
        "timepoint__treatment__kind", "scores")
    for kind, scores in rows:
        found.setdefault(treatment_class(kind), []).append(scores["odi"])
    return found


def test_cohort_matches_the_published_calibration_figures():
    generate_cohort(patients=300, seed=5, today=TODAY)
    baseline, at_12_months = _odi_by("baseline"), _odi_by("m12")
    assert 44 <= mean(sum(baseline.values(), [])) <= 56
    # Pettine 2015: 56.5 at baseline, 25.0 at 12 months after intradiscal cells.
    assert 52 <= mean(baseline["biologic"]) <= 60
    assert mean(at_12_months["biologic"]) <= mean(baseline["biologic"]) - 20
    # Fairbank 2005: fusion 46.5 -> 34.0 at 24 months; rehabilitation 44.8 -> 36.1.
    assert mean(at_12_months["fusion"]) < mean(baseline["fusion"]) - 5
    assert mean(at_12_months["conservative"]) < mean(baseline["conservative"])
    due = Counter(TimePoint.objects.filter(code="m12", status__in=("answered", "missed"))
                  .values_list("status", flat=True))
    assert 0.20 <= due["missed"] / due.total() <= 0.30
    surgeries = Treatment.objects.filter(role=TreatmentRole.SUBSEQUENT_SURGERY)
    assert surgeries.filter(episode__treatments__kind__in=("msc", "bmc", "prp")).exists()
    assert Complication.objects.filter(status="confirmed").exists()
    assert Complication.objects.filter(treatment__kind="fusion").exists()


def test_cohort_has_every_time_point_state_and_channel_and_every_row_audited():
    generate_cohort(patients=60, seed=3, today=TODAY)
    pending = TimePoint.objects.filter(status="pending")
    assert pending.filter(opens_on__lte=TODAY, closes_on__gte=TODAY).exists()
    assert pending.filter(opens_on__gt=TODAY).exists()
    assert not pending.filter(closes_on__lt=TODAY).exists()
    assert {"answered", "missed"} <= set(TimePoint.objects.values_list("status", flat=True))
    channels = set(TimePoint.objects.filter(status="answered").values_list("channel", flat=True))
    assert {"web", "clinic", "paper", "phone"} <= channels
    baselines = TimePoint.objects.filter(code="baseline").select_related("treatment",
                                                                         "patient__site")
    assert all(tp.answered_at.astimezone(tp.patient.site.zone).date() < tp.treatment.performed_on
               for tp in baselines)
    assert all(tp.patient.enrolled_at < tp.answered_at for tp in baselines), \
        "enrolled at the visit where the baseline was answered, not on the day the demo ran"
    assert all(tp.answered_at < datetime(2026, 6, 30, tzinfo=UTC)
               for tp in TimePoint.objects.filter(status="answered"))
    _assert_every_row_audited()


def _assert_every_row_audited():
    for model in (*DUMPED, LevelImaging, PatientIdentity):
        stored = {str(pk) for pk in model.objects.values_list("pk", flat=True)}
        audited = set(AuditEntry.objects.filter(model=model._meta.label, action="create")
                      .values_list("object_id", flat=True))
        assert stored <= audited, model._meta.label
    closed = TimePoint.objects.exclude(status="pending").values_list("pk", flat=True)
    changed = set(AuditEntry.objects.filter(model="registry.TimePoint", action="update")
                  .values_list("object_id", flat=True))
    assert {str(pk) for pk in closed} <= changed
    assert Patient.objects.exclude(status="active").count() == Event.objects.count()
