"""The audit trail is append-only: in the application, and in the database itself."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from disctrack.registry.models import AuditEntry, AuditTrailIsAppendOnly


def _an_entry(patient) -> AuditEntry:
    return AuditEntry.objects.filter(registry_id=patient.registry_id).first()


def test_every_write_of_the_enrollment_is_in_the_trail(patient):
    entries = AuditEntry.objects.filter(registry_id=patient.registry_id)
    assert entries.filter(model="registry.Patient", action="create").count() == 1
    assert entries.filter(model="registry.Treatment", action="create").count() == 1
    assert all(entry.actor == "coordinator" for entry in entries)


def test_an_entry_cannot_be_changed_or_deleted_through_the_model(patient):
    entry = _an_entry(patient)
    entry.reason = "tampered"
    with pytest.raises(AuditTrailIsAppendOnly):
        entry.save()
    with pytest.raises(AuditTrailIsAppendOnly):
        entry.delete()
    assert AuditEntry.objects.get(pk=entry.pk).reason == ""


def test_entries_cannot_be_changed_or_deleted_in_bulk(patient):
    entries = AuditEntry.objects.filter(registry_id=patient.registry_id)
    count = entries.count()
    with pytest.raises(AuditTrailIsAppendOnly):
        entries.update(reason="tampered")
    with pytest.raises(AuditTrailIsAppendOnly):
        entries.delete()
    assert entries.count() == count
    assert not entries.filter(reason="tampered").exists()


def test_the_database_refuses_an_update_behind_the_applications_back(patient):
    entry = _an_entry(patient)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE registry_auditentry SET reason = 'tampered' WHERE id = %s", [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).reason == ""


@pytest.mark.postgres
def test_postgresql_refuses_update_and_delete_of_audit_rows(patient):
    entry = _an_entry(patient)
    for statement in ("UPDATE registry_auditentry SET actor = 'someone' WHERE id = %s",
                      "DELETE FROM registry_auditentry WHERE id = %s"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), \
                connection.cursor() as cursor:
            cursor.execute(statement, [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).actor == "coordinator"
