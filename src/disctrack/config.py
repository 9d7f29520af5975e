"""Strict reading of DiscTrack's environment variables.

Settings come from the environment; a malformed value is an error at start-up, never a
silent default.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse


class ConfigError(Exception):
    """An environment variable holds a value DiscTrack cannot use."""


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigError(f"{name}={raw!r} is not a boolean; use 1/0, true/false, yes/no or on/off")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a whole number") from None
    if value < minimum:
        raise ConfigError(f"{name}={raw!r} must be at least {minimum}")
    return value


def home_dir() -> Path:
    """The folder holding the SQLite database, keys and uploads (DISCTRACK_HOME).

    From here on the process creates files readable by their owner only (umask 077): the
    database, the key, the outboxes, exports and backups all hold patient identity or what
    guards it. A new home folder is created private (0700).
    """
    os.umask(0o077)
    home = Path(os.environ.get("DISCTRACK_HOME", "./var")).expanduser().resolve()
    home.mkdir(mode=0o700, parents=True, exist_ok=True)
    return home


def owner_only(path: Path) -> None:
    """Make an existing file readable by its owner only (a registry made before 0600)."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return
    if info.st_mode & 0o077 and info.st_uid == os.getuid():
        path.chmod(0o600)


def write_private(path: Path, data: bytes) -> None:
    """Write `path` whole and readable by its owner only: a reader never sees it half-written."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def secret_key(home: Path) -> str:
    """DISCTRACK_SECRET_KEY, or the file it names, or one generated once into the home folder."""
    if os.environ.get("DISCTRACK_SECRET_KEY"):
        return os.environ["DISCTRACK_SECRET_KEY"]
    key_file = os.environ.get("DISCTRACK_SECRET_KEY_FILE")
    if key_file:
        path = Path(key_file)
        if not path.is_file():
            raise ConfigError(f"DISCTRACK_SECRET_KEY_FILE={key_file!r} does not name a readable file")
        return path.read_text().strip()
    path = home / "secret_key"
    if not path.exists():
        _create_secret_key(path)
    owner_only(path)
    return path.read_text().strip()


def _create_secret_key(path: Path) -> None:
    """A new key, written 0600 beside and linked into place: two processes starting together
    agree on one key, and neither reads a half-written file."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.new")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(secrets.token_urlsafe(50))
        out.flush()
        os.fsync(out.fileno())
    try:
        with contextlib.suppress(FileExistsError):  # another process's key won: use it
            os.link(partial, path)
    finally:
        partial.unlink()


def database_config(home: Path) -> dict:
    """Django DATABASES['default'] from DATABASE_URL, or the embedded SQLite database."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        path = sqlite_path(home)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(path),
            "OPTIONS": {
                # WAL lets readers work while the worker writes; FULL makes each commit durable.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                " PRAGMA foreign_keys=ON;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    parsed = urlparse(url)
    if parsed.scheme not in {"postgres", "postgresql"}:
        raise ConfigError(
            f"DATABASE_URL scheme {parsed.scheme!r} is not supported; use postgres://user@host:port/name"
        )
    name = parsed.path.lstrip("/")
    if not name:
        raise ConfigError("DATABASE_URL names no database (postgres://user@host:port/NAME)")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "OPTIONS": _postgres_options(parsed.query),
        "NAME": unquote(name),
        "USER": unquote(parsed.username or ""),
        "PASSWORD": unquote(parsed.password or ""),
        "HOST": parsed.hostname or "",
        "PORT": str(parsed.port or ""),
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
        "TEST": {"NAME": os.environ.get("DISCTRACK_TEST_DATABASE_NAME") or None},
    }


# libpq connection parameters DATABASE_URL may carry (?sslmode=verify-full&sslrootcert=...):
# TLS to the database, and what an operator sets beside it.
POSTGRES_PARAMETERS = {"sslmode", "sslrootcert", "sslcert", "sslkey", "sslcrl", "sslpassword",
                        "connect_timeout", "application_name", "target_session_attrs"}
_SSL_MODES = {"disable", "allow", "prefer", "require", "verify-ca", "verify-full"}


def _postgres_options(query: str) -> dict[str, str]:
    """The libpq parameters of DATABASE_URL's query; ConfigError naming one it cannot use."""
    options: dict[str, str] = {}
    for name, values in parse_qs(query, keep_blank_values=True, strict_parsing=False).items():
        if name not in POSTGRES_PARAMETERS:
            raise ConfigError(f"DATABASE_URL parameter {name!r} is not supported; use "
                              f"{', '.join(sorted(POSTGRES_PARAMETERS))}")
        options[name] = values[-1]
    if options.get("sslmode", "prefer") not in _SSL_MODES:
        raise ConfigError(f"DATABASE_URL sslmode={options['sslmode']!r} is not one of "
                          f"{', '.join(sorted(_SSL_MODES))}")
    return options


def sqlite_path(home: Path) -> Path:
    """The embedded database, created empty and 0600 before SQLite opens it.

    SQLite gives its -wal and -shm files the database file's mode, so they are 0600 too.
    """
    path = home / "disctrack.sqlite3"
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    for name in (path.name, f"{path.name}-wal", f"{path.name}-shm"):
        owner_only(home / name)
    return path


@dataclass(frozen=True)
class EmailConfig:
    backend: str
    host: str = ""
    port: int = 0
    user: str = ""
    password: str = ""
    use_tls: bool = False
    file_path: str = ""


def email_config(home: Path) -> EmailConfig:
    """Parse DISCTRACK_EMAIL_URL: smtp://user:pass@host:port?tls=1, console: or file:[path]."""
    url = os.environ.get("DISCTRACK_EMAIL_URL", "file:").strip()
    parsed = urlparse(url)
    if parsed.scheme == "console":
        return EmailConfig(backend="django.core.mail.backends.console.EmailBackend")
    if parsed.scheme == "file":
        path = parsed.path or str(home / "outbox")
        return EmailConfig(backend="django.core.mail.backends.filebased.EmailBackend", file_path=path)
    if parsed.scheme in {"smtp", "smtps"}:
        if not parsed.hostname:
            raise ConfigError(f"DISCTRACK_EMAIL_URL={url!r} names no host")
        query = parse_qs(parsed.query)
        tls_raw = query.get("tls", ["0"])[0].lower()
        if tls_raw not in _TRUE | _FALSE:
            raise ConfigError(f"DISCTRACK_EMAIL_URL tls={tls_raw!r} is not a boolean")
        return EmailConfig(
            backend="django.core.mail.backends.smtp.EmailBackend",
            host=parsed.hostname,
            port=parsed.port or 25,
            user=unquote(parsed.username or ""),
            password=unquote(parsed.password or ""),
            use_tls=tls_raw in _TRUE,
        )
    raise ConfigError(
        f"DISCTRACK_EMAIL_URL={url!r} is not understood; use smtp://host:port, console: or file:"
    )
