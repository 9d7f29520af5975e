"""Snapshots of the database taken while the registry is in use, and restoring them.

SQLite: SQLite's online backup copies every page in one step, inside one read transaction,
so the snapshot is consistent while others keep writing (WAL). Restoring copies the snapshot
into the live file the same way, through SQLite, so no stale -wal file can mix in.
PostgreSQL: `pg_dump --format=custom` reads inside one transaction, a consistent snapshot by
nature. Restoring turns it into SQL with `pg_restore` (which reads the whole dump, before
anything is touched), then replays it with `psql` in one transaction that first empties the
schema: a failure leaves the database as it was.

Restoring across the two engines is not supported; `disctrack export` and `import` move a
registry between them.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.apps import apps
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from psycopg.conninfo import make_conninfo

from disctrack import config
from disctrack.core.backups import BackupError

MEMBER = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
ENGINE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def describe() -> dict:
    """The engine and its version, for the manifest."""
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        version = str(connection.pg_version)
    else:
        version = sqlite3.sqlite_version
    return {"engine": connection.vendor, "member": MEMBER[connection.vendor], "version": version}


def applied_migrations() -> list[list[str]]:
    return sorted([app, name] for app, name in MigrationRecorder(connection).applied_migrations())


def check_compatible(manifest: dict) -> list[str]:
    """Refuse a backup of the other engine or of a newer DiscTrack; the migrations it lacks."""
    engine = manifest["database"]["engine"]
    if engine != connection.vendor:
        raise BackupError(
            f"this is a backup of a {ENGINE_NAMES.get(engine, engine)} registry, and this registry "
            f"uses {ENGINE_NAMES[connection.vendor]}: restoring across databases is not supported "
            "(restore it where DATABASE_URL points at the same kind of database, then move the "
            "registry with `disctrack export` and `disctrack import`)")
    known = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    taken = {tuple(pair) for pair in manifest["migrations"]}
    unknown = sorted(f"{app}.{name}" for app, name in taken - set(known))
    if unknown:
        raise BackupError(f"the backup was made by a newer DiscTrack ({manifest['disctrack_version']}; "
                          f"migrations unknown here: {', '.join(unknown)}): upgrade DiscTrack first")
    return sorted(f"{app}.{name}" for app, name in set(known) - taken)


def tables_with_rows() -> list[str]:
    """The registry's tables that hold any row (an empty registry has none)."""
    existing = set(connection.introspection.table_names())
    occupied = []
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            meta = model._meta
            ours = meta.app_config.name.startswith("disctrack.") or meta.label == "auth.User"
            if ours and meta.managed and not meta.proxy and meta.db_table in existing:
                cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(meta.db_table)} LIMIT 1")
                if cursor.fetchone():
                    occupied.append(meta.db_table)
    return sorted(set(occupied))


def snapshot(folder: Path) -> Path:
    """A consistent copy of the live database in `folder`."""
    target = folder / MEMBER[connection.vendor]
    if connection.vendor == "postgresql":
        _run("pg_dump", "--format=custom", "--file", str(target), "--dbname", _conninfo())
        return target
    source = sqlite3.connect(connection.settings_dict["NAME"], timeout=20)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")
        _check_sqlite(copy, "quick_check", "the live database")
    except sqlite3.Error as exc:
        raise BackupError(f"SQLite could not copy the live database ({exc})") from None
    finally:
        copy.close()
        source.close()
    return target


def check_snapshot(engine: str, member: Path, folder: Path) -> None:
    """Read the whole snapshot before anything is touched; BackupError if it is unusable."""
    if engine == "postgresql":
        _run("pg_restore", "--no-owner", "--no-privileges", "--file", str(folder / "restore.sql"),
             str(member))
        return
    snapshot_db = sqlite3.connect(f"file:{member}?mode=ro", uri=True)
    try:
        _check_sqlite(snapshot_db, "integrity_check", "the backup's database")
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"the backup's database is not readable by SQLite ({exc})") from None
    finally:
        snapshot_db.close()


def restore(member: Path, folder: Path) -> None:
    """Replace the live database with the snapshot checked by `check_snapshot`."""
    connection.close()
    if connection.vendor == "postgresql":
        _run("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction",
             "-c", "DROP SCHEMA public CASCADE", "-c", "CREATE SCHEMA public",
             "-f", str(folder / "restore.sql"), "--dbname", _conninfo())
        return
    snapshot_db = sqlite3.connect(f"file:{member}?mode=ro", uri=True)
    live = sqlite3.connect(connection.settings_dict["NAME"], timeout=20)
    try:
        snapshot_db.backup(live)
        live.execute("PRAGMA journal_mode=WAL")
    except sqlite3.Error as exc:
        raise BackupError(f"SQLite could not copy the backup into the live database ({exc}); "
                          "it is left as it was") from None
    finally:
        live.close()
        snapshot_db.close()


def _check_sqlite(db: sqlite3.Connection, pragma: str, what: str) -> None:
    problems = [row[0] for row in db.execute(f"PRAGMA {pragma}")]
    if problems != ["ok"]:
        raise BackupError(f"{what} fails SQLite's {pragma}: {'; '.join(problems[:5])}")


def _conninfo() -> str:
    settings = connection.settings_dict
    # The libpq options of DATABASE_URL (sslmode, sslrootcert, ...) reach the tools too.
    options = {key: value for key, value in settings.get("OPTIONS", {}).items()
               if key in config.POSTGRES_PARAMETERS}
    return make_conninfo(dbname=settings["NAME"], user=settings["USER"] or None,
                         host=settings["HOST"] or None, port=settings["PORT"] or None, **options)


def _run(tool: str, *args: str) -> None:
    """Run a PostgreSQL client tool, its password in the environment, never on its command line."""
    program = shutil.which(tool)
    if program is None:
        raise BackupError(f"{tool} is not installed: install the PostgreSQL client tools of the "
                          "server's major version or newer (Debian: apt-get install postgresql-client)")
    env = {**os.environ}
    if connection.settings_dict["PASSWORD"]:
        env["PGPASSWORD"] = connection.settings_dict["PASSWORD"]
    result = subprocess.run([program, *args], env=env, capture_output=True, text=True)
    if result.returncode != 0:
        message = result.stderr.strip() or f"exit status {result.returncode}"
        hint = (" (install the PostgreSQL client tools of the server's major version)"
                if "version mismatch" in message or "unsupported version" in message else "")
        raise BackupError(f"{tool} failed: {message}{hint}")
