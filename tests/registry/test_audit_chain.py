"""Nobody empties the audit trail, and `disctrack audit verify` finds any entry altered or removed.

The database refuses DELETE (and on PostgreSQL TRUNCATE) of audit rows; tampering is done
here as an attacker who can switch the triggers off would (SQLite: drop them; PostgreSQL:
ALTER TABLE ... DISABLE TRIGGER), and the hash chain must name what was done. Runs on
SQLite, and on PostgreSQL in CI's second run (the `postgres` tests only there).
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import uuid
from contextlib import contextmanager
from datetime import UTC
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from disctrack.registry.audit_guard import audit_purge_allowed, missing_triggers
from disctrack.registry.models import AuditChainHead, AuditEntry
from disctrack.registry.models.audit_chain import CHAINED_FIELDS, GENESIS, entry_hash

TABLES = ("registry_auditentry", "registry_auditchainhead")


def verify() -> tuple[int, str]:
    """(exit status, what `disctrack audit verify` said)."""
    out = StringIO()
    try:
        call_command("audit", "verify", stdout=out)
    except CommandError as exc:
        return exc.returncode, str(exc)
    return 0, out.getvalue()


def settle() -> None:
    """PostgreSQL: check the deferred foreign keys of the rows written so far, since TRUNCATE
    and ALTER TABLE refuse a table with such checks pending in the transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


@contextmanager
def triggers_off():
    """What someone who may alter the tables can do: the triggers stop guarding them."""
    settle()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in TABLES:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            yield cursor
            for table in TABLES:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
            return
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN (%s, %s)",
                       TABLES)
        triggers = cursor.fetchall()
        for name, _ in triggers:
            cursor.execute(f"DROP TRIGGER {name}")
        yield cursor
        for _, sql in triggers:
            cursor.execute(sql)


def _tamper(sql: str, params=()) -> None:
    with triggers_off() as cursor:
        cursor.execute(sql, params)


def _entries() -> list[AuditEntry]:
    return list(AuditEntry.objects.order_by("id"))


def _name(entry: AuditEntry) -> str:
    return f"entry #{entry.pk} ({entry.at.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC)"


def test_an_intact_trail_verifies_and_says_how_many_entries_it_has(patient):
    status, said = verify()
    assert status == 0
    assert f"audit trail intact: {AuditEntry.objects.count()} entries" in said
    assert missing_triggers() == []


def test_each_entry_links_to_the_one_before_and_the_head_names_the_last(patient):
    entries = _entries()
    assert entries[0].prev_hash == GENESIS
    assert all(later.prev_hash == earlier.row_hash for earlier, later in zip(entries, entries[1:], strict=False))
    head = AuditChainHead.objects.get()
    assert (head.last_entry_id, head.last_hash) == (entries[-1].pk, entries[-1].row_hash)


def test_values_hash_the_same_however_the_database_gives_them_back(personas):
    """jsonb returns 1e16 as an integer and -0.0 as 0.0; the chain must not call that a change."""
    odd = {"big": [1e16, 2**70], "zero": [-0.0, 0], "float": [1000.0, 0.1 + 0.2], "tiny": [1.5e-7, None],
           "text": ["1", "ñandú ✓"], "flags": [True, False], "nested": [{"b": [1, "1"], "a": {}}, []]}
    AuditEntry.objects.create(at=timezone.now(), actor="test", action="update", model="registry.Site",
                              object_id="1", changes=odd, reason="odd values")
    assert verify()[0] == 0


def test_entries_are_written_one_at_a_time(personas):
    with pytest.raises(TypeError):
        AuditEntry.objects.bulk_create([AuditEntry(at=timezone.now(), actor="test", action="create",
                                                   model="registry.Site", object_id="9")])


def test_the_database_refuses_a_delete_behind_the_applications_back(patient):
    count = AuditEntry.objects.count()
    entry = _entries()[1]
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM registry_auditentry WHERE id = %s", [entry.pk])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM registry_auditentry")
    assert AuditEntry.objects.count() == count


