"""`disctrack backup` and `restore`: a consistent snapshot under submission load restores
byte-identical exports and the secret key; a damaged file or a wrong passphrase is refused;
the files holding identity are readable by their owner only.

The end-to-end test runs on the database of the run (SQLite, or PostgreSQL when DATABASE_URL
says so), each registry in its own DISCTRACK_HOME and database. The load process commits each
patient (enrolment, treatment, baseline answers) in one transaction and never touches a
patient again, so what the snapshot captured is known exactly: the source's final export
restricted to the restored patients must equal the restored registry's export, file for file,
and those patients must be the first k the load made, every one that had committed before the
backup started among them.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest

from disctrack import config
from disctrack.core.backups import BackupError, encryption
from disctrack.core.backups.archive import check_sidecar, read_backup, write_backup

LOAD = Path(__file__).with_name("backup_load.py")
PASSPHRASE = "correct horse battery staple backup"
ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ---- registries in their own homes and databases ------------------------------------------

class Registry:
    def __init__(self, home: Path, database_url: str = ""):
        self.home, self.database_url = home, database_url

    @property
    def env(self) -> dict:
        env = {**os.environ, "DISCTRACK_HOME": str(self.home), "DISCTRACK_EMAIL_URL": "console:",
               "DJANGO_SETTINGS_MODULE": "disctrack.settings",
               "DISCTRACK_BACKUP_PASSPHRASE": PASSPHRASE}
        for name in ("DATABASE_URL", "DISCTRACK_SECRET_KEY", "DISCTRACK_SECRET_KEY_FILE"):
            env.pop(name, None)
        if self.database_url:
            env["DATABASE_URL"] = self.database_url
        return env

    def disctrack(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run([sys.executable, "-m", "disctrack.cli", *args], env=self.env,
                                capture_output=True, text=True, timeout=120)
        if check:
            assert result.returncode == 0, result.stderr
        return result

    def export(self, folder: Path) -> dict[str, bytes]:
        self.disctrack("export", str(folder))
        return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


@pytest.fixture
def databases(tmp_path):
    """Urls of fresh databases on the run's PostgreSQL server, dropped after; '' on SQLite."""
    if not ON_POSTGRES:
        yield lambda name: ""
        return
    import psycopg

    server = urlparse(os.environ["DATABASE_URL"])
    made = []

    def admin():
        return psycopg.connect(server._replace(path="/postgres").geturl(), autocommit=True)

    def fresh(name: str) -> str:
        name = f"disctrack_bak_{name}_{os.getpid()}"
        with admin() as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}"')
            db.execute(f'CREATE DATABASE "{name}"')
        made.append(name)
        return server._replace(path=f"/{name}").geturl()

    yield fresh
    with admin() as db:
        for name in made:
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Load:
    """The load process; its `patient N` lines are collected by a thread as they come."""

    def __init__(self, registry: Registry, stop: Path):
        self.stop, self.committed, self.optout = stop, 0, ""
        self.proc = subprocess.Popen([sys.executable, str(LOAD), str(stop)], env=registry.env,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            word, value = line.split()
            if word == "optout":
                self.optout = value
            else:
                self.committed = int(value) + 1

    def wait_for(self, patients: int) -> int:
        deadline = time.monotonic() + 90
        while self.committed < patients:
            assert self.proc.poll() is None, self.proc.stderr.read()
            assert time.monotonic() < deadline, "the load made too few patients"
            time.sleep(0.05)
        return self.committed

    def finish(self) -> None:
        self.stop.touch()
        assert self.proc.wait(timeout=60) == 0, self.proc.stderr.read()


def _rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode())))


def _only(data: bytes, registry_ids: set[str]) -> bytes:
    """The export file restricted to these patients' rows (all rows if it has no patient)."""
    header, *rows = _rows(data)
    if "registry_id" not in header:
        return data
    column = header.index("registry_id")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerows([header, *(row for row in rows if row[column] in registry_ids)])
    return out.getvalue().encode()


