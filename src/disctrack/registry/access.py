"""Access functions: the one way every view reaches a registry object.

Objects of sites the user does not belong to answer 404, never revealing that they exist;
objects the user may see but not change answer 403 on a write.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from disctrack.registry.choices import Role
from disctrack.registry.models import (
    Complication,
    Episode,
    Membership,
    Patient,
    Site,
    TimePoint,
    Treatment,
)

READ, WRITE, IDENTITY, ADJUDICATE, MANAGE = "read", "write", "identity", "adjudicate", "manage"


def memberships(user) -> dict[int, Membership]:
    """The user's memberships keyed by site id, cached on the user for the request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return {}
    cached = getattr(user, "_disctrack_memberships", None)
    if cached is None:
        cached = {m.site_id: m for m in Membership.objects.filter(user=user).select_related("site")}
        user._disctrack_memberships = cached
    return cached


def allows(membership: Membership | None, need: str) -> bool:
    if membership is None:
        return False
    if need == READ:
        return True
    if need == WRITE:
        return membership.can_write
    if need == IDENTITY:
        return membership.can_see_identity
    if need == ADJUDICATE:
        return membership.can_adjudicate
    if need == MANAGE:
        return membership.role == Role.ADMINISTRATOR
    raise ValueError(f"unknown access need {need!r}")


def site_ids(user, need: str = READ) -> list[int]:
    return [site_id for site_id, m in memberships(user).items() if allows(m, need)]


def sites_for(user, need: str = READ) -> QuerySet[Site]:
    return Site.objects.filter(id__in=site_ids(user, need))


def membership_at(user, site_id: int) -> Membership | None:
    return memberships(user).get(site_id)


def check_site_access(user, site_id: int, need: str) -> None:
    """404 unless the user works at the site; 403 if their role there lacks `need`."""
    membership = membership_at(user, site_id)
    if membership is None:
        raise Http404("No such record")
    if not allows(membership, need):
        raise PermissionDenied(f"Your role at this site does not allow this ({need})")


def access_site(user, code: str, need: str = READ) -> Site:
    site = Site.objects.filter(code=code).first()
    if site is None:
        raise Http404("No such site")
    check_site_access(user, site.id, need)
    return site


def access_patient(user, registry_id: str, need: str = READ) -> Patient:
    patient = Patient.objects.select_related("site").filter(registry_id=registry_id).first()
    if patient is None:
        raise Http404("No such patient")
    check_site_access(user, patient.site_id, need)
    return patient


def access_episode(user, episode_id: int, need: str = READ) -> Episode:
    episode = Episode.objects.select_related("patient__site").filter(id=episode_id).first()
    if episode is None:
        raise Http404("No such episode")
    check_site_access(user, episode.patient.site_id, need)
    return episode


def access_treatment(user, treatment_id: int, need: str = READ) -> Treatment:
    treatment = (
        Treatment.objects.select_related("episode__patient__site", "physician")
        .filter(id=treatment_id)
        .first()
    )
    if treatment is None:
        raise Http404("No such treatment")
    check_site_access(user, treatment.episode.patient.site_id, need)
    return treatment


def access_complication(user, complication_id: int, need: str = READ) -> Complication:
    complication = (
        Complication.objects.select_related("episode__patient__site")
        .filter(id=complication_id)
        .first()
    )
    if complication is None:
        raise Http404("No such complication")
    check_site_access(user, complication.episode.patient.site_id, need)
    return complication


def access_timepoint(user, timepoint_id: int, need: str = READ) -> TimePoint:
    tp = (
        TimePoint.objects.select_related("patient__site", "treatment__episode")
        .filter(id=timepoint_id)
        .first()
    )
    if tp is None:
        raise Http404("No such time point")
    check_site_access(user, tp.patient.site_id, need)
    return tp


def visible_patients(user) -> QuerySet[Patient]:
    return Patient.objects.filter(site_id__in=site_ids(user))


def access_staff_member(user, staff_id: int):
    """A staff account with a role at a site the user administers; any other answers 404."""
    member = (get_user_model().objects.filter(id=staff_id, memberships__site_id__in=site_ids(user, MANAGE))
              .distinct().first())
    if member is None:
        raise Http404("No such staff member")
    return member


def require_administrator(user) -> QuerySet[Site]:
    """The sites the user administers; 403 when there are none."""
    sites = sites_for(user, MANAGE).order_by("name")
    if not sites.exists():
        raise PermissionDenied("Only a site's administrators manage its staff")
    return sites


def administers_whole_account(user, member) -> bool:
    """Whether every role `member` holds is at a site `user` administers.

    Only then may `user` change what the account is everywhere (its password, whether it
    can log in): a clinic's administrator must not take over a network administrator.
    """
    return set(member.memberships.values_list("site_id", flat=True)) <= set(site_ids(user, MANAGE))
