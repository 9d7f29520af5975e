"""A canonical dump of a stored cohort, to compare two generations of it."""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.db import models, transaction

from disctrack.demo.generate import generate_cohort
from disctrack.registry.models import (
    Complication,
    Episode,
    Event,
    LevelImaging,
    Membership,
    Patient,
    PatientIdentity,
    Physician,
    Site,
    TimePoint,
    Treatment,
)
from disctrack.surveys.models import Response

TODAY = date(2026, 6, 30)

# Stamped with the moment of storing, not part of the synthetic story; passwords are salted.
NOT_COMPARED = {"id", "created_at", "recorded_at", "adjudicated_at",
                "last_login", "date_joined", "password"}
DUMPED = (Site, Physician, get_user_model(), Membership, Patient, PatientIdentity, Episode,
          LevelImaging, Treatment, TimePoint, Response, Complication, Event)


# How a row is known by what it means rather than by its database id, in the order the
# keys build on each other.
NATURAL_KEYS = (
    (Site, lambda o, k: o.code),
    (get_user_model(), lambda o, k: o.username),
    (Physician, lambda o, k: (k[Site][o.site_id], o.name)),
    (Patient, lambda o, k: o.registry_id),
    (Episode, lambda o, k: (k[Patient][o.patient_id], str(o.diagnosed_on))),
    (Treatment, lambda o, k: (k[Episode][o.episode_id], o.role, str(o.performed_on), o.kind)),
    (TimePoint, lambda o, k: (k[Treatment][o.treatment_id], o.code)),
    (Response, lambda o, k: (k[TimePoint][o.timepoint_id], o.instrument, o.version)),
)


def natural_keys() -> dict[type, dict[int, object]]:
    keys: dict[type, dict[int, object]] = {}
    for model, key in NATURAL_KEYS:
        keys[model] = {obj.pk: key(obj, keys) for obj in model.objects.all()}
    return keys


def row(obj: models.Model, keys: dict) -> tuple:
    values = []
    for field in obj._meta.concrete_fields:
        if field.name in NOT_COMPARED:
            continue
        value = getattr(obj, field.attname)
        if field.is_relation and value is not None:
            value = keys[field.related_model][value]
        values.append((field.name, value))
    return tuple(values)


def canonical_dump() -> dict[str, list]:
    """Every stored row of the cohort's tables, by natural keys, in a fixed order."""
    keys = natural_keys()
    return {model._meta.label: sorted((row(obj, keys) for obj in model.objects.all()), key=repr)
            for model in DUMPED}


def dump_of_cohort(*, patients: int, seed: int, today: date = TODAY) -> dict[str, list]:
    """Generate a cohort, dump it, and roll it back so that the next one starts empty."""
    with transaction.atomic():
        generate_cohort(patients=patients, seed=seed, today=today)
        dump = canonical_dump()
        transaction.set_rollback(True)
    return dump