def test_the_chain_head_cannot_be_deleted_nor_moved_back(patient):
    head = AuditChainHead.objects.get()
    for statement in ("DELETE FROM registry_auditchainhead",
                      "UPDATE registry_auditchainhead SET last_entry_id = last_entry_id - 1"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert AuditChainHead.objects.get().last_entry_id == head.last_entry_id


@pytest.mark.postgres
def test_postgresql_refuses_to_truncate_the_trail_or_its_head(patient):
    settle()
    for table in ("registry_auditentry", "registry_auditchainhead", "auth_user"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), \
                connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {table} CASCADE")
    assert AuditEntry.objects.exists()


@pytest.mark.postgres
def test_the_purge_setting_opens_nothing_for_a_role_that_does_not_own_the_table(patient):
    role = f"disctrack_app_{uuid.uuid4().hex[:8]}"
    settle()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {role}")
        cursor.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON {', '.join(TABLES)} TO {role}")
        cursor.execute(f"SET LOCAL ROLE {role}")
        cursor.execute("SET LOCAL disctrack.allow_audit_purge = 'on'")
        for statement in ("DELETE FROM registry_auditentry", "TRUNCATE registry_auditentry"):
            with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
                cursor.execute(statement)
        transaction.set_rollback(True)
    assert AuditEntry.objects.exists()


def test_flush_empties_the_trail_and_a_new_chain_begins(patient):
    settle()
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEntry.objects.exists() and not AuditChainHead.objects.exists()
    status, said = verify()
    assert status == 0 and "intact: 0 entries" in said
    entry = AuditEntry.objects.create(at=timezone.now(), actor="test", action="create",
                                      model="registry.Site", object_id="1")
    assert entry.prev_hash == GENESIS
    assert "intact: 1 entries" in verify()[1]


def test_the_purge_door_opens_only_within_its_block(patient):
    with audit_purge_allowed(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM registry_auditentry")
        cursor.execute("DELETE FROM registry_auditchainhead")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        AuditEntry.objects.create(at=timezone.now(), actor="test", action="create", model="m", object_id="1")
        cursor.execute("DELETE FROM registry_auditentry")


def test_an_altered_entry_is_named(patient):
    entry = _entries()[2]
    _tamper("UPDATE registry_auditentry SET reason = 'nothing happened' WHERE id = %s", [entry.pk])
    status, said = verify()
    assert status == 1
    assert f"{_name(entry)} was altered" in said


def test_an_entry_rehashed_without_the_secret_key_is_still_altered(patient):
    entry = _entries()[2]
    fields = {name: getattr(entry, name) for name in CHAINED_FIELDS} | {"actor": "someone else"}
    _tamper("UPDATE registry_auditentry SET actor = %s, row_hash = %s WHERE id = %s",
            ["someone else", entry_hash(fields, secret="a guess"), entry.pk])
    status, said = verify()
    assert status == 1 and f"{_name(entry)} was altered" in said


def test_a_removed_entry_is_found_between_its_neighbours(patient):
    before, removed, after = _entries()[1:4]
    _tamper("DELETE FROM registry_auditentry WHERE id = %s", [removed.pk])
    status, said = verify()
    assert status == 1
    assert f"entries removed between {_name(before)} and {_name(after)}" in said


def test_removing_the_first_entry_is_found(patient):
    first, second = _entries()[:2]
    _tamper("DELETE FROM registry_auditentry WHERE id = %s", [first.pk])
    status, said = verify()
    assert status == 1 and f"entries removed before {_name(second)}" in said


def test_removing_the_last_entries_is_found_through_the_head(patient):
    entries = _entries()
    _tamper("DELETE FROM registry_auditentry WHERE id >= %s", [entries[-2].pk])
    status, said = verify()
    assert status == 1
    assert f"entries removed after {_name(entries[-3])}" in said
    assert f"names entry #{entries[-1].pk}" in said


def test_an_entry_written_after_a_cut_at_the_end_does_not_hide_it(patient, personas):
    entries = _entries()
    _tamper("DELETE FROM registry_auditentry WHERE id = %s", [entries[-1].pk])
    AuditEntry.objects.create(at=timezone.now(), actor="test", action="create", model="m", object_id="1")
    status, said = verify()
    assert status == 1 and f"entries removed between {_name(entries[-2])}" in said


def test_a_missing_head_is_found(patient):
    _tamper("DELETE FROM registry_auditchainhead")
    status, said = verify()
    assert status == 1 and "chain head missing" in said


def test_a_trigger_switched_off_is_reported(patient):
    settle()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE registry_auditentry DISABLE TRIGGER registry_auditentry_no_truncate")
        else:
            cursor.execute("DROP TRIGGER registry_auditentry_no_delete")
    status, said = verify()
    assert status == 1 and "no longer guards the audit trail" in said


def test_the_command_line_says_what_is_wrong_without_a_traceback(tmp_path):
    """A database never migrated: exit 2 and one line, not a stack trace."""
    env = {**os.environ, "DISCTRACK_HOME": str(tmp_path), "DJANGO_SETTINGS_MODULE": "disctrack.settings"}
    env.pop("DATABASE_URL", None)
    result = subprocess.run([sys.executable, "-m", "disctrack.cli", "audit", "verify"], env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "cannot read the audit trail" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_writers_at_once_leave_one_unbroken_chain(personas):
    failures = []

    def write(name: str) -> None:
        try:
            for number in range(40):
                with transaction.atomic():
                    AuditEntry.objects.create(at=timezone.now(), actor=name, action="update",
                                              model="registry.Site", object_id=str(number))
        except Exception as exc:  # noqa: BLE001 - reported by the test below
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(f"writer {n}",)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert AuditEntry.objects.filter(actor__startswith="writer").count() == 80
    status, said = verify()
    assert status == 0, said


@pytest.mark.django_db(transaction=True)
def test_entries_written_before_the_chain_are_chained_by_the_migration(personas):
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate([("registry", "0004_timepoint_table")])
    executor.loader.build_graph()
    Old = executor.loader.project_state([("registry", "0004_timepoint_table")]).apps.get_model(
        "registry", "AuditEntry")
    Old.objects.create(at=timezone.now(), actor="old code", action="create", model="registry.Site",
                       object_id="1", changes={"weight_kg": [None, 78.0]})
    count = Old.objects.count()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE registry_auditentry SET reason = 'x'")  # 0002's guard is back
    MigrationExecutor(connection).migrate(latest)
    status, said = verify()
    assert status == 0, said
    assert f"intact: {count} entries" in said
    assert AuditChainHead.objects.get().last_entry_id == AuditEntry.objects.latest("id").pk


def test_the_command_line_refuses_to_empty_the_registry(tmp_path):
    # Only the test runner flushes (tests/conftest.py); an operator's `disctrack flush`
    # would erase the audit trail and is refused, naming what to do instead.
    env = {**os.environ, "DISCTRACK_HOME": str(tmp_path), "DJANGO_SETTINGS_MODULE": "disctrack.settings"}
    env.pop("DATABASE_URL", None)
    result = subprocess.run([sys.executable, "-m", "disctrack.cli", "flush", "--no-input"],
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "append-only audit trail" in result.stderr and "Traceback" not in result.stderr
