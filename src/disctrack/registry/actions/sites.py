"""Sites (and the follow-up protocol each follows), physicians and staff accounts."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from disctrack.protocols import ProtocolError, get_protocol
from disctrack.registry.actions._util import build, require_reason
from disctrack.registry.actions.schedule import reschedule_pending
from disctrack.registry.audit import (
    Actor,
    audit_change,
    audit_create,
    audit_delete,
    audit_entry,
    snapshot,
)
from disctrack.registry.choices import PatientStatus, Role, TreatmentRole
from disctrack.registry.locking import for_change
from disctrack.registry.models import Membership, Physician, Site, TimePoint, Treatment


def _check_protocol(name: str):
    try:
        return get_protocol(name)
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
def do_change_site_protocol(actor: Actor, site: Site, protocol_name: str) -> list[TimePoint]:
    """The site follows another protocol: every pending time point of its patients moves.

    Answered and closed time points keep the protocol they were asked under.
    """
    protocol = _check_protocol(protocol_name)
    site = for_change(Site.objects).get(pk=site.pk)
    before = snapshot(site)
    site.protocol = protocol.name
    site.save(update_fields=["protocol"])
    reason = f"site follows protocol {protocol.name} v{protocol.version}"
    audit_change(actor, site, before, reason=reason)
    treatments = Treatment.objects.filter(
        role=TreatmentRole.INDEX, episode__patient__site=site,
        episode__patient__status=PatientStatus.ACTIVE,
    ).select_related("episode__patient__site")
    changed: list[TimePoint] = []
    for treatment in treatments:
        changed.extend(reschedule_pending(actor, treatment, reason, protocol))
    return changed


@transaction.atomic
def do_add_physician(actor: Actor, site: Site, name: str) -> Physician:
    physician = build(Physician, {"name": name.strip()}, site=site)
    physician.save()
    audit_create(actor, physician)
    return physician


def _check_password(password: str, user) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None


@transaction.atomic
def do_create_staff(actor: Actor, *, username: str, password: str, email: str = "",
                    first_name: str = "", last_name: str = "", site: Site | None = None,
                    role: str | None = None):
    """A staff account with an Argon2-hashed password and, optionally, a role at a site."""
    User = get_user_model()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": f"A user named {username!r} already exists"})
    user = User(username=username, email=email, first_name=first_name, last_name=last_name)
    _check_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    audit_create(actor, user, reason="staff account created")
    if site is not None and role is not None:
        do_set_membership(actor, user, site, role)
    return user


@transaction.atomic
def do_set_membership(actor: Actor, user, site: Site, role: str) -> Membership:
    """Give the user `role` at `site`, or change the role they hold there."""
    if role not in Role.values:
        raise ValidationError({"role": f"{role!r} is not a role; use {', '.join(Role.values)}"})
    membership = for_change(Membership.objects).filter(user=user, site=site).first()
    if membership is None:
        membership = Membership.objects.create(user=user, site=site, role=role)
        audit_create(actor, membership)
    else:
        if role != Role.ADMINISTRATOR:
            _keep_an_administrator(membership)
        before = snapshot(membership)
        membership.role = role
        membership.save(update_fields=["role"])
        audit_change(actor, membership, before)
    return membership


@transaction.atomic
def do_remove_membership(actor: Actor, user, site: Site, reason: str) -> None:
    """Take the user's role at `site` away; their account and other sites are untouched."""
    reason = require_reason(reason)
    membership = for_change(Membership.objects).filter(user=user, site=site).first()
    if membership is None:
        raise ValidationError({"site": f"{user.get_username()} has no role at {site}"})
    _keep_an_administrator(membership)
    audit_delete(actor, membership, reason=reason)
    membership.delete()


def _keep_an_administrator(membership: Membership) -> None:
    """A site always keeps one administrator, who can give roles there."""
    if membership.role != Role.ADMINISTRATOR:
        return
    others = (for_change(Membership.objects)
              .filter(site_id=membership.site_id, role=Role.ADMINISTRATOR, user__is_active=True)
              .exclude(pk=membership.pk))
    if not others.exists():
        raise ValidationError({"role": f"{membership.user.get_username()} is the only administrator of "
                                       f"{membership.site}; make someone else administrator first"})


@transaction.atomic
def do_set_staff_active(actor: Actor, user, active: bool, reason: str) -> None:
    """Suspend an account (it can no longer log in; its records stay) or restore it."""
    reason = require_reason(reason)
    if not active and not isinstance(actor, str) and actor.pk == user.pk:
        raise ValidationError({"active": "You cannot suspend your own account"})
    if not active:
        for membership in Membership.objects.filter(user=user, role=Role.ADMINISTRATOR):
            _keep_an_administrator(membership)
    before = snapshot(user)
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit_change(actor, user, before, reason=reason)


@transaction.atomic
def do_set_password(actor: Actor, user, password: str) -> None:
    """A new password (Argon2); the trail records that it changed, never the password."""
    _check_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_entry(actor, "update", user, changes={"password": ["(hidden)", "(hidden)"]},
                reason="password changed" if actor == user else "password reset by an administrator")
