"""Settings are read strictly from the environment: bad values stop start-up with a reason."""

from __future__ import annotations

import pytest

from disctrack import config


def test_bad_boolean_is_an_error_not_false(monkeypatch):
    monkeypatch.setenv("DISCTRACK_DEBUG", "maybe")
    with pytest.raises(config.ConfigError, match="DISCTRACK_DEBUG='maybe' is not a boolean"):
        config.env_bool("DISCTRACK_DEBUG", False)


@pytest.mark.parametrize("raw,expected", [("1", True), ("yes", True), ("OFF", False), ("", False)])
def test_booleans(monkeypatch, raw, expected):
    monkeypatch.setenv("X_FLAG", raw)
    assert config.env_bool("X_FLAG", not expected) is expected


def test_whole_number_with_minimum(monkeypatch):
    monkeypatch.setenv("X_MINUTES", "0")
    with pytest.raises(config.ConfigError, match="must be at least 1"):
        config.env_int("X_MINUTES", 30, minimum=1)
    monkeypatch.setenv("X_MINUTES", "ten")
    with pytest.raises(config.ConfigError, match="is not a whole number"):
        config.env_int("X_MINUTES", 30)


def test_sqlite_is_the_default_with_wal_and_full_sync(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    db = config.database_config(tmp_path)
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["NAME"] == str(tmp_path / "disctrack.sqlite3")
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]
    assert "synchronous=FULL" in db["OPTIONS"]["init_command"]


def test_postgres_url(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgres://reg:s%40cret@db.example.test:5433/disctrack")
    db = config.database_config(tmp_path)
    assert (db["ENGINE"], db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "django.db.backends.postgresql", "disctrack", "reg", "s@cret", "db.example.test", "5433"
    )


def test_postgres_url_carries_tls_to_the_database(monkeypatch, tmp_path):
    # A network's web and worker machines reach the database over TLS, verifying its name.
    monkeypatch.setenv("DATABASE_URL", "postgres://app@db.example.test/disctrack"
                       "?sslmode=verify-full&sslrootcert=/etc/disctrack/db-ca.pem&application_name=web1")
    assert config.database_config(tmp_path)["OPTIONS"] == {
        "sslmode": "verify-full", "sslrootcert": "/etc/disctrack/db-ca.pem", "application_name": "web1"}


@pytest.mark.parametrize("url,message", [
    ("mysql://x@y/z", "scheme 'mysql' is not supported"),
    ("postgres://x@y:5432/", "names no database"),
    ("postgres://x@y/z?sslmode=sometimes", "sslmode='sometimes' is not one of"),
    ("postgres://x@y/z?ssl=true", "parameter 'ssl' is not supported"),
])
def test_bad_database_url(monkeypatch, tmp_path, url, message):
    monkeypatch.setenv("DATABASE_URL", url)
    with pytest.raises(config.ConfigError, match=message):
        config.database_config(tmp_path)


def test_email_url_forms(monkeypatch, tmp_path):
    monkeypatch.setenv("DISCTRACK_EMAIL_URL", "smtp://user:pw@127.0.0.1:2525?tls=1")
    smtp = config.email_config(tmp_path)
    assert (smtp.host, smtp.port, smtp.user, smtp.password, smtp.use_tls) == (
        "127.0.0.1", 2525, "user", "pw", True
    )
    monkeypatch.setenv("DISCTRACK_EMAIL_URL", "file:")
    assert config.email_config(tmp_path).file_path == str(tmp_path / "outbox")
    monkeypatch.setenv("DISCTRACK_EMAIL_URL", "carrier-pigeon://coop")
    with pytest.raises(config.ConfigError, match="is not understood"):
        config.email_config(tmp_path)
    monkeypatch.setenv("DISCTRACK_EMAIL_URL", "smtp://127.0.0.1?tls=perhaps")
    with pytest.raises(config.ConfigError, match="tls='perhaps' is not a boolean"):
        config.email_config(tmp_path)


def test_secret_key_generated_once_and_kept(monkeypatch, tmp_path):
    monkeypatch.delenv("DISCTRACK_SECRET_KEY", raising=False)
    monkeypatch.delenv("DISCTRACK_SECRET_KEY_FILE", raising=False)
    first = config.secret_key(tmp_path)
    assert len(first) >= 50
    assert config.secret_key(tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_secret_key_file_must_exist(monkeypatch, tmp_path):
    monkeypatch.delenv("DISCTRACK_SECRET_KEY", raising=False)
    monkeypatch.setenv("DISCTRACK_SECRET_KEY_FILE", str(tmp_path / "missing"))
    with pytest.raises(config.ConfigError, match="does not name a readable file"):
        config.secret_key(tmp_path)
