"""Staff log in with Argon2-hashed passwords; repeated failures are throttled."""

from __future__ import annotations

import pytest
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


def test_sessions_expire_after_inactivity():
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


@pytest.mark.django_db
def test_logout_needs_post(client, personas):
    client.force_login(personas.coordinator)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_health_check(client):
    assert client.get(reverse("healthz")).content == b"ok"
