"""The registry's items in the staff navigation (core/base.html renders `app_nav`)."""

from __future__ import annotations

from django.urls import reverse

from disctrack.registry.access import MANAGE, site_ids


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not site_ids(user, MANAGE):
        return {}
    return {"app_nav": [{"url": reverse("staff-list"), "label": "Staff"},
                        {"url": reverse("audit-log"), "label": "Audit log"}]}
