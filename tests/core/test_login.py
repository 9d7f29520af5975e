"""Staff log in with Argon2-hashed passwords; repeated failures are throttled."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from tests.conftest import PASSWORD


def test_passwords_are_hashed_with_argon2(personas):
    stored = get_user_model().objects.get(username="coordinator").password
    assert stored.startswith("argon2$")
    assert PASSWORD not in stored


def test_login_then_patient_list(client, personas):
    response = client.post(reverse("login"), {"username": "coordinator", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("patient-list")
    assert client.session.get("_auth_user_id") == str(personas.coordinator.pk)


def test_wrong_password_is_refused(client, personas):
    response = client.post(reverse("login"), {"username": "coordinator", "password": "nope"})
    assert response.status_code == 401
    assert "not right" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_repeated_failures_lock_the_account_even_with_the_right_password(client, personas):
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "coordinator", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "coordinator", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_ends_after_the_window(client, personas):
    import time_machine
    from django.utils import timezone

    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(settings.LOGIN_FAILURE_LIMIT):
            client.post(reverse("login"), {"username": "coordinator", "password": "wrong"})
    later = start + timezone.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES + 1)
    with time_machine.travel(later, tick=False):
        response = client.post(reverse("login"), {"username": "coordinator", "password": PASSWORD})
    assert response.status_code == 302


def test_next_must_stay_on_this_site(client, personas):
    response = client.post(
        reverse("login") + "?next=https://evil.example.test/",
        {"username": "coordinator", "password": PASSWORD},
    )
    assert response["Location"] == reverse("patient-list")


@pytest.mark.django_db
def test_sessions_expire_after_thirty_minutes_of_inactivity_without_a_write_per_page(client, personas):
    from django.contrib.sessions.models import Session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        client.post(reverse("login"), {"username": "coordinator", "password": PASSWORD})
        key = client.session.session_key
        client.get(reverse("patient-list"))
        # Page views within a minute of the last renewal do not write the session.
        clock.shift(dt.timedelta(seconds=30))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("patient-list")).status_code == 200
        assert not [q for q in queries if "django_session" in q["sql"] and not q["sql"].startswith("SELECT")]
        # Working on keeps the session alive past thirty minutes from the log-in ...
        for _ in range(4):
            clock.shift(dt.timedelta(minutes=10))
            assert client.get(reverse("patient-list")).status_code == 200
        assert Session.objects.get(session_key=key).expire_date >= start + dt.timedelta(minutes=69)
        # ... and thirty minutes without a request end it.
        clock.shift(dt.timedelta(minutes=30, seconds=1))
        response = client.get(reverse("patient-list"))
        assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.django_db
def test_logout_needs_post(client, personas):
    client.force_login(personas.coordinator)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_health_check(client):
    assert client.get(reverse("healthz")).content == b"ok"
