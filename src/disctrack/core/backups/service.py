"""Making a backup of this registry, and restoring one into it."""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

from django.conf import settings

from disctrack.config import write_private
from disctrack.core.backups import BackupError, databases
from disctrack.core.backups.archive import check_sidecar, read_backup, write_backup

KEY_FROM_ENVIRONMENT = ("DISCTRACK_SECRET_KEY", "DISCTRACK_SECRET_KEY_FILE")


@dataclass
class Outcome:
    manifest: dict
    sha256: str = ""
    warnings: list[str] = field(default_factory=list)
    pending_migrations: list[str] = field(default_factory=list)


@contextmanager
def _workspace():
    """A private folder in DISCTRACK_HOME, so identity never lands in a shared /tmp."""
    folder = Path(tempfile.mkdtemp(prefix=".backup-", dir=settings.HOME))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def make_backup(path: Path, passphrase: str | None) -> Outcome:
    """Write a consistent backup of the registry to `path`, and its SHA-256 to `path.sha256`."""
    with _workspace() as folder:
        manifest = {
            "disctrack_version": version("disctrack"),
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "database": databases.describe(),
            "migrations": databases.applied_migrations(),
        }
        snapshot = databases.snapshot(folder)
        key = folder / "secret_key"
        write_private(key, settings.SECRET_KEY.encode())
        digest = write_backup(path, manifest, {snapshot.name: snapshot, "secret_key": key},
                              passphrase)
    return Outcome(manifest=manifest, sha256=digest)


def restore_backup(path: Path, passphrase: str | None, *, force: bool, require_sidecar: bool,
                   verify_only: bool) -> Outcome:
    """Check the whole backup, then (unless `verify_only`) replace the registry with it.

    Nothing is touched until the file, every member and the database snapshot have passed
    their checks; a registry that holds data is replaced only when `force`.
    """
    if not path.is_file():
        raise BackupError(f"{path} does not exist or is not a file")
    check_sidecar(path, required=require_sidecar)
    with _workspace() as folder:
        manifest = read_backup(path, folder, passphrase)
        database = manifest["database"]
        outcome = Outcome(manifest=manifest)
        if not verify_only:
            outcome.pending_migrations = databases.check_compatible(manifest)
        databases.check_snapshot(database["engine"], folder / database["member"], folder)
        if verify_only:
            return outcome
        occupied = databases.tables_with_rows()
        if occupied and not force:
            raise BackupError(
                f"this registry is not empty ({len(occupied)} tables hold rows, e.g. "
                f"{', '.join(occupied[:3])}): restoring would replace everything in it. Stop "
                "`disctrack serve` and `disctrack worker`, back it up, then use --force")
        databases.restore(folder / database["member"], folder)
        key = (folder / "secret_key").read_text()
        write_private(settings.HOME / "secret_key", key.encode())
    outcome.warnings = _key_warnings(key)
    return outcome


def _key_warnings(key: str) -> list[str]:
    configured = [name for name in KEY_FROM_ENVIRONMENT if os.environ.get(name)]
    if not configured or settings.SECRET_KEY == key:
        return []
    return [f"{configured[0]} is set and holds another key than the backup's, which was written "
            f"to {settings.HOME / 'secret_key'}: until DiscTrack runs with the backup's key, "
            "opt-out links sent before the backup do not work. Unset it, or put that key in it."]


def read_passphrase(file: str | None, env_name: str) -> str | None:
    """The passphrase from a file (its first line) or an environment variable; None if neither."""
    if file:
        try:
            text = Path(file).read_text()
        except OSError as exc:
            raise BackupError(f"--passphrase-file {file}: {exc.strerror}") from None
        lines = text.splitlines()
        passphrase = lines[0] if lines else ""
        if not passphrase:
            raise BackupError(f"--passphrase-file {file} is empty")
        return passphrase
    return os.environ.get(env_name) or None
