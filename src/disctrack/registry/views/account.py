"""Any staff member changes their own password (from their user name in the top bar)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from disctrack.registry.actions import do_set_password
from disctrack.registry.forms.errors import add_action_errors
from disctrack.registry.forms.staff import OwnPasswordForm


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request):
    """Any staff member changes their own password; the session stays logged in."""
    form = OwnPasswordForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            do_set_password(request.user, request.user, form.cleaned_data["password"])
        except ValidationError as exc:
            add_action_errors(exc, form)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, "Your password was changed.")
            return redirect(settings.LOGIN_REDIRECT_URL)
    return render(request, "registry/password_change.html", {"form": form}, status=400 if form.errors else 200)