def test_backup_under_load_restores_what_it_captured(tmp_path, databases):
    source = Registry(tmp_path / "source", databases("source"))
    restored = Registry(tmp_path / "restored", databases("restored"))
    backup = tmp_path / "registry.backup"
    load = Load(source, tmp_path / "stop")
    try:
        before = load.wait_for(5)
        source.disctrack("backup", "--encrypt", str(backup))
        load.wait_for(load.committed + 5)
        if not ON_POSTGRES:  # SQLite removes the -wal and -shm files when the last user closes
            for name in ("disctrack.sqlite3", "disctrack.sqlite3-wal", "disctrack.sqlite3-shm"):
                assert _mode(source.home / name) == 0o600, name
    finally:
        load.finish()
    final = source.export(tmp_path / "source-export")

    result = restored.disctrack("restore", str(backup))
    assert "Restored" in result.stdout
    _refuses(restored, backup, "this registry is not empty")
    elsewhere = "" if ON_POSTGRES else "postgres://nobody@127.0.0.1:1/never_connected"
    _refuses(Registry(tmp_path / "other", elsewhere), backup,
             "restoring across databases is not supported")
    if ON_POSTGRES:
        _audit_stays_append_only(restored.database_url)
    exported = restored.export(tmp_path / "restored-export")

    patients = _rows(exported["patients.csv"])
    header = patients[0]
    ids = {row[header.index("registry_id")] for row in patients[1:]}
    numbers = sorted(row[header.index("medical_record_number")] for row in patients[1:])
    assert numbers == [f"LOAD-{n:05d}" for n in range(len(numbers))], "the first k patients, whole"
    assert before <= len(numbers) < len(_rows(final["patients.csv"])) - 1, (
        "the snapshot holds every patient committed before the backup, and the load went on")
    assert set(exported) == set(final)
    for name in final:
        assert _sha256_bytes(exported[name]) == _sha256_bytes(_only(final[name], ids)), name

    assert (restored.home / "secret_key").read_text() == (source.home / "secret_key").read_text()
    check = subprocess.run([sys.executable, str(LOAD), "--read-optout", load.optout],
                           env=restored.env, capture_output=True, text=True, timeout=60)
    assert check.returncode == 0, check.stderr
    assert check.stdout.split()[1] == "email", "an opt-out link made before still works"

    assert _mode(backup) == 0o600
    assert _mode(source.home / "secret_key") == 0o600
    assert _mode(restored.home / "secret_key") == 0o600
    assert {_mode(path) for path in (tmp_path / "source-export").iterdir()} == {0o600}

    damaged = tmp_path / "damaged.backup"
    data = bytearray(backup.read_bytes())
    data[len(data) // 2] ^= 0x01
    damaged.write_bytes(bytes(data))
    (tmp_path / "damaged.backup.sha256").write_text((tmp_path / "registry.backup.sha256")
                                                    .read_text().replace("registry", "damaged"))
    _refuses(restored, damaged, "does not match its checksum", "--force")
    again = restored.export(tmp_path / "after-refusal")
    assert again == exported, "a refused restore leaves the registry as it was"


def _sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _refuses(registry: Registry, backup: Path, message: str, *options: str) -> None:
    result = registry.disctrack("restore", *options, str(backup), check=False)
    assert result.returncode == 2
    assert message in result.stderr and "Nothing was restored" in result.stderr
    assert "Traceback" not in result.stderr


def _audit_stays_append_only(database_url: str) -> None:
    """The audit trail's triggers (functions and all) come back with the data."""
    import psycopg

    with psycopg.connect(database_url) as db:
        with pytest.raises(psycopg.errors.RaiseException):
            db.execute("UPDATE registry_auditentry SET reason = 'changed'")


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_missing_pg_dump_is_named(tmp_path, monkeypatch):
    from disctrack.core.backups.service import make_backup

    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(BackupError, match="pg_dump is not installed: install the PostgreSQL client"):
        make_backup(tmp_path / "b.backup", None)
    assert not (tmp_path / "b.backup").exists()


# ---- the file: checksums, encryption, damage (no database needed) --------------------------

@pytest.fixture
def members(tmp_path):
    folder = tmp_path / "members"
    folder.mkdir()
    db = sqlite3.connect(folder / "database.sqlite3")
    db.execute("CREATE TABLE t (x TEXT)")
    db.executemany("INSERT INTO t VALUES (?)", [(os.urandom(64).hex(),) for _ in range(3000)])
    db.commit()
    db.close()
    (folder / "secret_key").write_text("the-secret-key")
    return {path.name: path for path in folder.iterdir()}


MANIFEST = {"disctrack_version": "test", "created_at": "2026-01-01T00:00:00+00:00",
            "database": {"engine": "sqlite", "member": "database.sqlite3"}, "migrations": []}


@pytest.mark.parametrize("passphrase", [None, PASSPHRASE], ids=["plain", "encrypted"])
def test_a_whole_file_reads_back(tmp_path, members, passphrase, monkeypatch):
    monkeypatch.setattr(encryption, "CHUNK", 4096)  # many chunks
    path = tmp_path / "b.backup"
    digest = write_backup(path, MANIFEST, members, passphrase)
    assert (tmp_path / "b.backup.sha256").read_text() == f"{digest}  b.backup\n"
    check_sidecar(path, required=True)
    into = tmp_path / "into"
    into.mkdir()
    manifest = read_backup(path, into, passphrase)
    assert manifest["encrypted"] is (passphrase is not None)
    for name, member in members.items():
        assert (into / name).read_bytes() == member.read_bytes()


@pytest.mark.parametrize("passphrase", [None, PASSPHRASE], ids=["plain", "encrypted"])
@pytest.mark.parametrize("damage", ["flip", "truncate"])
def test_a_damaged_file_is_refused(tmp_path, members, passphrase, damage, monkeypatch):
    """Anywhere: the whole-file checksum fails, and reading an encrypted file fails. A plain
    file read without its .sha256 fails too, or (a flip in a bit that holds no data: gzip's
    time stamp, deflate's padding) yields exactly the original members."""
    monkeypatch.setattr(encryption, "CHUNK", 4096)
    monkeypatch.setattr(encryption, "SCRYPT_N", 1 << 10)  # the header carries it: fast reads
    path = tmp_path / "b.backup"
    write_backup(path, MANIFEST, members, passphrase)
    good = path.read_bytes()
    edges = {*range(12), *range(0, len(good), max(1, len(good) // 40)), *range(len(good) - 12, len(good))}
    for at in sorted(edges):
        bad = bytearray(good)
        if damage == "flip":
            bad[at] ^= 0x10
        else:
            del bad[at:]
        path.write_bytes(bytes(bad))
        with pytest.raises(BackupError, match="does not match its checksum"):
            check_sidecar(path, required=True)
        into = tmp_path / f"into-{at}"
        into.mkdir()
        if passphrase is None and damage == "flip":
            try:
                read_backup(path, into, passphrase)
            except BackupError:
                continue
            assert all((into / name).read_bytes() == m.read_bytes() for name, m in members.items())
            continue
        with pytest.raises(BackupError):
            read_backup(path, into, passphrase)


def test_a_wrong_passphrase_is_refused_as_such(tmp_path, members):
    path = tmp_path / "b.backup"
    write_backup(path, MANIFEST, members, PASSPHRASE)
    with pytest.raises(BackupError, match="wrong passphrase"):
        read_backup(path, tmp_path, "not the passphrase at all")
    with pytest.raises(BackupError, match="is encrypted: give its passphrase"):
        read_backup(path, tmp_path, None)


def test_a_missing_checksum_file_is_named(tmp_path, members):
    path = tmp_path / "b.backup"
    write_backup(path, MANIFEST, members, None)
    (tmp_path / "b.backup.sha256").unlink()
    with pytest.raises(BackupError, match="b.backup.sha256 is missing.*--no-checksum-file"):
        check_sidecar(path, required=True)
    check_sidecar(path, required=False)


def test_a_short_passphrase_is_refused(tmp_path, members):
    with pytest.raises(BackupError, match="at least 12 characters"):
        write_backup(tmp_path / "b.backup", MANIFEST, members, "short")
    assert not (tmp_path / "b.backup").exists()


# ---- permissions ----------------------------------------------------------------------------

def test_database_and_key_are_created_owner_only(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("DISCTRACK_SECRET_KEY", raising=False)
    monkeypatch.delenv("DISCTRACK_SECRET_KEY_FILE", raising=False)
    db = Path(config.database_config(tmp_path)["NAME"])
    key = config.secret_key(tmp_path)
    assert _mode(db) == 0o600
    assert _mode(tmp_path / "secret_key") == 0o600
    assert config.secret_key(tmp_path) == key, "generated once"


def test_files_of_an_older_registry_are_tightened(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("DISCTRACK_SECRET_KEY", raising=False)
    monkeypatch.delenv("DISCTRACK_SECRET_KEY_FILE", raising=False)
    for name in ("disctrack.sqlite3", "disctrack.sqlite3-wal", "secret_key"):
        (tmp_path / name).write_text("old")
        (tmp_path / name).chmod(0o644)
    config.database_config(tmp_path)
    config.secret_key(tmp_path)
    for name in ("disctrack.sqlite3", "disctrack.sqlite3-wal", "secret_key"):
        assert _mode(tmp_path / name) == 0o600, name
