"""The backup file: a gzip tar of the manifest and the members, maybe encrypted, and its
SHA-256 beside it in `FILE.sha256` (the format `sha256sum -c` reads).

Reading checks, before anything is restored: the whole file against `FILE.sha256`, the
passphrase, every chunk's authentication when encrypted, and every member against the
SHA-256 and size the manifest gives for it.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import tarfile
import time
import zlib
from pathlib import Path

from disctrack.config import write_private
from disctrack.core.backups import BackupError
from disctrack.core.backups.encryption import MAGIC, DecryptingReader, EncryptingWriter

FORMAT = "disctrack-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEMBERS = {"database.sqlite3", "database.pgdump", "secret_key"}
_GZIP = b"\x1f\x8b"
_BLOCK = 1 << 20


class _Hashing:
    """Passes writes through to `raw`, hashing the bytes that reach the file."""

    def __init__(self, raw):
        self.raw, self.sha256 = raw, hashlib.sha256()

    def write(self, data) -> int:
        self.sha256.update(data)
        return self.raw.write(data)

    def flush(self) -> None:
        self.raw.flush()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def sidecar(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def write_backup(path: Path, manifest: dict, members: dict[str, Path],
                 passphrase: str | None) -> str:
    """Write the backup to `path` (0600, whole or not at all) and `path.sha256`; its SHA-256."""
    manifest = {**manifest, "format": FORMAT, "format_version": FORMAT_VERSION,
                "encrypted": passphrase is not None,
                "members": {name: {"sha256": file_sha256(member), "size": member.stat().st_size}
                            for name, member in members.items()}}
    partial = path.with_name(f".{path.name}.partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as raw:
            hashing = _Hashing(raw)
            sink = EncryptingWriter(hashing, passphrase) if passphrase is not None else hashing
            with tarfile.open(fileobj=sink, mode="w|gz", format=tarfile.PAX_FORMAT) as tar:
                body = json.dumps(manifest, indent=2, sort_keys=True).encode()
                tar.addfile(_info(MANIFEST, len(body)), io.BytesIO(body))
                for name, member in members.items():
                    with member.open("rb") as handle:
                        tar.addfile(_info(name, member.stat().st_size), handle)
            if passphrase is not None:
                sink.close()
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    digest = hashing.sha256.hexdigest()
    write_private(sidecar(path), f"{digest}  {path.name}\n".encode())
    return digest


def _info(name: str, size: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = size, 0o600, int(time.time())
    return info


def check_sidecar(path: Path, *, required: bool) -> None:
    """The whole file against `FILE.sha256`; BackupError naming the difference."""
    beside = sidecar(path)
    if not beside.is_file():
        if required:
            raise BackupError(f"{beside} is missing, so {path} cannot be checked whole; bring it "
                              "beside the backup, or use --no-checksum-file to rely on the "
                              "checksums inside the backup alone")
        return
    expected = beside.read_text().split()[:1]
    if not expected or len(expected[0]) != 64:
        raise BackupError(f"{beside} does not hold a SHA-256 checksum")
    actual = file_sha256(path)
    if actual != expected[0].lower():
        raise BackupError(f"{path} does not match its checksum in {beside} (SHA-256 {actual}, "
                          f"expected {expected[0]}): the file is damaged or incomplete")


def is_encrypted(path: Path) -> bool:
    with path.open("rb") as handle:
        start = handle.read(len(MAGIC))
    if start == MAGIC:
        return True
    if start.startswith(_GZIP):
        return False
    raise BackupError(f"{path} is not a DiscTrack backup (it starts with neither the encrypted "
                      "nor the plain backup's signature)")


def read_backup(path: Path, into: Path, passphrase: str | None) -> dict:
    """Unpack the backup into the folder `into` and check every member; the manifest."""
    if is_encrypted(path) and passphrase is None:
        raise BackupError(f"{path} is encrypted: give its passphrase with --passphrase-file or "
                          "--passphrase-env")
    try:
        with path.open("rb") as raw:
            source = DecryptingReader(raw, passphrase) if is_encrypted(path) else raw
            with gzip.GzipFile(fileobj=source, mode="rb") as unzipped:
                with tarfile.open(fileobj=unzipped, mode="r|") as tar:
                    found = _unpack(tar, into)
                _read_to_the_end(unzipped)  # where gzip checks its CRC
    except (tarfile.TarError, gzip.BadGzipFile, EOFError, zlib.error) as exc:
        raise BackupError(f"{path} is damaged or truncated ({exc or type(exc).__name__})") from None
    try:
        return _checked_manifest(path, into, found)
    except (KeyError, TypeError, AttributeError, ValueError):
        # A manifest that parses but has the wrong shape: damage, never a traceback.
        raise BackupError(f"the manifest of {path} is unreadable: the file is damaged") from None


def _read_to_the_end(stream) -> None:
    while stream.read(_BLOCK):
        continue


def _unpack(tar: tarfile.TarFile, into: Path) -> dict[str, dict]:
    found: dict[str, dict] = {}
    for info in tar:
        if info.name not in MEMBERS | {MANIFEST} or not info.isfile() or info.name in found:
            raise BackupError(f"the backup holds an unexpected member {info.name!r}")
        digest, size = hashlib.sha256(), 0
        source = tar.extractfile(info)
        with (into / info.name).open("xb") as out:
            while block := source.read(_BLOCK):
                digest.update(block)
                size += len(block)
                out.write(block)
        found[info.name] = {"sha256": digest.hexdigest(), "size": size}
    return found


def _checked_manifest(path: Path, into: Path, found: dict[str, dict]) -> dict:
    if MANIFEST not in found:
        raise BackupError(f"{path} holds no {MANIFEST}: it is not a DiscTrack backup, or damaged")
    try:
        manifest = json.loads((into / MANIFEST).read_text())
        members = manifest["members"]
        if manifest["format"] != FORMAT:
            raise ValueError
    except (ValueError, KeyError, TypeError):
        raise BackupError(f"the manifest of {path} is unreadable: the file is damaged") from None
    if manifest["format_version"] > FORMAT_VERSION:
        raise BackupError(f"{path} is in backup format {manifest['format_version']}; this "
                          f"DiscTrack reads format {FORMAT_VERSION}: restore with a newer DiscTrack")
    for name, expected in members.items():
        if name not in found:
            raise BackupError(f"{path} lacks {name}, which its manifest lists: it is truncated")
        if found[name] != {"sha256": expected["sha256"], "size": expected["size"]}:
            raise BackupError(f"{name} in {path} does not match its checksum in the manifest: "
                              "the file is damaged")
    extra = set(found) - set(members) - {MANIFEST}
    if extra:
        raise BackupError(f"{path} holds {', '.join(sorted(extra))}, which its manifest does not list")
    return manifest
