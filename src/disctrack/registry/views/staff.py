"""Staff accounts, their roles and the sites' physicians: pages for site administrators.

An administrator sees and changes only the roles held at the sites they administer; a
staff member with no role at those sites answers 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from disctrack.registry.access import (
    access_staff_member,
    administers_whole_account,
    require_administrator,
)
from disctrack.registry.actions import (
    do_add_physician,
    do_create_staff,
    do_remove_membership,
    do_set_membership,
    do_set_password,
    do_set_staff_active,
)
from disctrack.registry.forms.errors import add_action_errors
from disctrack.registry.forms.staff import (
    AccountStatusForm,
    PasswordResetForm,
    PhysicianForm,
    RemoveRoleForm,
    RoleForm,
    StaffCreateForm,
)
from disctrack.registry.models import Membership, Physician


@login_required
@require_GET
def staff_list(request):
    site_list = require_administrator(request.user).prefetch_related(
        Prefetch("memberships", queryset=Membership.objects.select_related("user").order_by(
            "-user__is_active", "user__last_name", "user__username")),
        Prefetch("physicians", queryset=Physician.objects.order_by("name")),
    )
    return render(request, "registry/staff_list.html", {"sites": site_list})


@login_required
@require_http_methods(["GET", "POST"])
def staff_new(request):
    sites = require_administrator(request.user)
    form = StaffCreateForm(request.POST or None, sites=sites, initial={"site": request.GET.get("site")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            member = do_create_staff(
                request.user, username=data["username"].strip(), password=data["password"],
                email=data["email"], first_name=data["first_name"], last_name=data["last_name"],
                site=data["site"], role=data["role"])
        except ValidationError as exc:
            add_action_errors(exc, form)
        else:
            messages.success(request, f"Account {member.get_username()} created; give them the password "
                                      "in person or by telephone, never by e-mail.")
            return redirect("staff-detail", staff_id=member.id)
    return render(request, "registry/staff_new.html", {"form": form}, status=400 if form.errors else 200)


# One page, several small forms: the button pressed names which.
_FORMS = {"role": RoleForm, "remove": RemoveRoleForm, "status": AccountStatusForm, "password": PasswordResetForm}
# What changes the account at every site, not only at the administrator's own.
ACCOUNT_WIDE = ("status", "password")


@login_required
@require_http_methods(["GET", "POST"])
def staff_detail(request, staff_id: int):
    managed = require_administrator(request.user)
    member = access_staff_member(request.user, staff_id)
    held = managed.filter(memberships__user=member)
    whole_account = administers_whole_account(request.user, member)
    forms = {"role": RoleForm(sites=managed, prefix="role"), "remove": RemoveRoleForm(sites=held, prefix="remove"),
             "status": AccountStatusForm(prefix="status", initial={"active": "0" if member.is_active else "1"}),
             "password": PasswordResetForm(prefix="password")}
    which = request.POST.get("form")
    if which in ACCOUNT_WIDE and not whole_account:
        raise PermissionDenied("This account has roles at sites you do not administer; their administrators "
                               "change its password and whether it can log in")
    if request.method == "POST" and which in _FORMS:
        form = _bound(which, request.POST, managed, held)
        forms[which] = form
        if form.is_valid():
            try:
                done = _apply(which, request.user, member, form.cleaned_data)
            except ValidationError as exc:
                add_action_errors(exc, form)
            else:
                messages.success(request, done)
                if not member.memberships.filter(site__in=managed).exists():
                    return redirect("staff-list")
                return redirect("staff-detail", staff_id=member.id)
    roles = Membership.objects.filter(user=member).select_related("site").order_by("site__name")
    managed_ids = {site.id for site in managed}
    context = {"member": member, "forms": forms, "whole_account": whole_account,
               "roles": [(m, m.site_id in managed_ids) for m in roles]}
    failed = request.method == "POST" and any(f.errors for f in forms.values())
    return render(request, "registry/staff_detail.html", context, status=400 if failed else 200)


def _bound(which: str, data, managed, held):
    if which == "role":
        return RoleForm(data, sites=managed, prefix="role")
    if which == "remove":
        return RemoveRoleForm(data, sites=held, prefix="remove")
    return _FORMS[which](data, prefix=which)


def _apply(which: str, actor, member, data: dict) -> str:
    name = member.get_username()
    if which == "role":
        membership = do_set_membership(actor, member, data["site"], data["role"])
        return f"{name} is now {membership.get_role_display().lower()} at {data['site']}."
    if which == "remove":
        do_remove_membership(actor, member, data["site"], data["reason"])
        return f"{name} no longer has a role at {data['site']}."
    if which == "status":
        do_set_staff_active(actor, member, data["active"], data["reason"])
        return f"{name}'s account is {'restored' if data['active'] else 'suspended: it can no longer log in'}."
    do_set_password(actor, member, data["password"])
    return f"{name}'s password was changed; give it to them in person or by telephone."


@login_required
@require_http_methods(["GET", "POST"])
def physician_new(request):
    sites = require_administrator(request.user)
    form = PhysicianForm(request.POST or None, sites=sites, initial={"site": request.GET.get("site")})
    if request.method == "POST" and form.is_valid():
        try:
            physician = do_add_physician(request.user, form.cleaned_data["site"], form.cleaned_data["name"])
        except ValidationError as exc:
            add_action_errors(exc, form)
        else:
            messages.success(request, f"{physician.name} can now be chosen as the treating physician at "
                                      f"{physician.site}.")
            return redirect("staff-list")
    return render(request, "registry/physician_form.html", {"form": form}, status=400 if form.errors else 200)
