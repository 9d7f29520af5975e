"""The `disctrack` command: serve with gunicorn, create staff and sites, refuse bad input."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from disctrack.registry.models import AuditEntry, Membership, Site


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_runs_gunicorn_and_answers(tmp_path):
    port = _free_port()
    env = {**os.environ, "DISCTRACK_HOME": str(tmp_path), "DJANGO_SETTINGS_MODULE": "disctrack.settings"}
    env.pop("DATABASE_URL", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "disctrack.cli", "serve", "--port", str(port), "--workers", "1"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        body = b""
        # Generous: migrating a new database and booting gunicorn is slow on a busy machine.
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                body = urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read()
                break
            except OSError:
                time.sleep(0.5)
        assert body == b"ok"
        assert (tmp_path / "disctrack.sqlite3").exists(), "serve applies migrations first"
        # Survey and opt-out tokens are keys: the access log and Django's "Not Found"
        # warnings must record the request without them.
        for path in ("/s/SurveyCanary7Qx/q/2/?token=QueryCanary5", "/followup/opt-out/OptOutCanary9/"):
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}{path}",
                headers={"Referer": f"http://127.0.0.1:{port}/s/RefererCanary3/"})
            try:
                urllib.request.urlopen(request, timeout=5).read()
            except urllib.error.HTTPError as exc:
                assert exc.code in (400, 404, 410), exc.code
    finally:
        proc.terminate()
        output = proc.communicate(timeout=20)[0]
    assert "gunicorn" in output.lower() or "Booting worker" in output
    assert "/s/[token]/q/2/" in output, "the access log still records the request, masked"
    for canary in ("SurveyCanary7Qx", "QueryCanary5", "OptOutCanary9", "RefererCanary3"):
        assert canary not in output, f"{canary} reached the server's log"


def test_serve_rejects_a_bad_port():
    with pytest.raises(CommandError, match="--port 70000 is not a TCP port"):
        call_command("serve", port=70000, no_migrate=True)


def test_configuration_errors_exit_2(tmp_path):
    env = {**os.environ, "DISCTRACK_HOME": str(tmp_path), "DISCTRACK_DEBUG": "perhaps"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run([sys.executable, "-m", "disctrack.cli", "check"], env=env,
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert "DISCTRACK_DEBUG='perhaps' is not a boolean" in result.stderr


@pytest.mark.django_db
def test_addsite_and_adduser(monkeypatch):
    call_command("addsite", "valencia", name="Clinic Valencia", timezone="Europe/Madrid", stdout=StringIO())
    assert Site.objects.get(code="valencia").timezone == "Europe/Madrid"
    monkeypatch.setattr("sys.stdin", StringIO("a long enough passphrase\n"))
    call_command("adduser", "maria", site="valencia", role="clinician", password_stdin=True,
                 stdout=StringIO())
    user = get_user_model().objects.get(username="maria")
    assert user.check_password("a long enough passphrase")
    assert Membership.objects.get(user=user).role == "clinician"
    assert AuditEntry.objects.filter(model="auth.User", object_id=str(user.pk)).exists()
    assert "argon2" not in str(AuditEntry.objects.filter(model="auth.User").values_list("changes", flat=True)[0])


@pytest.mark.django_db
def test_addsite_rejects_unknown_timezone():
    with pytest.raises(CommandError, match="timezone: 'Mars/Olympus' is not an IANA timezone"):
        call_command("addsite", "mars", name="Mars", timezone="Mars/Olympus")
    assert not Site.objects.filter(code="mars").exists()


@pytest.mark.django_db
def test_adduser_rejects_weak_password_and_unknown_site(monkeypatch, personas):
    monkeypatch.setattr("sys.stdin", StringIO("short\n"))
    with pytest.raises(CommandError, match="password: This password is too short"):
        call_command("adduser", "weak", site="site-a", role="analyst", password_stdin=True)
    with pytest.raises(CommandError, match="--site 'nowhere' is not a site code"):
        call_command("adduser", "lost", site="nowhere", role="analyst", password_stdin=True)
    assert not get_user_model().objects.filter(username__in=["weak", "lost"]).exists()
