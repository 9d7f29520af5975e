"""The database's side of the append-only audit trail (triggers made by migration 0005).

The triggers refuse UPDATE, DELETE and (PostgreSQL) TRUNCATE of the audit entries, and
deleting or moving back the chain head. One door lets rows go: `audit_purge_allowed()`,
used only by the test runner's flush between transactional tests (tests/conftest.py) to
empty the whole database; `disctrack flush` itself is refused. On PostgreSQL it opens only for the tables' owner, who could
disable the triggers anyway; an application role that does not own them can never purge.
On SQLite it opens only for a connection of this process, through a SQL function that no
other program has: the `sqlite3` shell, for one, gets an error instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections, transaction

PURGE_SETTING = "disctrack.allow_audit_purge"  # PostgreSQL: a transaction-local setting
SQLITE_PURGE_FUNCTION = "disctrack_audit_purge"

# The triggers that must be there (and, on PostgreSQL, enabled) for the promise to hold.
TRIGGERS = {
    "postgresql": {
        ("registry_auditentry", "registry_auditentry_no_change"),
        ("registry_auditentry", "registry_auditentry_no_truncate"),
        ("registry_auditchainhead", "registry_auditchainhead_guard"),
        ("registry_auditchainhead", "registry_auditchainhead_no_truncate"),
    },
    "sqlite": {
        ("registry_auditentry", "registry_auditentry_no_update"),
        ("registry_auditentry", "registry_auditentry_no_delete"),
        ("registry_auditchainhead", "registry_auditchainhead_no_delete"),
        ("registry_auditchainhead", "registry_auditchainhead_forward_only"),
    },
}


def register_sqlite_function(sender, connection, **kwargs) -> None:
    """`connection_created` receiver: give each SQLite connection the purge switch, off."""
    if connection.vendor != "sqlite":
        return
    connection.disctrack_audit_purge = False
    connection.connection.create_function(
        SQLITE_PURGE_FUNCTION, 0, lambda: int(getattr(connection, "disctrack_audit_purge", False))
    )


@contextmanager
def audit_purge_allowed(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Within this block (one transaction), the triggers let audit rows be deleted.

    For the test runner's flush only (tests/conftest.py); nothing else may call it.
    """
    connection = connections[using]
    with transaction.atomic(using=using):
        if connection.vendor == "postgresql":
            _set_purge(connection, "on")
            yield
            # Closed again for the rest of an enclosing transaction; a block that fails is
            # rolled back, and the setting with it.
            _set_purge(connection, "off")
            return
        connection.disctrack_audit_purge = True
        try:
            yield
        finally:
            connection.disctrack_audit_purge = False


def _set_purge(connection, value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, %s, true)", [PURGE_SETTING, value])


def missing_triggers(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """The protecting triggers that are absent or (PostgreSQL) disabled, as table.trigger."""
    connection = connections[using]
    expected = TRIGGERS.get(connection.vendor, set())
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
                " WHERE NOT t.tgisinternal AND t.tgenabled <> 'D'"
                " AND c.relname IN ('registry_auditentry', 'registry_auditchainhead')"
            )
        else:
            cursor.execute(
                "SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'"
                " AND tbl_name IN ('registry_auditentry', 'registry_auditchainhead')"
            )
        present = set(cursor.fetchall())
    return sorted(f"{table}.{name}" for table, name in expected - present)
