"""The follow-up pages in the staff navigation (core/base.html renders `app_nav`)."""

from __future__ import annotations

from django.urls import reverse

from disctrack.registry.access import memberships


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not memberships(user):
        return {}
    return {"app_nav": [
        {"url": reverse("worklist"), "label": "Worklist"},
        {"url": reverse("safety-alerts"), "label": "Safety alerts"},
        {"url": reverse("completeness"), "label": "Completeness"},
    ]}
