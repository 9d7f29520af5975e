"""A site administrator chooses the site's follow-up protocol."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from disctrack.followup.forms import SiteProtocolForm
from disctrack.protocols import get_protocol
from disctrack.registry.access import MANAGE, access_site
from disctrack.registry.actions import do_change_site_protocol
from disctrack.registry.forms.errors import add_action_errors


@login_required
@require_http_methods(["GET", "POST"])
def site_protocol(request, code: str):
    site = access_site(request.user, code, MANAGE)
    form = SiteProtocolForm(request.POST if request.method == "POST" else None,
                            initial={"protocol": site.protocol})
    if request.method == "POST" and form.is_valid():
        try:
            moved = do_change_site_protocol(request.user, site, form.cleaned_data["protocol"])
        except ValidationError as exc:
            add_action_errors(exc, form)
        else:
            messages.success(request, f"{site.name} now follows {form.cleaned_data['protocol']}; "
                                      f"{len(moved)} pending time points were rescheduled.")
            return redirect("site-protocol", site.code)
    return render(request, "followup/site_protocol.html", {
        "site": site, "form": form, "current": get_protocol(site.protocol),
    }, status=400 if form.errors else 200)
