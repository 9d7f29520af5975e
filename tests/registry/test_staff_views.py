"""Site administrators manage staff accounts, roles and physicians from the web pages."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from tests.conftest import PASSWORD

from disctrack.registry.actions import do_set_membership
from disctrack.registry.models import AuditEntry, Membership, Physician

NEW_PASSWORD = "lumbar-disc-registry-9"


def new_account(client, site, **overrides):
    data = {"username": "nurse.lopez", "first_name": "Lucía", "last_name": "López", "email": "lucia@example.test",
            "site": site.id, "role": "coordinator", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD,
            **overrides}
    return client.post(reverse("staff-new"), data)


def test_only_administrators_reach_the_staff_pages(client_for, personas):
    for persona in (personas.coordinator, personas.clinician, personas.analyst, personas.outsider):
        assert client_for(persona).get(reverse("staff-list")).status_code == 403
    page = client_for(personas.admin).get(reverse("staff-list"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Clinic A" in text and "Clinic B" not in text and "outsider" not in text
    assert "Dr. Alba Ruiz" in text and "Dr. Ben Cole" not in text
    assert f'href="{reverse("staff-list")}"' in text, "in the navigation"


def test_another_sites_staff_member_is_404(client_for, personas):
    client = client_for(personas.admin)
    assert client.get(reverse("staff-detail", args=[personas.outsider.id])).status_code == 404
    assert client.get(reverse("staff-detail", args=[personas.coordinator.id])).status_code == 200


def test_an_administrator_creates_an_account_who_can_then_log_in(client, client_for, personas):
    response = new_account(client_for(personas.admin), personas.site_a)
    user = get_user_model().objects.get(username="nurse.lopez")
    assert response.status_code == 302 and response["Location"] == reverse("staff-detail", args=[user.id])
    assert Membership.objects.get(user=user).role == "coordinator"
    assert user.password.startswith("argon2")
    assert AuditEntry.objects.filter(model="registry.Membership", action="create", actor="admin").exists()
    client.logout()
    assert client.login(username="nurse.lopez", password=NEW_PASSWORD)


def test_bad_account_data_is_named_and_nothing_is_created(client_for, personas):
    client = client_for(personas.admin)
    response = new_account(client, personas.site_a, password_again="something-else-entirely")
    assert response.status_code == 400 and "The two passwords differ" in response.content.decode()
    response = new_account(client, personas.site_a, password="1234567890", password_again="1234567890")
    assert response.status_code == 400 and "This password is entirely numeric." in response.content.decode()
    response = new_account(client, personas.site_a, username="Coordinator")
    assert response.status_code == 400 and "A user named &#x27;Coordinator&#x27; already exists" in \
        response.content.decode()
    response = new_account(client, personas.site_b)
    assert response.status_code == 400, "a site the administrator does not run is not a choice"
    assert not get_user_model().objects.filter(username="nurse.lopez").exists()


def _post(client, member, form, **data):
    fields = {f"{form}-{key}": value for key, value in data.items()}
    return client.post(reverse("staff-detail", args=[member.id]), {"form": form, **fields})


def test_roles_change_and_are_removed_with_a_reason(client_for, personas):
    client = client_for(personas.admin)
    response = _post(client, personas.coordinator, "role", site=personas.site_a.id, role="clinician")
    assert response.status_code == 302
    assert Membership.objects.get(user=personas.coordinator).role == "clinician"
    response = _post(client, personas.coordinator, "remove", site=personas.site_a.id, reason="")
    assert response.status_code == 400 and "This field is required." in response.content.decode()
    response = _post(client, personas.coordinator, "remove", site=personas.site_a.id, reason="left the clinic")
    assert response.status_code == 302 and response["Location"] == reverse("staff-list")
    assert not Membership.objects.filter(user=personas.coordinator).exists()
    removed = AuditEntry.objects.get(model="registry.Membership", action="delete")
    assert removed.reason == "left the clinic" and removed.site_id == personas.site_a.id


def test_a_site_keeps_its_last_administrator(client_for, personas):
    client = client_for(personas.admin)
    response = _post(client, personas.admin, "role", site=personas.site_a.id, role="coordinator")
    assert response.status_code == 400
    assert "admin is the only administrator of Clinic A; make someone else administrator first" in \
        response.content.decode()
    response = _post(client, personas.admin, "status", active="0", reason="testing")
    assert response.status_code == 400 and "You cannot suspend your own account" in response.content.decode()
    do_set_membership("system: test", personas.clinician, personas.site_a, "administrator")
    response = _post(client, personas.admin, "role", site=personas.site_a.id, role="coordinator")
    assert response.status_code == 302


def test_suspending_stops_log_in_and_restoring_allows_it(client, client_for, personas):
    admin = client_for(personas.admin)
    assert _post(admin, personas.coordinator, "status", active="0", reason="on leave").status_code == 302
    personas.coordinator.refresh_from_db()
    assert not personas.coordinator.is_active
    admin.logout()
    assert not client.login(username="coordinator", password=PASSWORD)
    admin = client_for(personas.admin)
    assert _post(admin, personas.coordinator, "status", active="1", reason="back").status_code == 302
    admin.logout()
    assert client.login(username="coordinator", password=PASSWORD)


def test_an_administrator_sets_a_new_password_recorded_without_it(client, client_for, personas):
    admin = client_for(personas.admin)
    response = _post(admin, personas.coordinator, "password", password=NEW_PASSWORD, password_again=NEW_PASSWORD)
    assert response.status_code == 302
    entry = AuditEntry.objects.filter(model="auth.User", object_id=str(personas.coordinator.id)).latest("id")
    assert entry.changes == {"password": ["(hidden)", "(hidden)"]}
    assert entry.reason == "password reset by an administrator"
    assert NEW_PASSWORD not in str(list(AuditEntry.objects.values_list("changes", flat=True)))
    admin.logout()
    assert client.login(username="coordinator", password=NEW_PASSWORD)


def test_a_physician_is_added_and_offered_for_treatments(client_for, personas):
    client = client_for(personas.admin)
    assert client.post(reverse("physician-new"), {"site": personas.site_a.id, "name": ""}).status_code == 400
    response = client.post(reverse("physician-new"), {"site": personas.site_a.id, "name": "Dr. Carla Gil"})
    assert response.status_code == 302
    assert Physician.objects.filter(site=personas.site_a, name="Dr. Carla Gil").exists()
    response = client.post(reverse("physician-new"), {"site": personas.site_b.id, "name": "Dr. Elsewhere"})
    assert response.status_code == 400
    assert not Physician.objects.filter(name="Dr. Elsewhere").exists()


@pytest.mark.parametrize("persona", ["coordinator", "analyst", "admin"])
def test_everyone_changes_their_own_password(client, client_for, personas, persona):
    user = getattr(personas, persona)
    own = client_for(user)
    page = own.get(reverse("password-change"))
    assert page.status_code == 200 and 'autocomplete="current-password"' in page.content.decode()
    wrong = own.post(reverse("password-change"), {"current_password": "not-it", "password": NEW_PASSWORD,
                                                  "password_again": NEW_PASSWORD})
    assert wrong.status_code == 400 and "That is not your current password" in wrong.content.decode()
    right = own.post(reverse("password-change"), {"current_password": PASSWORD, "password": NEW_PASSWORD,
                                                  "password_again": NEW_PASSWORD})
    assert right.status_code == 302
    assert own.get(reverse("patient-list")).status_code == 200, "still logged in"
    own.logout()
    assert client.login(username=user.username, password=NEW_PASSWORD)


def test_a_clinic_administrator_cannot_take_over_an_account_with_roles_elsewhere(client, client_for, personas):
    """A network administrator also runs site B: site A's administrator may change the
    role at site A, not the password or log-in that also open site B."""
    network = personas.clinician
    do_set_membership("system: test", network, personas.site_a, "administrator")
    do_set_membership("system: test", network, personas.site_b, "administrator")
    admin = client_for(personas.admin)
    page = admin.get(reverse("staff-detail", args=[network.id])).content.decode()
    assert "only their administrators can set its password or suspend it" in page
    assert 'name="form" value="password"' not in page
    for form, data in (("password", {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD}),
                       ("status", {"active": "0", "reason": "takeover"})):
        assert _post(admin, network, form, **data).status_code == 403
    network.refresh_from_db()
    assert network.is_active and network.check_password(PASSWORD)
    assert _post(admin, network, "role", site=personas.site_a.id, role="clinician").status_code == 302
