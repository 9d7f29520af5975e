"""Import steps for staff accounts and their roles at sites.

Accounts are created without a usable password (a random one nobody is told): an
administrator sets one with `disctrack changepassword NAME` before the person logs in.
"""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model

from disctrack.interop.context import ACTOR, ImportContext
from disctrack.interop.csv_format import MEMBERSHIPS, STAFF
from disctrack.registry.actions import do_create_staff, do_set_membership
from disctrack.registry.models import Membership


def load_staff(ctx: ImportContext) -> None:
    for row in ctx.rows(STAFF):
        username = row.get("username")
        if username is None or not ctx.first_time(row, "username", username,
                                                  f"staff user {username!r}"):
            continue
        user = None
        if get_user_model().objects.filter(username__iexact=username).exists():
            ctx.error(row, "username", f"staff user {username!r} already exists in the registry")
        elif row.readable:
            user = ctx.attempt(row, lambda row=row: do_create_staff(
                ACTOR, password=secrets.token_urlsafe(32),
                **row.pick("username", "first_name", "last_name", "email")))
        if user is None:
            ctx.failed["staff"].add(username)


def load_memberships(ctx: ImportContext) -> None:
    for row in ctx.rows(MEMBERSHIPS):
        if not row.readable:
            continue
        key = (row["username"], row["site"])
        if not ctx.first_time(row, "site", key, f"a role of {key[0]!r} at site {key[1]!r}"):
            continue
        user = ctx.actor(row, "username")
        site = ctx.site(row) if user is not None else None
        if site is None:
            continue
        if Membership.objects.filter(user=user, site=site).exists():
            ctx.error(row, "site", f"{user.get_username()!r} already has a role at site "
                      f"{site.code!r}")
            continue
        ctx.attempt(row, lambda row=row, user=user, site=site: do_set_membership(
            ACTOR, user, site, row["role"]))
