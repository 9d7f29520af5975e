"""Log in (throttled), log out, the home redirect and a health check."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from disctrack.core import throttle
from disctrack.core.forms import LoginForm

LOGIN_SCOPE = "login"


def home(request):
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    return redirect("public-outcomes")


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return ""


def login_view(request):
    form = LoginForm(request.POST or None)
    window = timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    status = 200
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"].strip().lower()
        # Failures count against the account and against the client address, each with
        # its own limit: a guesser cannot lock out a whole clinic behind one address.
        limits = {f"user:{username}": settings.LOGIN_FAILURE_LIMIT,
                  f"ip:{throttle.client_address(request)}": settings.LOGIN_ADDRESS_FAILURE_LIMIT}
        keys = tuple(limits)
        if any(throttle.is_blocked(LOGIN_SCOPE, key, limit=limit, window=window)
               for key, limit in limits.items()):
            form.add_error(None, f"Too many failed attempts. Try again in {settings.LOGIN_LOCKOUT_MINUTES} minutes.")
            status = 429
        else:
            user = authenticate(request, username=form.cleaned_data["username"].strip(),
                                password=form.cleaned_data["password"])
            if user is None:
                for key in keys:
                    throttle.record_failure(LOGIN_SCOPE, key)
                form.add_error(None, "The user name or password is not right.")
                status = 401
            else:
                throttle.clear(LOGIN_SCOPE, keys[0])
                login(request, user)
                return redirect(_safe_next(request) or settings.LOGIN_REDIRECT_URL)
    return render(request, "core/login.html", {"form": form, "next": _safe_next(request)}, status=status)


@require_POST
def logout_view(request):
    logout(request)
    return redirect("login")


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"}) if request.GET.get("json") else HttpResponse("ok")
