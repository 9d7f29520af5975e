"""Sites, physicians and staff accounts."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from disctrack.followup.protocols import ProtocolError, get_protocol
from disctrack.registry.actions._util import build
from disctrack.registry.audit import Actor, audit_change, audit_create, snapshot
from disctrack.registry.choices import Role
from disctrack.registry.models import Membership, Physician, Site


def _check_protocol(name: str) -> None:
    try:
        get_protocol(name)
    except ProtocolError as exc:
        raise ValidationError({"protocol": str(exc)}) from None


@transaction.atomic
def do_create_site(actor: Actor, *, code: str, name: str, timezone: str = "UTC",
                   protocol: str = "default", sms_enabled: bool = False) -> Site:
    _check_protocol(protocol)
    site = build(Site, dict(code=code, name=name, timezone=timezone, protocol=protocol,
                            sms_enabled=sms_enabled))
    site.save()
    audit_create(actor, site)
    return site


@transaction.atomic
def do_add_physician(actor: Actor, site: Site, name: str) -> Physician:
    physician = build(Physician, {"name": name.strip()}, site=site)
    physician.save()
    audit_create(actor, physician)
    return physician


@transaction.atomic
def do_create_staff(actor: Actor, *, username: str, password: str, email: str = "",
                    first_name: str = "", last_name: str = "", site: Site | None = None,
                    role: str | None = None):
    """A staff account with an Argon2-hashed password and, optionally, a role at a site."""
    User = get_user_model()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": f"A user named {username!r} already exists"})
    user = User(username=username, email=email, first_name=first_name, last_name=last_name)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    audit_create(actor, user, reason="staff account created")
    if site is not None and role is not None:
        do_set_membership(actor, user, site, role)
    return user


@transaction.atomic
def do_set_membership(actor: Actor, user, site: Site, role: str) -> Membership:
    if role not in Role.values:
        raise ValidationError({"role": f"{role!r} is not a role; use {', '.join(Role.values)}"})
    membership = Membership.objects.filter(user=user, site=site).first()
    if membership is None:
        membership = Membership.objects.create(user=user, site=site, role=role)
        audit_create(actor, membership)
    else:
        before = snapshot(membership)
        membership.role = role
        membership.save(update_fields=["role"])
        audit_change(actor, membership, before)
    return membership
